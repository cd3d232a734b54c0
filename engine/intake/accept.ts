import type { Db } from '../db/open';
import { normalizeAlerts, InvalidAlert } from '../alert';
import { Backpressure, InvalidRequest, NothingToDo, StorageProblem } from '../workflow/errors';
import { intake } from '../workflow/intake';
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
  } catch (error) {
    throw toHttp(error, options.retryAfterSeconds ?? 5);
  }
  return result;
}

function toHttp(error: unknown, retryAfter: number): unknown {
  if (error instanceof Backpressure) return new HttpError(429, error.message, { 'Retry-After': String(retryAfter) });
  if (error instanceof InvalidRequest) return new HttpError(400, error.message);
  if (error instanceof StorageProblem && error.kind === 'locked') return new HttpError(503, error.message, { 'Retry-After': String(retryAfter) });
  return error;
}
