// The incident summary (the design's response composer): what fired; what was checked, each finding citing the
// tool call that showed it; the likely causes with the evidence for and against; what was done, by whom, what
// was declined or skipped and why; whether verification passed; how long each stage took. Composed from the
// recorded workflow only (view, tool calls, events), so it is current at every settled state and says nothing
// the record does not show. A finding states the output's facts (facts.ts: a describe's container states and
// warnings, a table's rows, df, logs digested), or a query's answer (queryText.ts), each in the output's own words and
// citing its tool call; a signature a log printed only below its most severe level is noted, not made a likely cause.
// A question a person answered is said as theirs, with the answer.
import { redactText } from '../../execution/redact';
import type { CallRecord } from '../../control/workflow/decision';
import type { WorkflowView } from '../../control/workflow/view';
import { aboutTheAlert } from './aboutAlert';
import { evaluateCondition } from './conditions';
import { levelRank, type Level } from './logs';
import { observe, type Finding, type Observation } from './observations';

export interface SummaryEvent {
  readonly type: string;
  readonly at: number;
  readonly actor: string;
  readonly data: Record<string, unknown>;
}

export interface CheckedItem {
  readonly stepId: string;
  readonly what: string;
  readonly status: Observation['status'];
  /** One line: what the output showed. */
  readonly finding: string;
  readonly citation: string;
  readonly origin?: string;
}

export interface Cause {
  readonly cause: string;
  readonly for: string[];
  readonly against: string[];
}

export interface DoneItem {
  readonly stepId: string;
  readonly what: string;
  readonly outcome: 'done' | 'failed' | 'declined' | 'skipped' | 'waiting' | 'not run';
  readonly by: string | null;
  readonly why: string | null;
  readonly citation: string | null;
}

export interface IncidentSummary {
  readonly fired: { readonly title: string; readonly severity: string; readonly labels: Record<string, string>; readonly at: number };
  readonly state: string;
  readonly reason: string | null;
  readonly checked: CheckedItem[];
  readonly causes: Cause[];
  readonly done: DoneItem[];
  readonly verification: { readonly status: 'passed' | 'failed' | 'not verified yet' | 'resolved'; readonly items: string[]; readonly by: string | null };
  readonly timings: Array<{ readonly stage: string; readonly at: number; readonly afterMs: number }>;
  readonly next: string | null;
}

/** Characters of a person's answer quoted in the summary. */
const ANSWER_CHARS = 200;

const clipText = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function firstLines(text: string, n = 2): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== '[stderr]');
  const shown = lines.slice(0, n).join(' ⏎ ');
  return shown.length > 200 ? `${shown.slice(0, 199)}…` : shown;
}

/** Characters of a finding line: the facts that fit, whole, then how many more there are. */
export const FINDING_CHARS = 1200;

/**
 * What an output showed, in one line: the failure signatures it matched (with the line that matched), then its
 * facts (facts.ts: the output's own words, shortened) or, for a Prometheus query, its answer (queryText.ts). The
 * first lines of the output only when neither says anything. Every part comes from the one tool call the checked
 * item cites.
 */
export function findingOf(o: Observation, says: 'status' | 'why' = 'status'): string {
  // In "what was done" the outcome already says failed: only why.
  const head = o.status === 'failed' ? (says === 'status' ? `failed (${o.why}): ` : `${o.why}: `) : o.status === 'flagged' ? `${o.why}: ` : '';
  // A signature only in lines the program logged below its most severe ones is said as such (not a likely cause).
  const signatures = o.findings.map((f) =>
    f.minor ? `${f.meaning}, only in ${minorText(f.minor)} ("${f.line}")` : f.other ? `${f.meaning}, about ${f.other}, not this alert's ("${f.line}")` : `${f.meaning} ("${f.line}")`,
  );
  // A query's answer: its series and their values, not the start of its JSON.
  const facts = o.headline !== null ? [o.headline] : o.facts;
  // A fact that only repeats a line a signature already quotes adds nothing.
  const quoted = o.findings.map((f) => f.line.replace(/\s+/g, ' ').toLowerCase());
  const parts = [...signatures, ...facts.filter((f) => !quoted.some((q) => q.includes(f.toLowerCase())))];
  if (parts.length === 0) return `${head}${firstLines(o.output) || 'no output'}`;
  let text = head;
  let shown = 0;
  for (const p of parts) {
    const next = `${shown > 0 ? '; ' : ''}${p}`;
    if (shown > 0 && text.length + next.length > FINDING_CHARS) break;
    text += next;
    shown++;
  }
  return shown < parts.length ? `${text}; … ${parts.length - shown} more` : text;
}

function minorText(m: NonNullable<Finding['minor']>): string {
  return `${m.level.toUpperCase()} lines${m.below ? ` beside ${m.below.toUpperCase()} ones${m.in ? ` in ${m.in}` : ''}` : ''}`;
}

/**
 * The incident's most severe printed level is a bar too: a signature another output printed only below it is
 * not a likely cause (a slow webhook's WARN timeouts beside the ERROR of the config reload that failed, read by
 * another command). Only lines that print a level are judged: events, tables and describes never are.
 */
export function besideTheIncident(observations: readonly Observation[]): Observation[] {
  let top: Observation | undefined;
  for (const o of observations) if (o.level !== null && (top === undefined || levelRank(o.level) > levelRank(top.level))) top = o;
  if (top === undefined) return [...observations];
  const bar = top.level!;
  return observations.map((o) => ({
    ...o,
    findings: o.findings.map((f) => (f.minor || !f.level || levelRank(f.level) >= levelRank(bar) ? f : { ...f, minor: { level: f.level, below: bar, ...(top.id !== o.id ? { in: top.id } : {}) } })),
  }));
}

export function composeSummary(view: WorkflowView, calls: readonly CallRecord[], events: readonly SummaryEvent[]): IncidentSummary {
  const plan = view.plan ?? { summary: '', steps: [] };
  const observations = aboutTheAlert(besideTheIncident(observe(plan, calls)), view.request.labels);
  const byStep = new Map(observations.map((o) => [o.stepId, o]));
  const stepById = new Map(plan.steps.map((s) => [s.id, s]));
  const approvedBy = new Map<string, string>();
  const tickedBy = new Map<string, { by: string; note: string }>();
  // Answers by step, and by name: an answer given before a re-plan answers the new plan's question of that name.
  const answeredBy = new Map<string, { by: string; value: string }>();
  for (const e of events) {
    const stepId = typeof e.data.stepId === 'string' ? e.data.stepId : null;
    if (e.type === 'approved' && stepId) approvedBy.set(stepId, String(e.data.by ?? 'a person'));
    if (e.type === 'ticked' && stepId) tickedBy.set(stepId, { by: String(e.data.by ?? 'a person'), note: String(e.data.note ?? '') });
    if (e.type === 'answered') {
      const a = { by: String(e.data.by || 'a person'), value: String(e.data.value ?? '') };
      if (stepId) answeredBy.set(stepId, a);
      if (typeof e.data.name === 'string') answeredBy.set(`name:${e.data.name}`, a);
    }
  }

  const checked: CheckedItem[] = observations
    .filter((o) => o.phase === 'diagnose' && o.tool !== 'ask_person' && o.tool !== 'checklist')
    .map((o) => ({ stepId: o.stepId, what: o.what, status: o.status, finding: findingOf(o), citation: o.id, ...(stepById.get(o.stepId)?.origin ? { origin: stepById.get(o.stepId)!.origin } : {}) }));

  // Causes: failure signatures the outputs showed (not those a log printed only below its most severe level);
  // runbook conditions the outputs confirmed or contradicted.
  const causes = new Map<string, Cause>();
  const cause = (name: string) => causes.get(name) ?? causes.set(name, { cause: name, for: [], against: [] }).get(name)!;
  for (const o of observations) for (const f of o.findings) if (!f.minor && !f.other) cause(f.meaning).for.push(o.id);
  for (const step of plan.steps) {
    if (!step.when) continue;
    const verdict = evaluateCondition(step.when, observations);
    if (verdict.holds === true) cause(step.when).for.push(...verdict.evidence);
    if (verdict.holds === false) cause(step.when).against.push(...verdict.evidence);
  }

  const done: DoneItem[] = plan.steps
    .map((s, i): DoneItem | null => {
      const o = byStep.get(s.id);
      // A question a person answered is something a person did, whatever the phase it was asked in.
      const answered = s.tool === 'ask_person' && o !== undefined && o.status === 'ok';
      if (s.phase !== 'mitigate' && s.tool !== 'checklist' && !answered) return null;
      const skipped = view.skipped?.[s.id];
      const what = o?.what ?? describe(s.input);
      if (skipped) return { stepId: s.id, what, outcome: skipped.reason.startsWith('declined') ? 'declined' : 'skipped', by: skipped.by || null, why: skipped.reason, citation: skipped.evidence[0] ?? null };
      if (answered) {
        const name = (s.input as { name?: unknown } | null)?.name;
        const a = answeredBy.get(s.id) ?? (typeof name === 'string' ? answeredBy.get(`name:${name}`) : undefined);
        const value = a ? redactText(a.value) : o.output.replace(/^answer: /, '');
        return { stepId: s.id, what, outcome: 'done', by: a?.by ?? 'a person', why: `answered ${JSON.stringify(clipText(value, ANSWER_CHARS))}`, citation: o.id };
      }
      if (o && o.status !== 'not-run') {
        const tick = tickedBy.get(s.id);
        const outcome = o.status === 'failed' ? 'failed' : tick && o.output.startsWith('skipped') ? 'skipped' : 'done';
        // What a command did is what its output says (a read of the mitigation section's, a write's own report).
        const showed = s.tool === 'checklist' ? o.why : findingOf(o, 'why');
        return { stepId: s.id, what, outcome, by: tick?.by ?? approvedBy.get(s.id) ?? (s.tool === 'checklist' ? null : 'the engine'), why: tick?.note || showed, citation: o.id };
      }
      const waiting = view.state === 'WAITING_FOR_PERSON' && i === view.stepIndex;
      return { stepId: s.id, what, outcome: waiting ? 'waiting' : 'not run', by: null, why: waiting ? view.reason : null, citation: null };
    })
    .filter((d): d is DoneItem => d !== null);

  const resolved = events.find((e) => e.type === 'completed' && typeof e.data.verifiedBy === 'string');
  const items = (view.verification ?? []).map((v) => v.text);
  const verification = resolved
    ? { status: 'resolved' as const, items: [`verified by ${String(resolved.data.verifiedBy)}`], by: String(resolved.data.verifiedBy) }
    : view.verification
      ? { status: view.verification.every((v) => v.passed) ? ('passed' as const) : ('failed' as const), items, by: null }
      : { status: 'not verified yet' as const, items: view.awaitingResolution ? [`waiting for the alert to resolve until ${new Date(view.awaitingResolution.until).toISOString()}`] : [], by: null };

  const start = view.createdAt;
  const stage = (name: string, test: (e: SummaryEvent) => boolean) => {
    const e = events.find(test);
    return e ? [{ stage: name, at: e.at, afterMs: e.at - start }] : [];
  };
  const phaseStarted = (phase: string) => (e: SummaryEvent) => e.type === 'step_started' && stepById.get(String(e.data.stepId))?.phase === phase;
  const timings = [
    ...stage('planned', (e) => e.type === 'planned'),
    ...stage('first diagnostic', phaseStarted('diagnose')),
    ...stage('first mitigation', phaseStarted('mitigate')),
    ...stage('verification', phaseStarted('verify')),
    ...stage(view.state === 'COMPLETED' ? 'completed' : view.state === 'CANCELLED' ? 'cancelled' : 'escalated', (e) => ['completed', 'escalated', 'cancelled'].includes(e.type)),
  ];

  return {
    fired: { title: view.request.title, severity: view.request.severity, labels: view.request.labels, at: start },
    state: view.state,
    reason: view.reason,
    checked,
    causes: [...causes.values()].map((c) => ({ ...c, for: [...new Set(c.for)], against: [...new Set(c.against)] })),
    done,
    verification,
    timings,
    next: nextAction(view),
  };
}

function describe(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.item, i.question, i.url].find((v) => typeof v === 'string') as string | undefined;
  return redactText(text ?? JSON.stringify(input));
}

function nextAction(view: WorkflowView): string | null {
  const w = view.waiting;
  if (view.state === 'WAITING_FOR_PERSON' && w) {
    if (w.kind === 'approval') return w.held ? `step ${w.stepId} is held by the read-only tier: switch the tier to approve it, or reject it` : `approve or reject step ${w.stepId}`;
    if (w.kind === 'question') return `answer: ${w.question}`;
    if (w.kind === 'checklist') return `do and tick: ${w.item}`;
    return `resume once the ${w.kind === 'trust' ? 'workspace is trusted' : 'kill switch is off'}`;
  }
  if (view.state === 'VALIDATING' && view.awaitingResolution) return 'mark it resolved, or escalate now, if the alert does not resolve on its own';
  if (view.state === 'ESCALATED') return 'resolve it with a note once handled, or retry from a step';
  return null;
}

const ago = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/** Text on one line of a Markdown list item: line breaks (an error, a note) would end the item. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ⏎ ').trim();

/** Characters of a command or query shown in the Markdown summary. */
const CODE_CHARS = 300;

/**
 * A command or query on one line: its lines joined with ` ⏎ ` (a multi-line command would break a Markdown list
 * item), clipped.
 */
export function oneLineCode(text: string): string {
  const flat = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ⏎ ');
  return clipText(flat, CODE_CHARS);
}

/** A command or query as Markdown inline code: on one line, in a fence longer than any run of backticks in it. */
export function inlineCode(text: string): string {
  const flat = oneLineCode(text);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** The summary as Markdown: the top of `show`, the panel's text export and a postmortem draft. */
export function summaryMarkdown(s: IncidentSummary, title = 'Incident summary'): string {
  const lines = [`# ${title}: ${oneLine(s.fired.title)}`, '', `**State:** ${s.state}${s.reason ? ` — ${oneLine(s.reason)}` : ''}`, ''];
  const labels = Object.entries(s.fired.labels).map(([k, v]) => `\`${k}=${v}\``).join(' ');
  lines.push('## What fired', '', `${s.fired.title} (${s.fired.severity}) at ${new Date(s.fired.at).toISOString()}${labels ? `, ${labels}` : ''}`, '');
  lines.push('## What was checked', '');
  if (s.checked.length === 0) lines.push('Nothing ran yet.');
  for (const c of s.checked) lines.push(`- ${c.status === 'ok' ? '✓' : c.status === 'flagged' ? '⚠' : '✗'} ${inlineCode(c.what)}${c.origin === 'builtin' ? ' (built in)' : ''}: ${oneLine(c.finding)} [${c.citation}]`);
  lines.push('', '## Likely causes', '');
  if (s.causes.length === 0) lines.push('None the outputs show.');
  for (const c of s.causes) lines.push(`- ${oneLine(c.cause)}${c.for.length ? ` — for: ${c.for.join(', ')}` : ''}${c.against.length ? ` — against: ${c.against.join(', ')}` : ''}`);
  lines.push('', '## What was done', '');
  if (s.done.length === 0) lines.push('No mitigation in the plan.');
  for (const d of s.done) lines.push(`- ${d.outcome}: ${inlineCode(d.what)}${d.by ? ` by ${oneLine(d.by)}` : ''}${d.why ? ` (${oneLine(d.why)})` : ''}${d.citation ? ` [${d.citation}]` : ''}`);
  lines.push('', '## Verification', '', `${s.verification.status}${s.verification.items.length ? ':' : ''}`);
  for (const v of s.verification.items) lines.push(`- ${oneLine(v)}`);
  if (s.timings.length > 0) {
    lines.push('', '## Timeline', '');
    for (const t of s.timings) lines.push(`- ${t.stage}: ${new Date(t.at).toISOString()} (+${ago(t.afterMs)})`);
  }
  if (s.next) lines.push('', `**Next:** ${oneLine(s.next)}`);
  return `${lines.join('\n')}\n`;
}
