// Incident memory in the shared store (engine/memory/incidents: "last time" for an alert, for every replica): rows
// as in the SQLite file (the shapes of ../sqlite/memories.ts), a forget logged on its own system chain ('~memory')
// like a kill switch or a tier change. A save and a forget of the same workflow take one advisory lock, so a
// forget is never undone by a replica remembering the workflow at the same moment.
import { FORGOTTEN_EVENT, UnknownMemory, type Forgotten, type IncidentMemory, type StoredMemory } from '../../../memory/incidents/incident';
import { forgottenData, memoryColumns, storedOf, storedOfRows, type MemoryRow } from '../sqlite/memories';
import type { MemoryListOptions } from '../types';
import { appendToChain, notifyCommit } from './chain';
import { transaction, type Pool, type Sql } from './connect';

/** The system chain of memory_forgotten events (verify.ts checks it as any other '~' chain). */
export const MEMORY_CHAIN = '~memory';

const lockWorkflowMemory = (c: Sql, workflowId: string) => c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`runbook-agent:memory:${workflowId}`]);

/** Workflows whose memory a person forgot (few: each is a person's request), from the '~memory' chain. */
async function forgottenIds(c: Sql): Promise<string[]> {
  const rows = (await c.query('SELECT data FROM events WHERE chain = $1 AND type = $2', [MEMORY_CHAIN, FORGOTTEN_EVENT])).rows as Array<{ data: string }>;
  return rows.flatMap((r) => {
    const id = (JSON.parse(r.data) as { workflowId?: unknown }).workflowId;
    return typeof id === 'string' ? [id] : [];
  });
}

export async function saveMemory(pool: Pool, workspace: string, memory: IncidentMemory, now: number): Promise<string | null> {
  const columns = memoryColumns(workspace, memory, now);
  return transaction(pool, async (c) => {
    await lockWorkflowMemory(c, columns[1]);
    if ((await forgottenIds(c)).includes(columns[1])) return null;
    await c.query(
      `INSERT INTO incident_memories (id, workflow_id, workspace, alertname, identity, state, settled_at, memory, remembered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (workflow_id) DO UPDATE SET alertname = excluded.alertname, identity = excluded.identity, state = excluded.state, settled_at = excluded.settled_at, memory = excluded.memory, remembered_at = excluded.remembered_at`,
      columns,
    );
    return columns[0];
  });
}

export async function memoriesFor(c: Sql, workspace: string, alertname: string, limit: number): Promise<StoredMemory[]> {
  const same = (await c.query('SELECT * FROM incident_memories WHERE workspace = $1 AND alertname = $2 ORDER BY settled_at DESC LIMIT $3', [workspace, alertname, limit])).rows as MemoryRow[];
  const recent = (await c.query('SELECT * FROM incident_memories WHERE workspace = $1 AND alertname <> $2 ORDER BY settled_at DESC LIMIT $3', [workspace, alertname, limit])).rows as MemoryRow[];
  return storedOfRows([...same, ...recent]);
}

export async function listMemories(c: Sql, options: MemoryListOptions = {}): Promise<StoredMemory[]> {
  const limit = options.limit ?? 1000;
  const res =
    options.workspace === undefined
      ? await c.query('SELECT * FROM incident_memories ORDER BY settled_at DESC LIMIT $1', [limit])
      : await c.query('SELECT * FROM incident_memories WHERE workspace = $1 ORDER BY settled_at DESC LIMIT $2', [options.workspace, limit]);
  return storedOfRows(res.rows as MemoryRow[]);
}

export async function getMemory(c: Sql, id: string): Promise<StoredMemory | null> {
  const row = (await c.query('SELECT * FROM incident_memories WHERE id = $1 OR workflow_id = $1', [id])).rows[0] as MemoryRow | undefined;
  return row ? storedOf(row) : null;
}

/** The row deleted and the event appended to the '~memory' chain in one transaction, under the workflow's memory lock. */
export async function forgetMemory(pool: Pool, channel: string, id: string, by: string, now: number): Promise<Forgotten> {
  return transaction(pool, async (c) => {
    const find = async () => (await c.query('SELECT id, workflow_id, workspace FROM incident_memories WHERE id = $1 OR workflow_id = $1', [id])).rows[0] as Pick<MemoryRow, 'id' | 'workflow_id' | 'workspace'> | undefined;
    const seen = await find();
    if (!seen) throw new UnknownMemory(id);
    await lockWorkflowMemory(c, seen.workflow_id);
    // Read again under the lock: another forget may have taken it meanwhile.
    const row = await find();
    if (!row) throw new UnknownMemory(id);
    await c.query('DELETE FROM incident_memories WHERE id = $1', [row.id]);
    const seq = await appendToChain(c, MEMORY_CHAIN, [{ workflowId: null, type: FORGOTTEN_EVENT, from: null, to: null, actor: 'person', attempt: 0, at: now, data: forgottenData(row, by) }]);
    await notifyCommit(c, channel, seq, []);
    return { id: row.id, workflowId: row.workflow_id, seq };
  });
}

/** As ../sqlite/logReads.ts settledWithoutMemory: settled, no memory for the current state, never forgotten. */
export async function settledWithoutMemory(c: Sql, workspace: string | null, limit: number): Promise<string[]> {
  const res = await c.query(
    `SELECT w.id FROM workflows w
      WHERE ($1::text IS NULL OR w.workspace = $1) AND w.state IN ('COMPLETED', 'ESCALATED', 'CANCELLED')
        AND NOT EXISTS (SELECT 1 FROM incident_memories m WHERE m.workflow_id = w.id AND m.state = w.state)
        AND NOT (w.id = ANY($2::text[]))
      ORDER BY w.updated_at DESC LIMIT $3`,
    [workspace, await forgottenIds(c), limit],
  );
  return (res.rows as Array<{ id: string }>).map((r) => r.id);
}
