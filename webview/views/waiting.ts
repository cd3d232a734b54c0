/**
 * What the workflow waits for, at the top of its view: an approval, a question, a checklist item, a kill switch,
 * trust, or (in VALIDATING) the alert to resolve until a given time.
 */
import type { WorkflowPanelView } from '../../protocol/agent';
import { answerProblem } from '../../protocol/answers';
import { CONFIRM_RUNBOOK_STEP, type Waiting } from '../../protocol/workflow';
import { button, el, submitOnCtrlEnter } from '../dom';
import type { Context, NoteDraft } from '../store';
import { act, approvalCard } from './approval';

export const ANSWER_ID = 'answer-input';
export const CHECKLIST_NOTE_ID = 'checklist-note';
const RESOLUTION_NOTE_ID = 'resolution-note';
const ANSWER_ERROR_ID = 'answer-error';

// The same check the engine makes, so a word never round-trips to be refused there.
export { answerProblem } from '../../protocol/answers';

export function waitingCard(ctx: Context, view: WorkflowPanelView): HTMLElement | null {
  const w = view.waiting;
  if (!w) return view.awaitingResolution ? resolutionCard(ctx, view, view.awaitingResolution.until) : null;
  switch (w.kind) {
    case 'approval':
      return approvalCard(ctx, view, w);
    case 'question':
      return questionCard(ctx, view, w);
    case 'checklist':
      return checklistCard(ctx, view, w);
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

function noteFor(ctx: Context, key: string): NoteDraft {
  if (ctx.state.cardNote?.key !== key) ctx.state.cardNote = { key, note: '' };
  return ctx.state.cardNote;
}

function errorBanner(ctx: Context): HTMLElement | null {
  return ctx.state.actionError ? el('div', { class: 'banner error', role: 'alert' }, [ctx.state.actionError]) : null;
}

function questionCard(ctx: Context, view: WorkflowPanelView, w: Extract<Waiting, { kind: 'question' }>): HTMLElement {
  const key = `${view.workflow.id}:${w.stepId}`;
  if (ctx.state.answer?.key !== key) ctx.state.answer = { key, value: '' };
  const draft = ctx.state.answer;
  const number = w.expects === 'number';
  const input = el('input', {
    type: 'text',
    id: ANSWER_ID,
    maxlength: '2000',
    'aria-required': 'true',
    autocomplete: 'off',
    inputmode: number ? 'decimal' : undefined,
    'aria-invalid': String(draft.invalid !== undefined),
    'aria-describedby': draft.invalid ? ANSWER_ERROR_ID : 'answer-hint',
  });
  input.value = draft.value;
  input.addEventListener('input', () => (draft.value = input.value));
  const form = el('form', { class: 'row' }, [input, el('button', { type: 'submit', disabled: ctx.state.busy ? '' : undefined, title: 'Answer (Enter)' }, ['Answer'])]);
  submitOnCtrlEnter(input, () => form.requestSubmit());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // Checked here too, so a number question never round-trips a word to the engine to be refused.
    const problem = answerProblem(draft.value, w.expects);
    if (problem) {
      ctx.update(() => (draft.invalid = problem));
      return ctx.focus(ANSWER_ID);
    }
    draft.invalid = undefined;
    act(ctx, { type: 'answer', id: view.workflow.id, value: draft.value.trim() });
  });
  return el('section', { class: 'card question', 'aria-labelledby': 'question-title', 'data-testid': 'question' }, [
    el('h3', { id: 'question-title' }, ['Question for you']),
    el('label', { for: ANSWER_ID }, [w.question, ' ', el('code', { class: 'muted' }, [w.name]), number ? el('strong', { class: 'expects' }, [' (a number)']) : null]),
    form,
    draft.invalid ? el('p', { id: ANSWER_ERROR_ID, class: 'field-error', role: 'alert' }, [draft.invalid]) : null,
    el('p', { class: 'muted', id: 'answer-hint' }, [
      number ? 'A number is expected: digits, an optional minus sign and decimals. ' : '',
      'The answer is quoted into the step as one value; it never runs as shell syntax.',
    ]),
    errorBanner(ctx),
  ]);
}

/** Issue #11: a runbook instruction a person does; Done or Skipped, with an optional note (Ctrl+Enter: Done). */
function checklistCard(ctx: Context, view: WorkflowPanelView, w: Extract<Waiting, { kind: 'checklist' }>): HTMLElement {
  const draft = noteFor(ctx, `${view.workflow.id}:checklist:${w.stepId}`);
  const note = el('textarea', { id: CHECKLIST_NOTE_ID, rows: '2', maxlength: '2000', 'aria-describedby': 'checklist-hint' });
  note.value = draft.note;
  note.addEventListener('input', () => (draft.note = note.value));
  const tick = (outcome: 'done' | 'skipped') => act(ctx, { type: 'tick', id: view.workflow.id, stepId: w.stepId, outcome, note: draft.note.trim() });
  submitOnCtrlEnter(note, () => tick('done'));
  const off = ctx.state.busy || view.executionBlocked !== null ? '' : undefined;
  return el('section', { class: 'card checklist', 'aria-labelledby': 'checklist-title', 'data-testid': 'checklist' }, [
    el('h3', { id: 'checklist-title', tabindex: '-1' }, ['To do: a runbook instruction for a person']),
    el('p', { class: 'muted' }, [`Step ${w.stepIndex + 1} · `, el('code', {}, [w.stepId])]),
    el('p', { class: 'checklist-item' }, [w.item]),
    el('label', { for: CHECKLIST_NOTE_ID }, ['Note (optional): what you did, or why you skipped it']),
    note,
    el('p', { class: 'muted', id: 'checklist-hint' }, ['The note goes into the event log with your tick. Ctrl+Enter marks it done.']),
    errorBanner(ctx),
    el('div', { class: 'actions' }, [
      button('Done', () => tick('done'), { disabled: off, title: 'Done (Ctrl+Enter in the note)' }),
      button('Skipped', () => tick('skipped'), { class: 'secondary', disabled: off }),
      // Only search chose the runbook: the person may name the right one instead of ticking this.
      ...(w.stepId === CONFIRM_RUNBOOK_STEP
        ? [button('Use another runbook…', () => ctx.send({ type: 'useRunbook', id: view.workflow.id }), { class: 'secondary', disabled: off, id: 'use-another-runbook' })]
        : []),
    ]),
  ]);
}

/** "14:05", or "Mon 24 Nov 14:05" when it is not today. */
export function untilText(iso: string, now: number): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return at.toDateString() === new Date(now).toDateString() ? time : `${at.toDateString().slice(0, 10)} ${time}`;
}

/** VALIDATING without a verification step: it waits for the alert's resolved notification, until a time. */
function resolutionCard(ctx: Context, view: WorkflowPanelView, until: string): HTMLElement {
  const draft = noteFor(ctx, `${view.workflow.id}:resolution:${until}`);
  const note = el('textarea', { id: RESOLUTION_NOTE_ID, rows: '2', maxlength: '2000' });
  note.value = draft.note;
  note.addEventListener('input', () => (draft.note = note.value));
  submitOnCtrlEnter(note, () => act(ctx, { type: 'markResolved', id: view.workflow.id, note: draft.note.trim() }));
  const off = ctx.state.busy ? '' : undefined;
  return el('section', { class: 'card resolution', 'aria-labelledby': 'resolution-title', 'data-testid': 'resolution' }, [
    el('h3', { id: 'resolution-title', tabindex: '-1' }, [`Waits for the alert to resolve until ${untilText(until, ctx.now)}`]),
    el('p', {}, [
      'The plan has no verification step, so the workflow waits for the monitoring system to say the alert resolved. ',
      'If it does, the workflow completes; if not by then, it escalates.',
    ]),
    el('label', { for: RESOLUTION_NOTE_ID }, ['Note (optional): how you know']),
    note,
    errorBanner(ctx),
    el('div', { class: 'actions' }, [
      button('Mark resolved', () => act(ctx, { type: 'markResolved', id: view.workflow.id, note: draft.note.trim() }), { disabled: off, title: 'Mark resolved (Ctrl+Enter in the note)' }),
      button('Escalate now', () => act(ctx, { type: 'escalateNow', id: view.workflow.id, note: draft.note.trim() }), { class: 'secondary', disabled: off }),
    ]),
  ]);
}
