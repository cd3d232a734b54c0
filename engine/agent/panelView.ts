import type { SourceView, StepView, WorkflowItem, WorkflowPanelView } from '../../protocol/agent';
import type { ToolCallRecord, WorkflowEvent } from '../../protocol/workflow';
import { WorkflowState } from '../../protocol/workflow';
import type { Db } from '../db/open';
import { effectiveTier } from '../policy/gate';
import { loadWorkspacePolicy } from '../policy/load';
import { redactText, redactValue } from '../redact';
import { printable, printableValue } from '../redact/printable';
import { getTier } from '../policy/tiers';
import { eventsOf } from '../workflow/eventLog';
import type { PlanStep } from '../workflow/plan';
import { summarize } from '../workflow/query';
import { loadSnapshot } from '../workflow/snapshot';
import { spansOf } from '../workflow/spans';
import { requireView } from '../workflow/store';
import { listToolCalls } from '../workflow/toolCalls';
import type { WorkflowView } from '../workflow/view';

const OUTPUT_CHARS = 16_000;

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
  };
}

/** What a person reads for a step's input: the command, query, question, URL or path. */
export function describeInput(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.url, i.path].find((v) => typeof v === 'string');
  return typeof text === 'string' ? (typeof i.method === 'string' && typeof i.url === 'string' ? `${i.method} ${i.url}` : text) : JSON.stringify(input);
}

/** The output a person reads: stdout and stderr of a shell step, a body, an answer (redacted with the rest of the view). */
function outputText(result: unknown): string | null {
  if (result === null || result === undefined) return null;
  const r = result as Record<string, unknown>;
  let text: string;
  if (typeof r.stdout === 'string') text = r.stdout + (typeof r.stderr === 'string' && r.stderr !== '' ? `\n--- stderr ---\n${r.stderr}` : '');
  else if (typeof r.answer === 'string') text = r.answer;
  else if (typeof r.text === 'string') text = r.text;
  else if (typeof r.body === 'string') text = `HTTP ${String(r.status)}\n${r.body}`;
  else text = JSON.stringify(result, null, 2);
  return text.length > OUTPUT_CHARS ? `${text.slice(0, OUTPUT_CHARS)}\n… (${text.length - OUTPUT_CHARS} more characters)` : text;
}

function stepStatus(view: WorkflowView, index: number, call: ToolCallRecord | undefined): StepView['status'] {
  if (view.state === 'COMPLETED' || index < view.stepIndex) return 'done';
  if (index > view.stepIndex) return view.state === 'ESCALATED' ? 'skipped' : 'pending';
  if (view.state === 'WAITING_FOR_PERSON') return 'waiting';
  if (view.state === 'WAITING_FOR_TOOL') return 'running';
  if (call?.status === 'failed' || call?.status === 'unknown') return 'failed';
  return view.state === 'ESCALATED' ? 'skipped' : 'pending';
}

function stepView(view: WorkflowView, step: PlanStep, index: number, calls: readonly ToolCallRecord[]): StepView {
  const call = calls.filter((c) => c.stepId === step.id).at(-1);
  const status = stepStatus(view, index, call);
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
    .map((h) => ({ root: h.root ?? view.workspace, path: h.docId, startLine: h.startLine ?? 1, endLine: h.endLine ?? 1, heading: h.heading ?? '', score: h.score, docVersion: h.docVersion, stale: h.stale }));
}

/** Everything the panel shows about one workflow, read in one go from the database. */
export function panelView(db: Db, id: string, executionBlocked: string | null): WorkflowPanelView {
  const view = requireView(db, id);
  const calls = listToolCalls(db, id);
  const events = eventsOf(db, id);
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
    summary: view.plan?.summary ?? null,
    planner: plannerOf(events),
    planVersion: view.planVersion,
    steps: (view.plan?.steps ?? []).map((s, i) => stepView(view, s, i, calls)),
    waiting: view.state === 'WAITING_FOR_PERSON' ? view.waiting : null,
    sources: sourcesOf(db, view),
    spans: spansOf(events),
    tier,
    executionBlocked,
  };
  return printableValue(redactValue(shown)) as WorkflowPanelView;
}
