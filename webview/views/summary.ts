/**
 * The incident summary at the top of a workflow: what fired; what was checked, each finding citing the step
 * whose output showed it (a click goes there); the likely causes with the evidence for and against; what was
 * done, declined or skipped and by whom; verification; the timeline; what comes next. Composed by the engine
 * from the record at every settled state, so it never says more than the record shows.
 */
import type { IncidentSummary, WorkflowPanelView } from '../../protocol/agent';
import { button, details, el, srOnly } from '../dom';
import { formatDuration } from '../format';
import type { Context } from '../store';
import { citationLink } from './plan';

const CHECK_MARK: Record<IncidentSummary['checked'][number]['status'], { icon: string; label: string }> = {
  ok: { icon: '✓', label: 'ok' },
  flagged: { icon: '⚠', label: 'flagged' },
  failed: { icon: '✗', label: 'failed' },
  'not-run': { icon: '·', label: 'no result' },
};

const VERIFICATION: Record<IncidentSummary['verification']['status'], string> = {
  passed: 'passed',
  failed: 'failed',
  'not verified yet': 'not verified yet',
  resolved: 'resolved',
};

export function summaryView(ctx: Context, view: WorkflowPanelView): HTMLElement {
  const s = view.summary;
  const labels = Object.entries(s.fired.labels);
  const body: Array<HTMLElement | null> = [
    el('h4', {}, ['What fired']),
    el('p', { 'data-testid': 'summary-fired' }, [
      el('strong', {}, [s.fired.title]),
      ` (${s.fired.severity}) at ${new Date(s.fired.at).toLocaleString()}`,
      labels.length ? el('span', { class: 'muted' }, [` · ${labels.map(([k, v]) => `${k}=${v}`).join(' ')}`]) : null,
    ]),
    el('h4', {}, ['What was checked']),
    s.checked.length === 0
      ? el('p', { class: 'muted' }, ['Nothing ran yet.'])
      : el(
          'ul',
          { class: 'summary-list', 'data-testid': 'summary-checked' },
          s.checked.map((c) =>
            el('li', { class: `check-${c.status}` }, [
              el('span', { class: `status-icon status-${c.status === 'ok' ? 'done' : c.status === 'not-run' ? 'pending' : c.status}`, 'aria-hidden': 'true' }, [CHECK_MARK[c.status].icon]),
              srOnly(`${CHECK_MARK[c.status].label}: `),
              el('code', {}, [c.what]),
              c.origin === 'builtin' ? el('span', { class: 'muted' }, [' (built in)']) : null,
              `: ${c.finding} `,
              citationLink(ctx, view, c.citation, c.stepId),
            ]),
          ),
        ),
    s.causes.length > 0 ? el('h4', {}, ['Likely causes']) : null,
    s.causes.length > 0
      ? el(
          'ul',
          { class: 'summary-list', 'data-testid': 'summary-causes' },
          s.causes.map((c) =>
            el('li', {}, [
              c.cause,
              ...evidence(ctx, view, 'for', c.for),
              ...evidence(ctx, view, 'against', c.against),
            ]),
          ),
        )
      : null,
    el('h4', {}, ['What was done']),
    s.done.length === 0
      ? el('p', { class: 'muted' }, ['No mitigation in the plan.'])
      : el(
          'ul',
          { class: 'summary-list', 'data-testid': 'summary-done' },
          s.done.map((d) =>
            el('li', {}, [
              el('span', { class: `badge outcome outcome-${d.outcome.replace(' ', '-')}` }, [d.outcome]),
              ' ',
              el('code', {}, [d.what]),
              d.by ? ` by ${d.by}` : '',
              d.why ? el('span', { class: 'muted' }, [` (${d.why})`]) : null,
              d.citation ? ' ' : null,
              d.citation ? citationLink(ctx, view, d.citation, d.stepId) : null,
            ]),
          ),
        ),
    el('h4', {}, ['Verification']),
    el('div', { 'data-testid': 'summary-verification' }, [
      el('p', { class: `verification-${s.verification.status.replace(/ /g, '-')}` }, [el('strong', {}, [VERIFICATION[s.verification.status]])]),
      s.verification.items.length ? el('ul', { class: 'summary-list' }, s.verification.items.map((v) => el('li', {}, [v]))) : null,
    ]),
    s.timings.length > 0
      ? el('p', { class: 'muted timeline', 'data-testid': 'summary-timeline' }, [
          'Timeline: ',
          s.timings.map((t) => `${t.stage} +${formatDuration(t.afterMs)}`).join(' · '),
        ])
      : null,
    s.next ? el('p', { class: 'summary-next' }, [el('strong', {}, ['Next: ']), s.next]) : null,
    el('div', { class: 'actions' }, [
      button('Export Incident Report…', () => ctx.send({ type: 'exportReport', id: view.workflow.id }), {
        class: 'secondary',
        title: 'Write this summary as a Markdown postmortem draft into a folder of the workspace',
      }),
    ]),
  ];
  const headline = `${s.checked.length} checked · verification ${VERIFICATION[s.verification.status]}`;
  // Until the person folds or unfolds it: open, unless a card waits (what must be done first stays in view).
  const auto = view.waiting === null && view.awaitingResolution === null;
  return details(
    [el('h3', { id: 'summary-title', class: 'inline' }, ['Incident summary']), el('span', { class: 'muted' }, [` — ${headline}`])],
    body,
    ctx.state.summaryOpen ?? auto,
    // Setting `open` fires a toggle too: only the person's own choice (one that differs from the automatic one) sticks.
    (open) => {
      if (open !== auto || ctx.state.summaryOpen !== undefined) ctx.state.summaryOpen = open;
    },
    { class: 'incident-summary', 'data-testid': 'summary', 'aria-labelledby': 'summary-title' },
  );
}

function evidence(ctx: Context, view: WorkflowPanelView, side: 'for' | 'against', citations: readonly string[]): Array<Node | string | null> {
  if (citations.length === 0) return [];
  return [el('span', { class: 'muted' }, [` — ${side}: `]), ...citations.flatMap((c, i) => [i > 0 ? ', ' : null, citationLink(ctx, view, c)])];
}
