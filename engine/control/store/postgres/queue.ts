// The queue on Postgres: a lease is one UPDATE of the oldest ready task picked with FOR UPDATE SKIP LOCKED, so
// many workers on many engines lease at once without waiting on each other or taking the same task twice.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Lease } from '../sqlite/queue';
import { SETTLED_SQL } from '../sqlText';
import { CountSchema, LeaseRowSchema, MaybeTimeSchema } from '../rows';
import type { RecoveryCandidates } from '../types';
import type { Pool } from './connect';

const READY = 'available_at <= $1 AND (lease_expires_at IS NULL OR lease_expires_at <= $1)';

export async function lease(pool: Pool, owner: string, now: number, visibilityMs: number, queue?: string): Promise<Lease | null> {
  const token = randomUUID();
  const pick = queue === undefined ? `WHERE ${READY}` : `WHERE queue = $5 AND ${READY}`;
  const res = await pool.query(
    `WITH next AS (SELECT workflow_id FROM tasks ${pick} ORDER BY available_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     UPDATE tasks t SET lease_owner = $2, lease_token = $3, lease_expires_at = $4, deliveries = t.deliveries + 1
     FROM next WHERE t.workflow_id = next.workflow_id RETURNING t.workflow_id, t.deliveries`,
    queue === undefined ? [now, owner, token, now + visibilityMs] : [now, owner, token, now + visibilityMs, queue],
  );
  if (res.rows.length === 0) return null;
  const row = LeaseRowSchema.parse(res.rows[0]);
  return { workflowId: row.workflow_id, token, deliveries: row.deliveries };
}

export async function extendLease(pool: Pool, l: Lease, until: number): Promise<boolean> {
  return (await pool.query('UPDATE tasks SET lease_expires_at = $1 WHERE workflow_id = $2 AND lease_token = $3', [until, l.workflowId, l.token])).rowCount === 1;
}

export async function release(pool: Pool, l: Lease, at: number): Promise<boolean> {
  const res = await pool.query('UPDATE tasks SET available_at = $1, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE workflow_id = $2 AND lease_token = $3', [
    at,
    l.workflowId,
    l.token,
  ]);
  return res.rowCount === 1;
}

export async function finish(pool: Pool, l: Lease): Promise<boolean> {
  return (await pool.query('DELETE FROM tasks WHERE workflow_id = $1 AND lease_token = $2', [l.workflowId, l.token])).rowCount === 1;
}

export async function releaseOwner(pool: Pool, owner: string): Promise<number> {
  return (await pool.query('UPDATE tasks SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE lease_owner = $1', [owner])).rowCount ?? 0;
}

/** Leases of engines on this host whose process is gone (owner "host/pid/random"); other hosts' wait for their timeout. */
export async function reclaimDeadOwners(pool: Pool, isAlive: (pid: number) => boolean): Promise<number> {
  const owners = (await pool.query('SELECT DISTINCT lease_owner FROM tasks WHERE lease_owner IS NOT NULL')).rows as Array<{ lease_owner: string }>;
  const host = os.hostname();
  const dead = owners.map((r) => r.lease_owner).filter((o) => {
    const [h, pid] = o.split('/');
    return h === host && !isAlive(Number(pid));
  });
  if (dead.length === 0) return 0;
  return (await pool.query('UPDATE tasks SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE lease_owner = ANY($1::text[])', [dead])).rowCount ?? 0;
}

export async function nextReadyAt(pool: Pool, queue?: string): Promise<number | null> {
  const t = 'SELECT min(greatest(available_at, coalesce(lease_expires_at, 0))) AS t FROM tasks';
  const res = queue === undefined ? await pool.query(t) : await pool.query(`${t} WHERE queue = $1`, [queue]);
  return MaybeTimeSchema.parse(res.rows[0]).t;
}

export async function count(pool: Pool, what: 'queued' | 'leased'): Promise<number> {
  const res = await pool.query(`SELECT count(*) AS n FROM tasks${what === 'leased' ? ' WHERE lease_owner IS NOT NULL' : ''}`);
  return CountSchema.parse(res.rows[0]).n;
}

export async function recoveryCandidates(pool: Pool, now: number, queue?: string): Promise<RecoveryCandidates> {
  const orphans = await pool.query(`SELECT id FROM workflows w WHERE state NOT IN (${SETTLED_SQL}) AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.workflow_id = w.id) ORDER BY id`);
  const unsettled = CountSchema.parse((await pool.query(`SELECT count(*) AS n FROM workflows WHERE state NOT IN (${SETTLED_SQL})`)).rows[0]).n;
  const interrupted = await pool.query(
    `SELECT w.id FROM tasks t JOIN workflows w ON w.id = t.workflow_id
     WHERE w.state = 'WAITING_FOR_TOOL' AND (t.lease_expires_at IS NULL OR t.lease_expires_at <= $1) AND ($2::text IS NULL OR t.queue = $2) ORDER BY w.id`,
    [now, queue ?? null],
  );
  const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);
  return { orphans: ids(orphans.rows), interrupted: ids(interrupted.rows), unsettled };
}
