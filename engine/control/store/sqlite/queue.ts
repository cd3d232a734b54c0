import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Db } from '../../db/open';
import { storageError } from '../../workflow/errors';
import { sql } from './sql';
import { pidAlive } from '../pid';

export interface Lease {
  readonly workflowId: string;
  readonly token: string;
  readonly deliveries: number;
}

/** Makes the workflow runnable at `at` and drops any lease (inside the caller's transaction). */
export function schedule(db: Db, workflowId: string, at: number): void {
  sql(db, 
    `INSERT INTO tasks (workflow_id, available_at, queue) VALUES (?, ?, coalesce((SELECT workspace FROM workflows WHERE id = ?), ''))
     ON CONFLICT (workflow_id) DO UPDATE SET available_at = excluded.available_at, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL`,
  ).run(workflowId, at, workflowId);
}

export function unschedule(db: Db, workflowId: string): void {
  sql(db, 'DELETE FROM tasks WHERE workflow_id = ?').run(workflowId);
}

/**
 * Leases the oldest ready task for `visibilityMs`. A task whose lease expired (its worker hung or died) is
 * ready again: that is redelivery.
 */
/** `queue`: only tasks of that workspace's workflows (an engine serving one workspace); all when undefined. */
export function leaseNext(db: Db, owner: string, now: number, visibilityMs: number, queue?: string): Lease | null {
  try {
    return db
      .transaction(() => {
        const ready = 'available_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at <= ?)';
        const row = (
          queue === undefined
            ? sql(db, `SELECT workflow_id, deliveries FROM tasks WHERE ${ready} ORDER BY available_at LIMIT 1`).get(now, now)
            : sql(db, `SELECT workflow_id, deliveries FROM tasks WHERE queue = ? AND ${ready} ORDER BY available_at LIMIT 1`).get(queue, now, now)
        ) as { workflow_id: string; deliveries: number } | undefined;
        if (!row) return null;
        const token = randomUUID();
        sql(db, 'UPDATE tasks SET lease_owner = ?, lease_token = ?, lease_expires_at = ?, deliveries = deliveries + 1 WHERE workflow_id = ?').run(
          owner,
          token,
          now + visibilityMs,
          row.workflow_id,
        );
        return { workflowId: row.workflow_id, token, deliveries: row.deliveries + 1 };
      })
      .immediate();
  } catch (error) {
    throw storageError(error);
  }
}

/** Keeps a lease alive while a long tool call runs; false when the lease was lost. */
export function extendLease(db: Db, lease: Lease, until: number): boolean {
  return sql(db, 'UPDATE tasks SET lease_expires_at = ? WHERE workflow_id = ? AND lease_token = ?').run(until, lease.workflowId, lease.token).changes === 1;
}

export function queuedCount(db: Db): number {
  return (sql(db, 'SELECT count(*) AS n FROM tasks').get() as { n: number }).n;
}

/** When the next task becomes ready (a scheduled retry or an expiring lease), or null for an empty queue. */
export function nextReadyAt(db: Db, queue?: string): number | null {
  const t = 'min(max(available_at, coalesce(lease_expires_at, 0))) AS t FROM tasks';
  const row = (queue === undefined ? sql(db, `SELECT ${t}`).get() : sql(db, `SELECT ${t} WHERE queue = ?`).get(queue)) as { t: number | null };
  return row.t;
}

/**
 * Frees leases held by engine processes on this host that no longer exist, so a restart resumes at once
 * instead of waiting for the visibility timeout. Leases of other hosts wait for their timeout.
 */
export function reclaimDeadLeases(db: Db, isAlive: (pid: number) => boolean = pidAlive): number {
  const host = os.hostname();
  const rows = sql(db, 'SELECT workflow_id, lease_owner FROM tasks WHERE lease_owner IS NOT NULL').all() as Array<{ workflow_id: string; lease_owner: string }>;
  const dead = rows.filter((r) => {
    const [h, pid] = r.lease_owner.split('/');
    return h === host && !isAlive(Number(pid));
  });
  const free = sql(db, 'UPDATE tasks SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE workflow_id = ? AND lease_owner = ?');
  db.transaction(() => {
    for (const r of dead) free.run(r.workflow_id, r.lease_owner);
  }).immediate();
  return dead.length;
}


/**
 * Frees every lease `owner` still holds, so another engine resumes those workflows at once instead of after
 * the visibility timeout. Only for an owner whose workers have stopped (Orchestrator.stop() calls it).
 */
export function releaseOwnerLeases(db: Db, owner: string): number {
  return sql(db, 'UPDATE tasks SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE lease_owner = ?').run(owner).changes;
}

export function leasesHeld(db: Db): number {
  return (sql(db, 'SELECT count(*) AS n FROM tasks WHERE lease_owner IS NOT NULL').get() as { n: number }).n;
}
