import type { Db } from '../db/open';
import { normalizeAlerts, InvalidAlert } from '../alert';
import { Backpressure, InvalidRequest, NothingToDo, StorageProblem } from '../workflow/errors';
import { DEFAULT_MAX_QUEUED, intake } from '../store/sqlite/intake';
import { queuedCount } from '../store/sqlite/queue';
import { AlertRequest } from '../workflow/request';
import { intakeKeyKnown } from '../store/sqlite/reads';
import { HttpError } from './errors';

export interface AcceptOptions {
  readonly db: Db;
  /** The workspace whose queue the workflows join (its runbooks, its tools' folder). */
  readonly workspace: string;
  /** Queue bound: beyond it intake answers 429. */
  readonly maxQueued?: number;
  /** Seconds a refused sender is told to wait (Retry-After). */
  readonly retryAfterSeconds?: number;
  readonly source?: string;
  /**
   * While another connection holds the write lock, try again every millisecond for up to this long (default 0:
   * the connection's own busy timeout decides). SQLite's busy handler backs off to 100 ms sleeps, so beside a
   * connection that commits all the time (the workflow workers) a second writer can wait far longer than it
   * needs to. Only for a thread of its own (the intake thread): the wait blocks the thread.
   */
  readonly lockRetryMs?: number;
}

export interface AcceptResult {
  /** New workflows started by this request. */
  accepted: number;
  /** The workflow of every firing or recorded-resolved alert, in payload order. */
  workflows: string[];
  /** Firing alerts that already had a workflow (a re-send). */
  duplicates: number;
  /** Resolved notifications recorded on their workflow. */
  resolved: number;
  /** Resolved notifications for alerts that started no workflow. */
  ignored: number;
}

/**
 * A parsed payload -> workflows, only through intake(): nothing here plans or runs. One transaction for the
 * whole payload, so a 4xx or a 429 leaves the database as it was and a retry of the same payload is safe.
 */
export function acceptAlerts(payload: unknown, options: AcceptOptions): AcceptResult {
  let alerts;
  try {
    alerts = normalizeAlerts(payload, options.source);
  } catch (error) {
    if (error instanceof InvalidAlert) throw new HttpError(400, error.message);
    throw error;
  }
  const { db } = options;
  const retryAfter = options.retryAfterSeconds ?? 5;
  // A full queue refuses a payload with a new alert without waiting for the write lock (reads never wait in WAL).
  const full = fullQueue(db, alerts, options.maxQueued ?? DEFAULT_MAX_QUEUED);
  if (full) throw toHttp(full, retryAfter);
  const deadline = Date.now() + (options.lockRetryMs ?? 0);
  for (;;) {
    const result: AcceptResult = { accepted: 0, workflows: [], duplicates: 0, resolved: 0, ignored: 0 };
    try {
      db.transaction(() => {
        for (const alert of alerts) {
          try {
            // Nested in this transaction, intake's own becomes a savepoint.
            const { workflow, created } = intake(db, alert, { workspace: options.workspace, maxQueued: options.maxQueued });
            result.workflows.push(workflow.id);
            if (created) result.accepted++;
            else if (alert.status === 'resolved') result.resolved++;
            else result.duplicates++;
          } catch (error) {
            if (!(error instanceof NothingToDo)) throw error;
            result.ignored++;
          }
        }
      }).immediate();
      return result;
    } catch (error) {
      if (isLocked(error) && Date.now() < deadline) {
        Atomics.wait(PAUSE, 0, 0, 1);
        continue;
      }
      throw toHttp(error, retryAfter);
    }
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function isLocked(error: unknown): boolean {
  if (error instanceof StorageProblem) return error.kind === 'locked';
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/**
 * The Backpressure the transaction would end in, found with reads only: the queue is full and the payload holds
 * a firing alert with no workflow yet (the transaction reaches it, refuses, and rolls back the whole payload).
 * Null when the transaction must decide (an invalid alert is reported first, re-sends and resolved ones pass).
 */
function fullQueue(db: Db, alerts: readonly unknown[], limit: number): Backpressure | null {
  const queued = queuedCount(db);
  if (queued < limit) return null;
  for (const raw of alerts) {
    const parsed = AlertRequest.safeParse(raw);
    if (!parsed.success) return null;
    const a = parsed.data;
    const exists = a.idempotencyKey !== undefined && intakeKeyKnown(db, a.idempotencyKey);
    if (a.status === 'firing' && !exists) return new Backpressure(queued, limit);
  }
  return null;
}

function toHttp(error: unknown, retryAfter: number): unknown {
  if (error instanceof Backpressure) return new HttpError(429, error.message, { 'Retry-After': String(retryAfter) });
  if (error instanceof InvalidRequest) return new HttpError(400, error.message);
  if (error instanceof StorageProblem && error.kind === 'locked') return new HttpError(503, error.message, { 'Retry-After': String(retryAfter) });
  return error;
}
