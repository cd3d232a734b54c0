// Reads of the `workflows` table that the editor, the CLI, the MCP tools, intake and OTLP shipping make, kept here so
// no SQL on workflow tables lives outside the store (issue #13). Each keeps the SQL its caller ran, ordering and limits
// included.
import type { Db } from '../../db/open';
import { sql } from './sql';

/**
 * Not hidden by an archive. Only a settled workflow stays hidden: one retried after it was archived runs again, and
 * shows until it settles.
 */
const NOT_ARCHIVED = "NOT (coalesce(json_extract(view, '$.archived'), 0) = 1 AND state IN ('COMPLETED', 'ESCALATED', 'CANCELLED'))";

const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Ids of a workspace's workflows, most recently updated first. */
export function recentlyUpdatedIds(db: Db, workspace: string, limit: number): string[] {
  const rows = sql(db, 'SELECT id FROM workflows WHERE workspace = ? ORDER BY updated_at DESC LIMIT ?').all(workspace, limit) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** Ids of every workspace's workflows, newest first; archived ones only when asked for. */
export function newestIds(db: Db, options: { readonly archived: boolean; readonly limit: number }): string[] {
  const rows = db
    .prepare(`SELECT id FROM workflows ${options.archived ? '' : `WHERE ${NOT_ARCHIVED} `}ORDER BY created_at DESC LIMIT ?`)
    .all(options.limit) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** Stored views (JSON text), newest first, of one state if given; archived ones only when asked for. */
export function newestViewTexts(db: Db, options: { readonly state?: string; readonly archived: boolean; readonly limit: number }): string[] {
  const where = [options.state ? 'state = ?' : '', options.archived ? '' : NOT_ARCHIVED].filter(Boolean);
  const rows = db
    .prepare(`SELECT view FROM workflows ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`)
    .all(...(options.state ? [options.state] : []), options.limit) as Array<{ view: string }>;
  return rows.map((r) => r.view);
}

/** A workspace's workflows as MCP lists them: id, title and state, newest first. */
export function newestHeads(db: Db, workspace: string, limit: number): Array<{ id: string; title: string; state: string }> {
  return db.prepare('SELECT id, title, state FROM workflows WHERE workspace = ? ORDER BY created_at DESC, id LIMIT ?').all(workspace, limit) as Array<{
    id: string;
    title: string;
    state: string;
  }>;
}

/** Ids of the workflows of these workspaces that wait for a person or were escalated, most recently updated first. */
export function needingPersonIds(db: Db, workspaces: readonly string[], limit: number): string[] {
  const rows = db
    .prepare(`SELECT id FROM workflows WHERE state IN ('WAITING_FOR_PERSON', 'ESCALATED') AND workspace IN (${inList(workspaces.length)}) ORDER BY updated_at DESC, id LIMIT ?`)
    .all(...workspaces, limit) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** How many workflows of these workspaces wait for an approval. */
export function waitingApprovalCount(db: Db, workspaces: readonly string[]): number {
  const row = db
    .prepare(`SELECT count(*) AS n FROM workflows WHERE state = 'WAITING_FOR_PERSON' AND json_extract(view, '$.waiting.kind') = 'approval' AND workspace IN (${inList(workspaces.length)})`)
    .get(...workspaces) as { n: number };
  return row.n;
}

/** Every workflow paused only because its workspace was not trusted, with its workspace. */
export function trustWaits(db: Db): Array<{ id: string; workspace: string }> {
  return db
    .prepare(`SELECT id, workspace FROM workflows WHERE state = 'WAITING_FOR_PERSON' AND json_extract(view, '$.waiting.kind') = 'trust'`)
    .all() as Array<{ id: string; workspace: string }>;
}

/** A workflow's state and how many events its log holds; undefined when there is no such workflow. */
export function stateAndEventCount(db: Db, id: string): { state: string; n: number } | undefined {
  return db.prepare('SELECT state, (SELECT count(*) FROM workflow_events WHERE workflow_id = ?) AS n FROM workflows WHERE id = ?').get(id, id) as
    | { state: string; n: number }
    | undefined;
}

/** Whether a workflow was already started for this intake (idempotency) key. */
export function intakeKeyKnown(db: Db, key: string): boolean {
  return sql(db, 'SELECT 1 FROM workflows WHERE intake_key = ?').get(key) !== undefined;
}
