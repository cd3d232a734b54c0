// Reads of the event log (`workflow_events`) and tool-call records made outside the workflow engine: the server's
// change watcher, the silence sweep and incident memory (issue #13: workflow SQL stays in the store).
import type { Db } from '../../db/open';
import { sql } from './sql';

/** Each workflow with events after `seq` (null: events of no workflow), with its newest seq. */
export function changesSince(db: Db, seq: number): Array<{ id: string | null; s: number }> {
  return sql(db, 'SELECT workflow_id AS id, max(seq) AS s FROM workflow_events WHERE seq > ? GROUP BY workflow_id').all(seq) as Array<{ id: string | null; s: number }>;
}

/** The data (JSON text) of one workflow's events of this type, in log order. */
export function eventDataOf(db: Db, workflowId: string, type: string): string[] {
  const rows = sql(db, 'SELECT data FROM workflow_events WHERE workflow_id = ? AND type = ? ORDER BY seq').all(workflowId, type) as Array<{ data: string }>;
  return rows.map((r) => r.data);
}

/** Whether the log holds an event of this type that belongs to no workflow and names this one in `data.workflowId`. */
export function hasGlobalEventAbout(db: Db, type: string, workflowId: string): boolean {
  return sql(db, `SELECT 1 FROM workflow_events WHERE workflow_id IS NULL AND type = ? AND json_extract(data, '$.workflowId') = ? LIMIT 1`).get(type, workflowId) !== undefined;
}

/**
 * Settled workflows of a workspace (null: every workspace) with no incident memory for their current state and no
 * global event of type `forgotten` naming them, most recently updated first.
 */
export function settledWithoutMemory(db: Db, workspace: string | null, forgotten: string, limit: number): string[] {
  const rows = sql(
    db,
    `SELECT w.id FROM workflows w
      WHERE (? IS NULL OR w.workspace = ?) AND w.state IN ('COMPLETED', 'ESCALATED', 'CANCELLED')
        AND NOT EXISTS (SELECT 1 FROM incident_memories m WHERE m.workflow_id = w.id AND m.state = w.state)
        AND w.id NOT IN (SELECT json_extract(e.data, '$.workflowId') FROM workflow_events e WHERE e.workflow_id IS NULL AND e.type = ? AND json_extract(e.data, '$.workflowId') IS NOT NULL)
      ORDER BY w.updated_at DESC LIMIT ?`,
  ).all(workspace, workspace, forgotten, limit) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** Completed, escalated or cancelled workflows of a workspace with a call of this tool done at or after `since`. */
export function settledWithDoneCalls(db: Db, workspace: string, tool: string, since: number): string[] {
  const rows = sql(
    db,
    `SELECT DISTINCT t.workflow_id AS id FROM tool_calls t JOIN workflows w ON w.id = t.workflow_id
       WHERE t.tool = ? AND t.status = 'done' AND t.finished_at >= ? AND w.workspace = ? AND w.state IN ('COMPLETED', 'ESCALATED', 'CANCELLED')`,
  ).all(tool, since, workspace) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}
