// Incident memories in the engine's database: one row per settled workflow (written again when the same workflow
// settles again, e.g. after a retry), recalled by the alert's identity, forgotten on request. Forgetting deletes
// the row and appends a `memory_forgotten` event to the hash-chained event log (who, when, which workflow; never
// the memory's content), which also keeps the catch-up below from remembering it again.
import type { Db } from '../../control/db/open';
import { incidentReport } from '../../planning/observe/report';
import { redactValue } from '../../execution/redact';
import { printableValue } from '../../execution/redact/printable';
import { appendEvent } from '../../control/store/sqlite/eventLog';
import { sql } from '../../control/store/sqlite/sql';
import { hasGlobalEventAbout, settledWithoutMemory } from '../../control/store/sqlite/logReads';
import { loadSnapshot } from '../../control/store/sqlite/snapshot';
import { loadView } from '../../control/store/sqlite/commit';
import type { AlertRequest } from '../../control/workflow/request';
import { canonicalJson } from '../../control/workflow/canonical';
import type { LastTimeView, MemoryItem } from '../../../protocol/memory';
import { IncidentMemory, identityOf, lastTime, memoryOf, recall, type Recalled } from './incident';

export const FORGOTTEN_EVENT = 'memory_forgotten';
const SETTLED = ['COMPLETED', 'ESCALATED', 'CANCELLED'] as const;
/** A stored memory is at most this many characters of JSON (memoryOf already clips each field). */
export const MAX_MEMORY_CHARS = 8_000;

export interface StoredMemory {
  /** `mem-` + the workflow id: what `memory forget` takes (the bare workflow id works too). */
  readonly id: string;
  readonly workspace: string;
  readonly rememberedAt: number;
  readonly memory: IncidentMemory;
}

interface Row {
  id: string;
  workflow_id: string;
  workspace: string;
  memory: string;
  remembered_at: number;
}

export const memoryIdOf = (workflowId: string) => `mem-${workflowId}`;

function toStored(row: Row): StoredMemory | null {
  const parsed = IncidentMemory.safeParse(JSON.parse(row.memory));
  return parsed.success ? { id: row.id, workspace: row.workspace, rememberedAt: row.remembered_at, memory: parsed.data } : null;
}

/** Whether a person forgot this workflow's memory (then it is never remembered again). */
export function wasForgotten(db: Db, workflowId: string): boolean {
  return hasGlobalEventAbout(db, FORGOTTEN_EVENT, workflowId);
}

/** Stores a memory (redacted, printable, size-capped); the same workflow's row is replaced. Returns its id. */
export function saveMemory(db: Db, workspace: string, memory: IncidentMemory, now: number): string {
  let m = IncidentMemory.parse(printableValue(redactValue(memory)));
  // Findings are the long part: drop them from the end until the whole fits.
  while (JSON.stringify(m).length > MAX_MEMORY_CHARS && (m.checked.length > 0 || m.done.length > 0)) {
    m = m.checked.length > 0 ? { ...m, checked: m.checked.slice(0, -1) } : { ...m, done: m.done.slice(0, -1) };
  }
  const id = memoryIdOf(m.workflowId);
  sql(
    db,
    `INSERT INTO incident_memories (id, workflow_id, workspace, alertname, identity, state, settled_at, memory, remembered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (workflow_id) DO UPDATE SET alertname = excluded.alertname, identity = excluded.identity, state = excluded.state, settled_at = excluded.settled_at, memory = excluded.memory, remembered_at = excluded.remembered_at`,
  ).run(id, m.workflowId, workspace, m.alertname, canonicalJson(identityOf(m.labels)), m.state, m.settledAt, JSON.stringify(m), now);
  return id;
}

/**
 * Remembers one workflow if it is settled and not forgotten: its incident summary (engine/planning/observe/report.ts's
 * incidentReport, already redacted) made small by memoryOf. Idempotent: a second call for the same settled
 * state rewrites the same row. Returns the memory id, or null when there is nothing to remember.
 */
export function rememberWorkflow(db: Db, workflowId: string, now = Date.now()): string | null {
  const view = loadView(db, workflowId);
  if (!view || !(SETTLED as readonly string[]).includes(view.state)) return null;
  return db.transaction(() => {
    if (wasForgotten(db, workflowId)) return null;
    const { summary } = incidentReport(db, workflowId);
    const runbook = loadSnapshot(db, workflowId).find((h) => h.chunkId === 'runbook' && h.planVersion === view.planVersion)?.docId ?? view.chosenRunbook ?? null;
    const memory = memoryOf(workflowId, summary, runbook, view.updatedAt);
    return memory ? saveMemory(db, view.workspace, memory, now) : null;
  }).immediate();
}

/**
 * Settled workflows of a workspace with no memory for their current state (settled by a person, by another
 * process, or before memories existed), newest first, at most `limit`; forgotten ones stay forgotten. A null
 * workspace: every workspace.
 */
export function catchUp(db: Db, workspace: string | null, limit = 20, now = Date.now()): number {
  let n = 0;
  for (const id of settledWithoutMemory(db, workspace, FORGOTTEN_EVENT, limit)) if (rememberWorkflow(db, id, now) !== null) n++;
  return n;
}

/** Candidates for one alert: the same alertname first (newest first), then the workspace's recent others. */
function candidates(db: Db, workspace: string, alertname: string, limit: number): StoredMemory[] {
  const same = sql(db, 'SELECT * FROM incident_memories WHERE workspace = ? AND alertname = ? ORDER BY settled_at DESC LIMIT ?').all(workspace, alertname, limit) as Row[];
  const recent = sql(db, 'SELECT * FROM incident_memories WHERE workspace = ? AND alertname <> ? ORDER BY settled_at DESC LIMIT ?').all(workspace, alertname, limit) as Row[];
  return [...same, ...recent].flatMap((r) => toStored(r) ?? []);
}

export interface RecallOptions {
  readonly limit?: number;
  /** The workflow asking: never recalled as its own "last time". */
  readonly exclude?: string;
  /** Only incidents settled before this time (a workflow's view shows what was known when it fired). */
  readonly before?: number;
}

/** Earlier incidents of the same alert (identity: alertname and identity labels) in one workspace, best first. */
export function recallFor(db: Db, workspace: string, request: Pick<AlertRequest, 'labels' | 'title'>, options: RecallOptions = {}): Array<Recalled & { id: string }> {
  const alertname = request.labels.alertname ?? request.title;
  const stored = candidates(db, workspace, alertname, 100).filter((s) => options.before === undefined || s.memory.settledAt < options.before);
  const ids = new Map(stored.map((s) => [s.memory.workflowId, s.id]));
  return recall(stored.map((s) => s.memory), request, { limit: options.limit ?? 3, exclude: options.exclude }).map((r) => ({ ...r, id: ids.get(r.memory.workflowId)! }));
}

/** Every memory (of one workspace, or all), newest first. */
export function listMemories(db: Db, options: { workspace?: string; limit?: number } = {}): StoredMemory[] {
  const rows = (
    options.workspace === undefined
      ? sql(db, 'SELECT * FROM incident_memories ORDER BY settled_at DESC LIMIT ?').all(options.limit ?? 1000)
      : sql(db, 'SELECT * FROM incident_memories WHERE workspace = ? ORDER BY settled_at DESC LIMIT ?').all(options.workspace, options.limit ?? 1000)
  ) as Row[];
  return rows.flatMap((r) => toStored(r) ?? []);
}

export function getMemory(db: Db, id: string): StoredMemory | null {
  const row = sql(db, 'SELECT * FROM incident_memories WHERE id = ? OR workflow_id = ?').get(id, id) as Row | undefined;
  return row ? toStored(row) : null;
}

export class UnknownMemory extends Error {
  constructor(id: string) {
    super(`no incident memory ${id} (runbook-agent memory list shows them)`);
  }
}

export interface Forgotten {
  readonly id: string;
  readonly workflowId: string;
  /** The event log's sequence number of the forget event. */
  readonly seq: number;
}

/**
 * Forgets one memory (by its id or its workflow's id): the row is deleted and, in the same transaction, a
 * `memory_forgotten` event records who forgot which workflow's memory and when (not what it said). The
 * workflow's own events and tool calls are untouched: the audit log keeps the incident, recall no longer does.
 */
export function forgetMemory(db: Db, id: string, by: string, now = Date.now()): Forgotten {
  return db.transaction(() => {
    const row = sql(db, 'SELECT id, workflow_id, workspace FROM incident_memories WHERE id = ? OR workflow_id = ?').get(id, id) as Pick<Row, 'id' | 'workflow_id' | 'workspace'> | undefined;
    if (!row) throw new UnknownMemory(id);
    sql(db, 'DELETE FROM incident_memories WHERE id = ?').run(row.id);
    const seq = appendEvent(db, { workflowId: null, type: FORGOTTEN_EVENT, from: null, to: null, actor: 'person', attempt: 0, at: now, data: { memoryId: row.id, workflowId: row.workflow_id, workspace: row.workspace, by } });
    return { id: row.id, workflowId: row.workflow_id, seq };
  }).immediate();
}

/** At most this many earlier incidents reach a plan, each paragraph at most this long (a plan summary is 2,000). */
const PLAN_RECALL = 2;
const PLAN_RECALL_CHARS = 500;

/**
 * "Last time" for a planner (PlanningContext.recall): settled workflows not yet remembered are remembered first,
 * then the same alert's earlier incidents in this workspace, best first, as one paragraph each. Never throws:
 * a memory that cannot be read never stops a plan.
 */
export function recallForPlanning(db: Db, workspace: string, request: AlertRequest, workflowId: string, now = Date.now(), log?: (message: string) => void): Array<{ workflowId: string; text: string }> {
  try {
    catchUp(db, workspace, 20, now);
  } catch (error) {
    // Another process holds the write lock, say: what is already remembered is still recalled.
    log?.(`incident memory catch-up: ${(error as Error).message}`);
  }
  try {
    return recallFor(db, workspace, request, { exclude: workflowId, limit: PLAN_RECALL }).map((r) => {
      const text = lastTime(r, now);
      return { workflowId: r.memory.workflowId, text: text.length > PLAN_RECALL_CHARS ? `${text.slice(0, PLAN_RECALL_CHARS - 1)}…` : text };
    });
  } catch (error) {
    log?.(`incident memory for ${workflowId}: ${(error as Error).message}`);
    return [];
  }
}

/** The panel's "Last time": incidents of the same alert settled before this workflow fired. */
export function lastTimeViews(db: Db, workflowId: string, now = Date.now()): LastTimeView[] {
  const view = loadView(db, workflowId);
  if (!view) return [];
  return recallFor(db, view.workspace, view.request, { exclude: workflowId, before: view.createdAt }).map((r) => ({
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
