// Incident memories in the SQLite file (engine/memory/incidents: the `incident_memories` table of migration 6): one
// row per settled workflow, replaced when it settles again; forgetting deletes the row and appends a
// `memory_forgotten` event to the hash-chained log in the same transaction, which also keeps the workflow from
// being remembered again. The SQLite adapter and the editor's embedded engine (engine/memory/incidents/store.ts)
// both call these; the Postgres adapter shares the row shapes below.
import type { Db } from '../../db/open';
import { storageError } from '../../workflow/errors';
import { canonicalJson } from '../../workflow/canonical';
import { FORGOTTEN_EVENT, IncidentMemory, identityOf, memoryIdOf, storableMemory, UnknownMemory, type Forgotten, type StoredMemory } from '../../../memory/incidents/incident';
import type { MemoryListOptions } from '../types';
import { appendEvent } from './eventLog';
import { hasGlobalEventAbout, settledWithoutMemory } from './logReads';
import { sql } from './sql';

/** A row of incident_memories as both adapters read it. */
export interface MemoryRow {
  readonly id: string;
  readonly workflow_id: string;
  readonly workspace: string;
  readonly memory: string;
  readonly remembered_at: number | string;
}

/** The row's memory, or null when it no longer parses (a memory that cannot be read is skipped, never thrown). */
export function storedOf(row: MemoryRow): StoredMemory | null {
  let json: unknown;
  try {
    json = JSON.parse(row.memory);
  } catch {
    return null;
  }
  const parsed = IncidentMemory.safeParse(json);
  return parsed.success ? { id: row.id, workspace: row.workspace, rememberedAt: Number(row.remembered_at), memory: parsed.data } : null;
}

export const storedOfRows = (rows: readonly MemoryRow[]): StoredMemory[] => rows.flatMap((r) => storedOf(r) ?? []);

/** The columns of a memory's row, in the order both adapters insert them: id, workflow_id, workspace, alertname, identity, state, settled_at, memory, remembered_at. */
export function memoryColumns(workspace: string, memory: IncidentMemory, now: number): [string, string, string, string, string, string, number, string, number] {
  const m = storableMemory(memory);
  return [memoryIdOf(m.workflowId), m.workflowId, workspace, m.alertname, canonicalJson(identityOf(m.labels)), m.state, m.settledAt, JSON.stringify(m), now];
}

/** The data of the `memory_forgotten` event: which memory of which workflow, by whom (never what it said). */
export const forgottenData = (row: Pick<MemoryRow, 'id' | 'workflow_id' | 'workspace'>, by: string) => ({ memoryId: row.id, workflowId: row.workflow_id, workspace: row.workspace, by });

/** Whether a person forgot this workflow's memory (then it is never remembered again). */
export function wasForgotten(db: Db, workflowId: string): boolean {
  return hasGlobalEventAbout(db, FORGOTTEN_EVENT, workflowId);
}

/**
 * Stores a memory (made storable: redacted, printable, capped); the same workflow's row is replaced. Returns its id,
 * or null when the workflow's memory was forgotten (checked in the same transaction).
 */
export function saveMemory(db: Db, workspace: string, memory: IncidentMemory, now: number): string | null {
  const columns = memoryColumns(workspace, memory, now);
  return guard(() =>
    db
      .transaction(() => {
        if (wasForgotten(db, columns[1])) return null;
        sql(
          db,
          `INSERT INTO incident_memories (id, workflow_id, workspace, alertname, identity, state, settled_at, memory, remembered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (workflow_id) DO UPDATE SET alertname = excluded.alertname, identity = excluded.identity, state = excluded.state, settled_at = excluded.settled_at, memory = excluded.memory, remembered_at = excluded.remembered_at`,
        ).run(...columns);
        return columns[0];
      })
      .immediate(),
  );
}

/** Candidates for one alert: the workspace's memories of the same alertname (newest first), then its other recent ones. */
export function memoriesFor(db: Db, workspace: string, alertname: string, limit: number): StoredMemory[] {
  const same = sql(db, 'SELECT * FROM incident_memories WHERE workspace = ? AND alertname = ? ORDER BY settled_at DESC LIMIT ?').all(workspace, alertname, limit) as MemoryRow[];
  const recent = sql(db, 'SELECT * FROM incident_memories WHERE workspace = ? AND alertname <> ? ORDER BY settled_at DESC LIMIT ?').all(workspace, alertname, limit) as MemoryRow[];
  return storedOfRows([...same, ...recent]);
}

/** Every memory (of one workspace, or all), newest first. */
export function listMemories(db: Db, options: MemoryListOptions = {}): StoredMemory[] {
  const rows = (
    options.workspace === undefined
      ? sql(db, 'SELECT * FROM incident_memories ORDER BY settled_at DESC LIMIT ?').all(options.limit ?? 1000)
      : sql(db, 'SELECT * FROM incident_memories WHERE workspace = ? ORDER BY settled_at DESC LIMIT ?').all(options.workspace, options.limit ?? 1000)
  ) as MemoryRow[];
  return storedOfRows(rows);
}

/** One memory by its id or its workflow's id. */
export function getMemory(db: Db, id: string): StoredMemory | null {
  const row = sql(db, 'SELECT * FROM incident_memories WHERE id = ? OR workflow_id = ?').get(id, id) as MemoryRow | undefined;
  return row ? storedOf(row) : null;
}

/** Deletes the memory and appends its `memory_forgotten` event in one transaction; UnknownMemory when there is none. */
export function forgetMemory(db: Db, id: string, by: string, now: number): Forgotten {
  return guard(() =>
    db
      .transaction(() => {
        const row = sql(db, 'SELECT id, workflow_id, workspace FROM incident_memories WHERE id = ? OR workflow_id = ?').get(id, id) as Pick<MemoryRow, 'id' | 'workflow_id' | 'workspace'> | undefined;
        if (!row) throw new UnknownMemory(id);
        sql(db, 'DELETE FROM incident_memories WHERE id = ?').run(row.id);
        const seq = appendEvent(db, { workflowId: null, type: FORGOTTEN_EVENT, from: null, to: null, actor: 'person', attempt: 0, at: now, data: forgottenData(row, by) });
        return { id: row.id, workflowId: row.workflow_id, seq };
      })
      .immediate(),
  );
}

/**
 * Settled workflows (of a workspace, or of all: null) with no memory for their current state and not forgotten,
 * most recently updated first: what catch-up remembers.
 */
export function settledUnremembered(db: Db, workspace: string | null, limit: number): string[] {
  return settledWithoutMemory(db, workspace, FORGOTTEN_EVENT, limit);
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw storageError(error);
  }
}
