/**
 * The incident summary at the top of a workflow: what fired; what was checked, each finding citing the step
 * whose output showed it (a click goes there); the likely causes with the evidence for and against; what was
 * done, declined or skipped and by whom; verification; the timeline; what comes next. Composed by the engine
 * from the record at every settled state, so it never says more than the record shows. Under it, when a model
 * drafted one (engine/planning/observe/draftSummary.ts, event `summary_drafted`), the model's draft: labelled as
 * such, each claim with the tool calls it cites, its text inserted as text (never as HTML); or why there is none.
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

/** A multi-line command on one line, its lines joined with ⏎ (inline code would run them together). */
export const oneLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ⏎ ');

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
              el('code', {}, [oneLine(c.what)]),
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
              el('code', {}, [oneLine(d.what)]),
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
    draftView(ctx, view),
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

/** Claims shown and characters per claim: the engine bounds a draft already (8 claims, 300 characters); this holds whatever arrives. */
const DRAFT_CLAIMS = 20;
const DRAFT_CHARS = 1000;
const DRAFT_ERROR_CHARS = 500;

export interface DraftClaim {
  readonly text: string;
  readonly cites: string[];
}

/** A model's draft as the panel shows it, read from whatever the view carries (it is data from a model). */
export type DraftModel =
  | { readonly kind: 'claims'; readonly claims: DraftClaim[]; readonly model: string | null; readonly left: number; readonly why: string[] }
  | { readonly kind: 'error'; readonly message: string };

const clipText = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The draft (`{claims, dropped, model, …}`), the failure (`{error}`), or null when there is none to show. */
export function draftOf(raw: unknown): DraftModel | null {
  if (!isObject(raw)) return null;
  if (typeof raw.error === 'string') return { kind: 'error', message: clipText(raw.error, DRAFT_ERROR_CHARS) };
  if (!Array.isArray(raw.claims)) return null;
  const claims = raw.claims
    .filter((c): c is { text: string; cites: unknown } => isObject(c) && typeof c.text === 'string' && c.text.trim() !== '')
    .map((c) => ({ text: clipText(c.text, DRAFT_CHARS), cites: Array.isArray(c.cites) ? c.cites.filter((i): i is string => typeof i === 'string').slice(0, 10) : [] }))
    // Only cited claims: the engine keeps no other, and the panel shows no other.
    .filter((c) => c.cites.length > 0)
    .slice(0, DRAFT_CLAIMS);
  const dropped = Array.isArray(raw.dropped) ? raw.dropped.filter(isObject) : [];
  const why = [...new Set(dropped.map((d) => (typeof d.why === 'string' ? clipText(d.why.replace(/:.*$/s, ''), 120) : '')).filter((w) => w !== ''))];
  return { kind: 'claims', claims, model: typeof raw.model === 'string' && raw.model !== '' ? raw.model : null, left: dropped.length, why };
}

/** The model's draft under the engine's summary, or null when no model drafted one. */
export function draftView(ctx: Context, view: WorkflowPanelView): HTMLElement | null {
  const draft = draftOf(view.summaryDraft);
  if (draft === null) return null;
  const title = el('h4', { id: 'summary-draft-title' }, ['Model draft']);
  const attributes = { class: 'summary-draft', 'data-testid': 'summary-draft', 'aria-labelledby': 'summary-draft-title' };
  if (draft.kind === 'error') {
    return el('section', attributes, [title, el('p', { class: 'muted', 'data-testid': 'summary-draft-error' }, [`A model was asked to draft this summary and could not: ${draft.message}`])]);
  }
  const said = draft.left > 0 ? ` ${draft.left} of its claims ${draft.left === 1 ? 'was' : 'were'} left out${draft.why.length ? ` (${draft.why.join('; ')})` : ''}.` : '';
  return el('section', attributes, [
    title,
    el('p', { class: 'muted' }, [
      `Drafted by a model${draft.model ? ` (${draft.model})` : ''} from the record above, not checked by the engine beyond its citations: each claim cites the tool calls it rests on.${said}`,
    ]),
    draft.claims.length === 0
      ? el('p', { class: 'muted' }, ['The model made no claim that cites a tool call.'])
      : el(
          'ul',
          { class: 'summary-list', 'data-testid': 'summary-draft-claims' },
          draft.claims.map((c) => el('li', {}, [c.text, ' ', ...c.cites.flatMap((id, i) => [i > 0 ? ', ' : null, citationLink(ctx, view, id)])])),
        ),
  ]);
}
