// Incident memories in the engine's own SQLite file, for the panel and the CLI (the workers remember and recall
// through the control store: inStore.ts): synchronous, over the SQLite adapter's statements (engine/control/store/sqlite/memories.ts), with the logic shared
// with the control-store path (inStore.ts) in record.ts. One row per settled workflow (written again when the same
// workflow settles again, e.g. after a retry), recalled by the alert's identity, forgotten on request. Forgetting
// deletes the row and appends a `memory_forgotten` event to the hash-chained event log (who, when, which workflow;
// never the memory's content), which also keeps the catch-up below from remembering it again.
import type { Db } from '../../control/db/open';
import * as memories from '../../control/store/sqlite/memories';
import { eventsOf } from '../../control/store/sqlite/eventLog';
import { loadSnapshot } from '../../control/store/sqlite/snapshot';
import { loadView } from '../../control/store/sqlite/commit';
import { listToolCalls } from '../../control/store/sqlite/toolCalls';
import type { AlertRequest } from '../../control/workflow/request';
import type { LastTimeView } from '../../../protocol/memory';
import type { Forgotten, IncidentMemory, StoredMemory } from './incident';
import { alertnameOf, isRemembered, lastTimeViewsOf, memoryOfRecord, RECALL_CANDIDATES, recallAmong, viewRecallOptions, type RecallOptions, type RecalledMemory } from './record';

export { FORGOTTEN_EVENT, MAX_MEMORY_CHARS, memoryIdOf, UnknownMemory, type Forgotten, type StoredMemory } from './incident';
export { memoryItem, type RecallOptions } from './record';

/** Whether a person forgot this workflow's memory (then it is never remembered again). */
export const wasForgotten = (db: Db, workflowId: string): boolean => memories.wasForgotten(db, workflowId);

/** Stores a memory (redacted, printable, size-capped); the same workflow's row is replaced. Returns its id, null when it was forgotten. */
export function saveMemory(db: Db, workspace: string, memory: IncidentMemory, now: number): string | null {
  return memories.saveMemory(db, workspace, memory, now);
}

/**
 * Remembers one workflow if it is settled and not forgotten (record.ts memoryOfRecord). Idempotent: a second call
 * for the same settled state rewrites the same row. Returns the memory id, or null when there is nothing to remember.
 */
export function rememberWorkflow(db: Db, workflowId: string, now = Date.now()): string | null {
  // One transaction: the record read and the row written as of one state of the file.
  return db.transaction(() => {
    const view = loadView(db, workflowId);
    if (!isRemembered(view) || memories.wasForgotten(db, workflowId)) return null;
    const memory = memoryOfRecord(view, eventsOf(db, workflowId), listToolCalls(db, workflowId), loadSnapshot(db, workflowId));
    return memory ? memories.saveMemory(db, view.workspace, memory, now) : null;
  }).immediate();
}

/**
 * Settled workflows of a workspace with no memory for their current state (settled by a person, by another
 * process, or before memories existed), newest first, at most `limit`; forgotten ones stay forgotten. A null
 * workspace: every workspace.
 */
export function catchUp(db: Db, workspace: string | null, limit = 20, now = Date.now()): number {
  let n = 0;
  for (const id of memories.settledUnremembered(db, workspace, limit)) if (rememberWorkflow(db, id, now) !== null) n++;
  return n;
}

/** Earlier incidents of the same alert (identity: alertname and identity labels) in one workspace, best first. */
export function recallFor(db: Db, workspace: string, request: Pick<AlertRequest, 'labels' | 'title'>, options: RecallOptions = {}): RecalledMemory[] {
  return recallAmong(memories.memoriesFor(db, workspace, alertnameOf(request), RECALL_CANDIDATES), request, options);
}

/** Every memory (of one workspace, or all), newest first. */
export function listMemories(db: Db, options: { workspace?: string; limit?: number } = {}): StoredMemory[] {
  return memories.listMemories(db, options);
}

export function getMemory(db: Db, id: string): StoredMemory | null {
  return memories.getMemory(db, id);
}

/**
 * Forgets one memory (by its id or its workflow's id): the row is deleted and, in the same transaction, a
 * `memory_forgotten` event records who forgot which workflow's memory and when (not what it said). The
 * workflow's own events and tool calls are untouched: the audit log keeps the incident, recall no longer does.
 */
export function forgetMemory(db: Db, id: string, by: string, now = Date.now()): Forgotten {
  return memories.forgetMemory(db, id, by, now);
}

/** The panel's "Last time": incidents of the same alert settled before this workflow fired. */
export function lastTimeViews(db: Db, workflowId: string, now = Date.now()): LastTimeView[] {
  const view = loadView(db, workflowId);
  if (!view) return [];
  return lastTimeViewsOf(recallFor(db, view.workspace, view.request, viewRecallOptions(view)), now);
}
