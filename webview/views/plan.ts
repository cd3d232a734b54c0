/**
 * The plan: one row per step with its risk and outcome, the output folded away, and who planned it. A command
 * that failed or wrote to stderr is marked ✗ or ⚠, never a plain ✓; a skipped or declined step says why, with
 * the evidence; a verification step says its value against its threshold.
 */
import type { StepView, WorkflowPanelView } from '../../protocol/agent';
import { button, details, el, srOnly } from '../dom';
import { formatDuration, lineRange } from '../format';
import type { Context } from '../store';
import { act } from './approval';

const STATUS: Record<StepView['status'], { icon: string; label: string }> = {
  pending: { icon: '○', label: 'pending' },
  running: { icon: '▶', label: 'running' },
  waiting: { icon: '‖', label: 'waiting for a person' },
  done: { icon: '✓', label: 'done' },
  failed: { icon: '✗', label: 'failed' },
  skipped: { icon: '–', label: 'skipped' },
};

/** The icon and words of a step's row: its flag wins over its status when the command failed or complained. */
export function markOf(step: Pick<StepView, 'status' | 'flag'>): { icon: string; label: string; tone: string } {
  if (step.flag === 'failed') return { icon: '✗', label: 'failed', tone: 'failed' };
  if (step.flag === 'flagged') return { icon: '⚠', label: 'flagged', tone: 'flagged' };
  if (step.flag === 'declined') return { icon: '–', label: 'declined', tone: 'skipped' };
  if (step.flag === 'not-run') return { icon: '?', label: 'no result recorded', tone: 'failed' };
  const s = STATUS[step.status];
  return { ...s, tone: step.status };
}

export const stepRowId = (stepId: string) => `step-${stepId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * Settled or waiting: a person may run it again from a step it has reached (the current one included). A step
 * ahead is not offered: retrying from there would jump over the steps before it.
 */
const retryable = (view: WorkflowPanelView, step: StepView) =>
  ['COMPLETED', 'ESCALATED', 'CANCELLED', 'WAITING_FOR_PERSON'].includes(view.workflow.state) && (view.workflow.state === 'COMPLETED' || step.index <= view.workflow.stepIndex);

export function planView(ctx: Context, view: WorkflowPanelView): HTMLElement {
  return el('section', { class: 'plan', 'aria-labelledby': 'plan-title' }, [
    el('h3', { id: 'plan-title' }, [`Plan${view.planVersion > 1 ? ` (version ${view.planVersion})` : ''}`]),
    view.steps.length === 0
      ? el('p', { class: 'muted' }, ['No plan yet.'])
      : el('ol', { class: 'steps', 'data-testid': 'steps' }, view.steps.map((step) => stepRow(ctx, view, step))),
    plannerLine(view),
  ]);
}

function stepRow(ctx: Context, view: WorkflowPanelView, step: StepView): HTMLElement {
  const status = markOf(step);
  const key = `${view.workflow.id}/${step.id}`;
  const person = step.tool === 'ask_person' ? 'question' : step.tool === 'checklist' ? 'to do' : null;
  const risk = step.risk ?? (person ? null : 'unknown');
  return el('li', { class: `step status-${step.status}${step.flag ? ` flag-${step.flag}` : ''}`, 'data-step': step.id, id: stepRowId(step.id), tabindex: '-1' }, [
    el('div', { class: 'step-head' }, [
      el('span', { class: `status-icon status-${status.tone}`, title: status.label, 'aria-hidden': 'true' }, [status.icon]),
      srOnly(`${status.label}: `),
      el('span', { class: 'step-index' }, [String(step.index + 1)]),
      el('code', { class: 'step-id' }, [step.id]),
      step.phase ? el('span', { class: 'badge phase' }, [step.phase]) : null,
      risk ? el('span', { class: `badge risk risk-${risk}` }, [risk]) : el('span', { class: 'badge phase' }, [person ?? 'question']),
      el('span', { class: 'muted step-tool' }, [step.tool]),
      el('span', { class: 'step-duration muted' }, [
        step.durationMs !== null ? formatDuration(step.durationMs) : '',
        step.attempts > 1 ? ` · ${step.attempts} attempts` : '',
      ]),
    ]),
    el('pre', { class: 'step-command' }, [step.describe]),
    flagNote(ctx, view, step),
    step.verification
      ? el('p', { class: `step-verification ${step.verification.passed ? 'passed' : 'not-passed'}`, 'data-testid': 'verification' }, [
          el('strong', {}, [step.verification.passed ? 'Verified: ' : 'Not verified: ']),
          step.verification.text,
        ])
      : null,
    step.rationale ? el('p', { class: 'muted rationale' }, [step.rationale]) : null,
    step.source ? sourceLink(ctx, view.workflow.workspace, step.source) : null,
    step.error ? el('p', { class: 'step-error', role: 'note' }, [step.error]) : null,
    step.output !== null
      ? details(
          [`Output${step.exitCode !== null ? ` (exit ${step.exitCode})` : ''}`],
          [el('pre', { class: 'output', tabindex: '0', 'aria-label': `Output of ${step.id}` }, [step.output || '(no output)'])],
          ctx.state.openOutputs.has(key),
          (open) => (open ? ctx.state.openOutputs.add(key) : ctx.state.openOutputs.delete(key)),
          { class: 'step-output' },
        )
      : null,
    retryable(view, step) ? retryControl(ctx, view, step) : null,
  ]);
}

/** Why a step is marked: the failure or complaint, or the reason and evidence it was skipped or declined. */
function flagNote(ctx: Context, view: WorkflowPanelView, step: StepView): HTMLElement | null {
  const words: Partial<Record<NonNullable<StepView['flag']>, string>> = {
    failed: 'Failed',
    flagged: 'Flagged',
    'not-run': 'No result recorded',
    skipped: 'Skipped',
    declined: 'Declined',
  };
  const reason = step.flagReason ?? '';
  const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  // A checklist item ticked done: who did it, and their note.
  if (step.flag === 'ok') return reason ? el('p', { class: 'step-flag flag-ok muted', 'data-testid': 'step-flag' }, [cap(reason)]) : null;
  const head = step.flag ? words[step.flag] : undefined;
  if (!head) return null;
  // "declined by ana: …", "skipped by ana: …" already say it.
  const text = reason.toLowerCase().startsWith(head.toLowerCase()) ? cap(reason) : `${head}${reason ? `: ${reason}` : ''}`;
  return el('p', { class: `step-flag flag-${step.flag}`, 'data-testid': 'step-flag' }, [
    text,
    step.evidence.length > 0 ? el('span', { class: 'muted' }, [' — evidence: ']) : null,
    ...step.evidence.flatMap((c, i) => [i > 0 ? ', ' : null, citationLink(ctx, view, c)]),
  ]);
}

/** A citation (`tc:` + 12 hex): a link to the step whose output it is, or plain text when no step has it. */
export function citationLink(ctx: Context, view: WorkflowPanelView, citation: string, stepId?: string): HTMLElement {
  const target = stepId ?? view.steps.find((s) => s.citation === citation)?.id;
  if (!target) return el('code', { class: 'citation' }, [citation]);
  return button(citation, () => goToStep(target), { class: 'link citation', title: `Go to step ${target}, whose output this cites` });
}

/** Scrolls to a step's row and puts the focus on it. */
export function goToStep(stepId: string): void {
  const row = document.getElementById(stepRowId(stepId));
  if (!row) return;
  row.scrollIntoView({ block: 'center' });
  row.focus({ preventScroll: true });
}

function retryControl(ctx: Context, view: WorkflowPanelView, step: StepView): HTMLElement {
  const key = `${view.workflow.id}:retry:${step.id}`;
  const confirming = ctx.state.confirm?.key === key;
  const id = `retry-${stepRowId(step.id)}`;
  if (!confirming) {
    return el('div', { class: 'step-actions' }, [
      button('Retry from here…', () => {
        ctx.update((state) => {
          state.confirm = { key, kind: 'retry', stepId: step.id, note: '' };
          state.actionError = undefined;
        });
        ctx.focus(`${id}-yes`);
      }, { class: 'link small retry', id, 'aria-label': `Retry from step ${step.index + 1} (${step.id})…` }),
    ]);
  }
  return el('div', { class: 'step-actions confirm', role: 'group', 'aria-label': `Retry from step ${step.index + 1}?` }, [
    el('span', {}, [`Run the workflow again from step ${step.index + 1}? Writes still wait for approval.`]),
    button('Retry', () => act(ctx, { type: 'retry', id: view.workflow.id, stepId: step.id }), { id: `${id}-yes`, disabled: ctx.state.busy || view.executionBlocked ? '' : undefined }),
    button('Keep as is', () => {
      ctx.update((state) => (state.confirm = undefined));
      ctx.focus(id);
    }, { class: 'secondary' }),
  ]);
}

/** A runbook range that opens beside the panel. `root` is the workflow's workspace the path is relative to. */
export function sourceLink(ctx: Context, root: string, source: { path: string; startLine: number; endLine: number; heading?: string }): HTMLElement {
  const label = `${source.path}:${lineRange(source.startLine, source.endLine)}`;
  return el('p', { class: 'source-ref' }, [
    'From ',
    button(label, () => ctx.send({ type: 'openSource', root, path: source.path, startLine: source.startLine, endLine: source.endLine }), {
      class: 'link',
      title: `Open ${label} beside the panel`,
    }),
    source.heading ? el('span', { class: 'muted' }, [` (${source.heading})`]) : null,
  ]);
}

function plannerLine(view: WorkflowPanelView): HTMLElement | null {
  const p = view.planner;
  if (!p) return null;
  const parts = [p.name, p.route ? `route: ${p.route}` : null, p.model ? `model: ${p.model}` : null, `${p.tokens.toLocaleString('en')} tokens`];
  return el('p', { class: 'planner muted', 'data-testid': 'planner' }, [`Planned by ${parts.filter(Boolean).join(' · ')}`]);
}
