/** What the workflow waits for, at the top of its view: an approval, a question, a kill switch, trust. */
import type { WorkflowPanelView } from '../../protocol/agent';
import type { Waiting } from '../../protocol/workflow';
import { button, el } from '../dom';
import type { Context } from '../store';
import { act, approvalCard } from './approval';

export const ANSWER_ID = 'answer-input';

export function waitingCard(ctx: Context, view: WorkflowPanelView): HTMLElement | null {
  const w = view.waiting;
  if (!w) return null;
  switch (w.kind) {
    case 'approval':
      return approvalCard(ctx, view, w);
    case 'question':
      return questionCard(ctx, view, w);
    case 'checklist':
      return el('section', { class: 'card', 'aria-labelledby': 'wait-title', 'data-testid': 'checklist' }, [
        el('h3', { id: 'wait-title' }, ['To do: a runbook instruction for a person']),
        el('p', {}, [w.item]),
      ]);
    case 'kill_switch':
      return el('section', { class: 'card', 'aria-labelledby': 'wait-title', 'data-testid': 'kill-switch' }, [
        el('h3', { id: 'wait-title' }, [`Paused: the ${w.switch} kill switch is on`]),
        el('p', {}, [`Step ${w.stepIndex + 1} (${w.stepId}) waits until the switch is released: `, el('code', {}, [`runbook-agent kill-switch ${w.switch} off`])]),
      ]);
    case 'trust':
      return el('section', { class: 'card', 'aria-labelledby': 'wait-title', 'data-testid': 'trust' }, [
        el('h3', { id: 'wait-title' }, ['Paused: the workspace is not trusted']),
        el('p', {}, [w.message]),
        button('Manage Workspace Trust', () => ctx.send({ type: 'runCommand', command: 'workbench.trust.manage' })),
      ]);
  }
}

function questionCard(ctx: Context, view: WorkflowPanelView, w: Extract<Waiting, { kind: 'question' }>): HTMLElement {
  const key = `${view.workflow.id}:${w.stepId}`;
  if (ctx.state.answer?.key !== key) ctx.state.answer = { key, value: '' };
  const draft = ctx.state.answer;
  const input = el('input', { type: 'text', id: ANSWER_ID, maxlength: '2000', 'aria-required': 'true', autocomplete: 'off' });
  input.value = draft.value;
  input.addEventListener('input', () => (draft.value = input.value));
  const form = el('form', { class: 'row' }, [input, el('button', { type: 'submit', disabled: ctx.state.busy ? '' : undefined }, ['Answer'])]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (draft.value.trim()) act(ctx, { type: 'answer', id: view.workflow.id, value: draft.value.trim() });
  });
  return el('section', { class: 'card question', 'aria-labelledby': 'question-title', 'data-testid': 'question' }, [
    el('h3', { id: 'question-title' }, ['Question for you']),
    el('label', { for: ANSWER_ID }, [w.question, ' ', el('code', { class: 'muted' }, [w.name])]),
    form,
    el('p', { class: 'muted' }, ['The answer is quoted into the step as one value; it never runs as shell syntax.']),
    ctx.state.actionError ? el('div', { class: 'banner error', role: 'alert' }, [ctx.state.actionError]) : null,
  ]);
}
