// What both paths of incident memory share, pure: the memory of a workflow from its record, recall among a store's
// candidates, the lines a planner reads, the panel's "Last time" and the list item. The embedded engine calls them
// over its SQLite file (store.ts, synchronous); `serve --store` replicas and the CLI over any ControlStore (inStore.ts).
import type { LastTimeView, MemoryItem } from '../../../protocol/memory';
import type { SnapshotRow, ToolCallRecord, WorkflowEvent, WorkflowView } from '../../control/store/types';
import type { AlertRequest } from '../../control/workflow/request';
import { incidentSummaryOf } from '../../planning/observe/report';
import { lastTime, memoryOf, recall, type IncidentMemory, type Recalled, type StoredMemory } from './incident';

/** How many candidates recall weighs for one alert (same alertname, then the workspace's other recent ones). */
export const RECALL_CANDIDATES = 100;
/** How many settled workflows a plan's catch-up remembers at most before it recalls. */
export const PLAN_CATCH_UP = 20;
/** At most this many earlier incidents reach a plan, each paragraph at most this long (a plan summary is 2,000). */
const PLAN_RECALL = 2;
const PLAN_RECALL_CHARS = 500;

/** Ended for good (a workflow waiting for a person is not): only these are remembered. */
const ENDED: ReadonlySet<string> = new Set(['COMPLETED', 'ESCALATED', 'CANCELLED']);

/** Whether a workflow has something to remember: it ended (completed, escalated, cancelled). */
export const isRemembered = (view: WorkflowView | null): view is WorkflowView => view !== null && ENDED.has(view.state);

/**
 * The memory of a settled workflow from its record: the incident summary (engine/planning/observe/report.ts, already
 * redacted) made small by memoryOf, with the runbook the current plan used. Null while it is not settled.
 */
export function memoryOfRecord(view: WorkflowView, events: readonly WorkflowEvent[], calls: readonly ToolCallRecord[], snapshot: readonly SnapshotRow[]): IncidentMemory | null {
  if (!isRemembered(view)) return null;
  const runbook = snapshot.find((h) => h.chunkId === 'runbook' && h.planVersion === view.planVersion)?.docId ?? view.chosenRunbook ?? null;
  return memoryOf(view.id, incidentSummaryOf(view, events, calls), runbook, view.updatedAt);
}

export interface RecallOptions {
  readonly limit?: number;
  /** The workflow asking: never recalled as its own "last time". */
  readonly exclude?: string;
  /** Only incidents settled before this time (a workflow's view shows what was known when it fired). */
  readonly before?: number;
}

export type RecalledMemory = Recalled & { readonly id: string };

/** The alertname recall looks up for an alert (its label, else its title). */
export const alertnameOf = (request: Pick<AlertRequest, 'labels' | 'title'>) => request.labels.alertname ?? request.title;

/** Earlier incidents of the same alert among a store's candidates (StoredMemory, memoriesFor), best first, each with its memory id. */
export function recallAmong(stored: readonly StoredMemory[], request: Pick<AlertRequest, 'labels' | 'title'>, options: RecallOptions = {}): RecalledMemory[] {
  const kept = stored.filter((s) => options.before === undefined || s.memory.settledAt < options.before);
  const ids = new Map(kept.map((s) => [s.memory.workflowId, s.id]));
  return recall(kept.map((s) => s.memory), request, { limit: options.limit ?? 3, exclude: options.exclude }).map((r) => ({ ...r, id: ids.get(r.memory.workflowId)! }));
}

/** The recall options of a plan: never the asking workflow, at most PLAN_RECALL. */
export const planRecallOptions = (workflowId: string): RecallOptions => ({ exclude: workflowId, limit: PLAN_RECALL });

/** "Last time" as a planner reads it (PlanningContext.recall): one capped paragraph per earlier incident. */
export function planningLines(recalled: readonly RecalledMemory[], now: number): Array<{ workflowId: string; text: string }> {
  return recalled.map((r) => {
    const text = lastTime(r, now);
    return { workflowId: r.memory.workflowId, text: text.length > PLAN_RECALL_CHARS ? `${text.slice(0, PLAN_RECALL_CHARS - 1)}…` : text };
  });
}

/** The recall options of a workflow's view: what settled before it fired, never itself. */
export const viewRecallOptions = (view: Pick<WorkflowView, 'id' | 'createdAt'>): RecallOptions => ({ exclude: view.id, before: view.createdAt });

/** The panel's "Last time" cards. */
export function lastTimeViewsOf(recalled: readonly RecalledMemory[], now: number): LastTimeView[] {
  return recalled.map((r) => ({
    memoryId: r.id,
    workflowId: r.memory.workflowId,
    title: r.memory.title,
    state: r.memory.state,
    settledAt: new Date(r.memory.settledAt).toISOString(),
    shared: r.shared,
    runbook: r.memory.runbook,
    text: lastTime(r, now),
  }));
}

/** A memory as lists show it: what it is about and what fixed it, not its findings. */
export function memoryItem(s: StoredMemory): MemoryItem {
  const m = s.memory;
  return {
    id: s.id,
    workflowId: m.workflowId,
    workspace: s.workspace,
    title: m.title,
    alertname: m.alertname,
    labels: m.labels,
    state: m.state,
    settledAt: new Date(m.settledAt).toISOString(),
    verification: m.verification,
    fixed: m.done.filter((d) => d.outcome === 'done').map((d) => d.what),
  };
}
