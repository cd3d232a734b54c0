/** The plan: one row per step with its risk and outcome, the output folded away, and who planned it. */
import type { StepView, WorkflowPanelView } from '../../protocol/agent';
import { button, details, el, srOnly } from '../dom';
import { formatDuration, lineRange } from '../format';
import type { Context } from '../store';

const STATUS: Record<StepView['status'], { icon: string; label: string }> = {
  pending: { icon: '○', label: 'pending' },
  running: { icon: '▶', label: 'running' },
  waiting: { icon: '‖', label: 'waiting for a person' },
  done: { icon: '✓', label: 'done' },
  failed: { icon: '✗', label: 'failed' },
  skipped: { icon: '–', label: 'skipped' },
};

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
  const status = STATUS[step.status];
  const key = `${view.workflow.id}/${step.id}`;
  const risk = step.risk ?? (step.tool === 'ask_person' ? null : 'unknown');
  return el('li', { class: `step status-${step.status}`, 'data-step': step.id }, [
    el('div', { class: 'step-head' }, [
      el('span', { class: `status-icon status-${step.status}`, title: status.label, 'aria-hidden': 'true' }, [status.icon]),
      srOnly(`${status.label}: `),
      el('span', { class: 'step-index' }, [String(step.index + 1)]),
      el('code', { class: 'step-id' }, [step.id]),
      step.phase ? el('span', { class: 'badge phase' }, [step.phase]) : null,
      risk ? el('span', { class: `badge risk risk-${risk}` }, [risk]) : el('span', { class: 'badge phase' }, ['question']),
      el('span', { class: 'muted step-tool' }, [step.tool]),
      el('span', { class: 'step-duration muted' }, [
        step.durationMs !== null ? formatDuration(step.durationMs) : '',
        step.attempts > 1 ? ` · ${step.attempts} attempts` : '',
      ]),
    ]),
    el('pre', { class: 'step-command' }, [step.describe]),
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
