// Statements on the queue, breakers, kill switches and held workflows, shared by the SQLite adapter and the
// embedded Orchestrator (its release and finish, recovery's queries, breaker rows, the CLI's kill-switch listing).
import type { Db } from '../../db/open';
import { appendEvent } from './eventLog';
import { sql } from './sql';
import { SETTLED_SQL } from '../sqlText';
import type { Lease } from './queue';
import { breakerEventData, breakerStateOf, closedRow } from '../breakerRules';
import type { BreakerState } from '../../../../protocol/workflow';
import { BreakerRowSchema, KillSwitchRowSchema } from '../rows';
import type { BreakerRow, KillSwitchRow, RecoveryCandidates } from '../types';

export function releaseTask(db: Db, lease: Lease, at: number): boolean {
  return (
    sql(db, 'UPDATE tasks SET available_at = ?, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE workflow_id = ? AND lease_token = ?').run(at, lease.workflowId, lease.token)
      .changes === 1
  );
}

export function finishTask(db: Db, lease: Lease): boolean {
  return sql(db, 'DELETE FROM tasks WHERE workflow_id = ? AND lease_token = ?').run(lease.workflowId, lease.token).changes === 1;
}

export function recoveryCandidates(db: Db, now: number, queue?: string): RecoveryCandidates {
  const orphans = sql(db, `SELECT id FROM workflows WHERE state NOT IN (${SETTLED_SQL}) AND id NOT IN (SELECT workflow_id FROM tasks) ORDER BY id`).all() as Array<{ id: string }>;
  const unsettled = (sql(db, `SELECT count(*) AS n FROM workflows WHERE state NOT IN (${SETTLED_SQL})`).get() as { n: number }).n;
  const interrupted = sql(
    db,
    `SELECT w.id FROM tasks t CROSS JOIN workflows w ON w.id = t.workflow_id
     WHERE w.state = 'WAITING_FOR_TOOL' AND (t.lease_expires_at IS NULL OR t.lease_expires_at <= ?) AND (? IS NULL OR t.queue = ?) ORDER BY w.id`,
  ).all(now, queue ?? null, queue ?? null) as Array<{ id: string }>;
  return { orphans: orphans.map((r) => r.id), interrupted: interrupted.map((r) => r.id), unsettled };
}

export function leasesHeld(db: Db): number {
  return (sql(db, 'SELECT count(*) AS n FROM tasks WHERE lease_owner IS NOT NULL').get() as { n: number }).n;
}

export function killSwitchRows(db: Db): KillSwitchRow[] {
  return (sql(db, 'SELECT name, engaged, changed_by, changed_at, reason FROM kill_switches ORDER BY name').all() as unknown[]).map((r) => KillSwitchRowSchema.parse(r));
}

export function breakerRows(db: Db): BreakerRow[] {
  return (sql(db, 'SELECT name, state, consecutive_failures, opened_at, probe_started_at FROM breakers ORDER BY name').all() as unknown[]).map((r) => BreakerRowSchema.parse(r));
}

export function listBreakers(db: Db): BreakerState[] {
  return breakerRows(db).map(breakerStateOf);
}

export function breakerRow(db: Db, name: string): BreakerRow {
  const row = sql(db, 'SELECT name, state, consecutive_failures, opened_at, probe_started_at FROM breakers WHERE name = ?').get(name);
  return row === undefined ? closedRow(name) : BreakerRowSchema.parse(row);
}

/** breaker.ts's save(): the row, and an event in the chained log when the state changed (inside the caller's transaction). */
export function saveBreaker(db: Db, before: BreakerRow, after: BreakerRow, now: number): void {
  sql(
    db,
    `INSERT INTO breakers (name, state, consecutive_failures, opened_at, probe_started_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET state = excluded.state, consecutive_failures = excluded.consecutive_failures,
     opened_at = excluded.opened_at, probe_started_at = excluded.probe_started_at`,
  ).run(after.name, after.state, after.consecutiveFailures, after.openedAt, after.probeStartedAt);
  if (after.state !== before.state) {
    appendEvent(db, { workflowId: null, type: 'breaker', from: null, to: null, actor: 'engine', attempt: 0, at: now, data: breakerEventData(before, after) });
  }
}

export function heldIds(db: Db, workspace: string): string[] {
  const rows = sql(db, `SELECT id FROM workflows WHERE workspace = ? AND state = 'WAITING_FOR_PERSON' AND json_extract(view, '$.waiting.held') = 1`).all(workspace) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}
