import type { Attention, SourceView, StepView, WorkflowItem, WorkflowPanelView } from '../../../protocol/agent';
import type { ToolCallRecord, WorkflowEvent } from '../../../protocol/workflow';
import { WorkflowState } from '../../../protocol/workflow';
import type { Db } from '../../control/db/open';
import { observe, type Observation } from '../../planning/observe/observations';
import { effectiveTier } from '../../control/policy/gate';
import { loadWorkspacePolicy } from '../../control/policy/load';
import { redactText, redactValue } from '../../execution/redact';
import { printable, printableValue } from '../../execution/redact/printable';
import { getTier } from '../../control/store/sqlite/tiers';
import { eventsOf } from '../../control/store/sqlite/eventLog';
import type { PlanStep } from '../../control/workflow/plan';
import { summarize } from '../../control/store/sqlite/query';
import { loadSnapshot } from '../../control/store/sqlite/snapshot';
import { spansOf } from '../../control/workflow/spans';
import { requireView } from '../../control/store/sqlite/commit';
import { listToolCalls } from '../../control/store/sqlite/toolCalls';
import type { WorkflowView } from '../../control/workflow/view';
import { withSilenceExpiry } from './silenceView';
import { asCallRecords, currentCalls, lastRetryAt, summaryOf } from '../../planning/observe/report';

const OUTPUT_CHARS = 16_000;

/** What a person must do about the workflow, if anything (the kind behind every badge and notification). */
export function attentionOf(view: WorkflowView): Attention | null {
  if (view.state === 'WAITING_FOR_PERSON') {
    const kind = view.waiting?.kind;
    return kind === 'approval' || kind === 'question' || kind === 'checklist' ? kind : null;
  }
  if (view.state === 'ESCALATED') return 'escalated';
  if (view.state === 'VALIDATING' && view.awaitingResolution) return 'resolution';
  return null;
}

export function workflowItem(view: WorkflowView): WorkflowItem {
  const summary = summarize(view);
  return {
    ...summary,
    // Titles and reasons quote alert text and commands; lists and notifications show them.
    title: printable(redactText(summary.title)),
    reason: summary.reason === null ? null : printable(redactText(summary.reason)),
    workspace: view.workspace,
    needsApproval: view.state === 'WAITING_FOR_PERSON' && view.waiting?.kind === 'approval',
    needsAnswer: view.state === 'WAITING_FOR_PERSON' && view.waiting?.kind === 'question',
    attention: attentionOf(view),
    archived: view.archived ?? false,
    waitsUntil: view.state === 'VALIDATING' && view.awaitingResolution ? new Date(view.awaitingResolution.until).toISOString() : null,
  };
}

/** What a person reads for a step's input: the command, query, question, checklist item, URL or path. */
export function describeInput(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.item, i.url, i.path].find((v) => typeof v === 'string');
  return typeof text === 'string' ? (typeof i.method === 'string' && typeof i.url === 'string' ? `${i.method} ${i.url}` : text) : JSON.stringify(input);
}

/** The output a person reads: stdout and stderr of a shell step, a body, an answer (redacted with the rest of the view). */
function outputText(result: unknown): string | null {
  if (result === null || result === undefined) return null;
  const r = result as Record<string, unknown>;
  let text: string;
  if (typeof r.stdout === 'string') text = r.stdout + (typeof r.stderr === 'string' && r.stderr !== '' ? `\n--- stderr ---\n${r.stderr}` : '');
  else if (typeof r.answer === 'string') text = r.answer;
  else if (typeof r.outcome === 'string') text = r.outcome;
  else if (typeof r.text === 'string') text = r.text;
  else if (typeof r.body === 'string') text = `HTTP ${String(r.status)}\n${r.body}`;
  else text = JSON.stringify(result, null, 2);
  return text.length > OUTPUT_CHARS ? `${text.slice(0, OUTPUT_CHARS)}\n… (${text.length - OUTPUT_CHARS} more characters)` : text;
}

const settledEnd = (state: WorkflowView['state']) => state === 'ESCALATED' || state === 'CANCELLED';

function stepStatus(view: WorkflowView, index: number, call: ToolCallRecord | undefined, observation: Observation | undefined): StepView['status'] {
  if (view.skipped?.[view.plan?.steps[index]?.id ?? '']) return 'skipped';
  if (view.state === 'COMPLETED' || index < view.stepIndex) {
    if (observation?.status === 'failed') return 'failed';
    // A checklist item ticked "skipped" did not happen: it reads as skipped, not done.
    return (call?.result as { outcome?: unknown } | null)?.outcome === 'skipped' ? 'skipped' : 'done';
  }
  if (index > view.stepIndex) return settledEnd(view.state) ? 'skipped' : 'pending';
  if (view.state === 'WAITING_FOR_PERSON') return 'waiting';
  if (view.state === 'WAITING_FOR_TOOL') return 'running';
  if (call?.status === 'failed' || call?.status === 'unknown') return 'failed';
  return settledEnd(view.state) ? 'skipped' : 'pending';
}

/** A person's tick of a checklist step: done or skipped, by whom, with their note. */
export interface Tick {
  readonly outcome: string;
  readonly by: string;
  readonly note: string;
}

/** Who ticked each checklist step last, how, and with what note (from the `ticked` events). */
export function ticksOf(events: readonly WorkflowEvent[]): Map<string, Tick> {
  const ticks = new Map<string, Tick>();
  for (const e of events) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (e.type === 'ticked' && typeof d.stepId === 'string') ticks.set(d.stepId, { outcome: String(d.outcome ?? 'done'), by: String(d.by ?? 'a person'), note: typeof d.note === 'string' ? d.note : '' });
  }
  return ticks;
}

/** "skipped by ana: no access to the dashboard". */
export const tickWords = (t: Tick) => `${t.outcome} by ${t.by}${t.note ? `: ${t.note}` : ''}`;

function flagOf(view: WorkflowView, step: PlanStep, status: StepView['status'], o: Observation | undefined, tick: Tick | undefined): Pick<StepView, 'flag' | 'flagReason' | 'evidence' | 'citation'> {
  const skipped = view.skipped?.[step.id];
  const citation = o?.id ?? null;
  if (skipped) return { flag: skipped.reason.startsWith('declined') ? 'declined' : 'skipped', flagReason: skipped.reason, evidence: [...skipped.evidence], citation };
  // A checklist item a person ticked: their word, and their note.
  if (tick && status === 'skipped') return { flag: 'skipped', flagReason: tickWords(tick), evidence: [], citation };
  if (tick && status === 'done') return { flag: 'ok', flagReason: tickWords(tick), evidence: [], citation };
  // A call still under way, or one not reached, says nothing yet.
  if (!o || status === 'pending' || status === 'running' || status === 'waiting') return { flag: null, flagReason: null, evidence: [], citation };
  return { flag: o.status, flagReason: o.why, evidence: [], citation };
}

function stepView(view: WorkflowView, step: PlanStep, index: number, calls: readonly ToolCallRecord[], observations: ReadonlyMap<string, Observation>, ticks: ReadonlyMap<string, Tick>): StepView {
  const call = calls.filter((c) => c.stepId === step.id).at(-1);
  const observation = observations.get(step.id);
  const status = stepStatus(view, index, call, observation);
  const checked = view.verification?.find((v) => v.stepId === step.id);
  const waiting = view.waiting?.kind === 'approval' && view.waiting.stepId === step.id ? view.waiting : null;
  const result = call?.status === 'done' ? call.result : null;
  const exit = (result as { exitCode?: unknown } | null)?.exitCode;
  const started = call ? Date.parse(call.intendedAt) : NaN;
  const finished = call?.finishedAt ? Date.parse(call.finishedAt) : NaN;
  return {
    index,
    id: step.id,
    tool: step.tool,
    phase: step.phase ?? null,
    risk: waiting?.risk ?? step.risk ?? null,
    status,
    describe: waiting?.describe ?? describeInput(call && status === 'done' ? call.input : step.input),
    rationale: step.rationale ?? null,
    source: step.source ? { path: step.source.path, startLine: step.source.startLine, endLine: step.source.endLine, heading: step.source.heading, docVersion: step.source.docVersion } : null,
    startedAt: call?.intendedAt ?? null,
    durationMs: Number.isFinite(started) && Number.isFinite(finished) ? Math.max(0, finished - started) : null,
    attempts: call?.attempts ?? 0,
    output: outputText(result),
    exitCode: typeof exit === 'number' ? exit : null,
    error: call?.error ?? null,
    ...flagOf(view, step, status, observation, step.tool === 'checklist' ? ticks.get(step.id) : undefined),
    verification: checked ? { text: checked.text, passed: checked.passed } : null,
  };
}

function plannerOf(events: readonly WorkflowEvent[]): WorkflowPanelView['planner'] {
  const planned = [...events].reverse().find((e) => e.type === 'planned');
  if (!planned) return null;
  const d = planned.data as { planner?: string; tokens?: number; trace?: { model?: string; route?: { choice?: string } } | null };
  return { name: d.planner ?? 'planner', route: d.trace?.route?.choice ?? null, model: d.trace?.model ?? null, tokens: d.tokens ?? 0 };
}

function sourcesOf(db: Db, view: WorkflowView): SourceView[] {
  return loadSnapshot(db, view.id)
    .filter((h) => h.planVersion === view.planVersion)
    .map((h) => ({ root: h.root ?? view.workspace, path: h.docId, startLine: h.startLine ?? 1, endLine: h.endLine ?? 1, heading: h.heading ?? '', score: h.score, docVersion: h.docVersion, stale: h.stale, planRunbook: h.chunkId === 'runbook' }));
}

/** Everything the panel shows about one workflow, read in one go from the database. */
export function panelView(db: Db, id: string, executionBlocked: string | null): WorkflowPanelView {
  const view = requireView(db, id);
  const events = eventsOf(db, id);
  const calls = currentCalls(view, listToolCalls(db, id), lastRetryAt(events));
  const observations = new Map(observe(view.plan ?? { summary: '', steps: [] }, asCallRecords(calls)).map((o) => [o.stepId, o]));
  const ticks = ticksOf(events);
  let tier = getTier(db, view.workspace);
  try {
    tier = effectiveTier({ tier, workspace: view.workspace ? loadWorkspacePolicy(view.workspace) : undefined });
  } catch {
    // A broken workspace policy file denies every call (see agent/policy.ts); the chosen tier is still shown.
  }
  // Redacted on the way out, never in storage: an approval binds to the hash of the exact stored input, so a
  // command's secret stays in the database and only `[REDACTED:kind]` reaches the panel (and its webview state).
  const shown: WorkflowPanelView = {
    workflow: workflowItem(view),
    states: WorkflowState.options,
    alert: { title: view.request.title, severity: view.request.severity, source: view.request.source, labels: view.request.labels, annotations: view.request.annotations ?? {} },
    summary: summaryOf(view, calls, events),
    planSummary: view.plan?.summary ?? null,
    planner: plannerOf(events),
    planVersion: view.planVersion,
    steps: withSilenceExpiry((view.plan?.steps ?? []).map((s, i) => stepView(view, s, i, calls, observations, ticks)), events), // Alertmanager silences: expired or not (silenceView.ts)
    waiting: view.state === 'WAITING_FOR_PERSON' ? view.waiting : null,
    awaitingResolution: view.state === 'VALIDATING' && view.awaitingResolution ? { until: new Date(view.awaitingResolution.until).toISOString() } : null,
    sources: sourcesOf(db, view),
    spans: spansOf(events),
    tier,
    executionBlocked,
    ...(view.summaryDraft !== undefined ? { summaryDraft: view.summaryDraft } : {}),
  };
  return printableValue(redactValue(shown)) as WorkflowPanelView;
}
