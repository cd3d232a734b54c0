// `serve --store`: a parsed payload -> workflows through the control store's intake (ControlStore.createWorkflow),
// which deduplicates by idempotency key across every replica on the same database (the key is UNIQUE there).
// Differences from acceptAlerts (SQLite): each alert is its own transaction, so a 429 in the middle of a group
// keeps the alerts before it; Alertmanager's retry of the group is still safe, since those are then re-sends.
import { InvalidAlert, normalizeAlerts } from '../alert';
import type { ControlStore } from '../store/types';
import { parseIntake } from '../store/intakeInput';
import { Backpressure, InvalidRequest, NothingToDo, StorageProblem } from '../workflow/errors';
import type { AcceptResult } from './accept';
import { HttpError } from './errors';

export interface StoreAcceptOptions {
  readonly store: ControlStore;
  readonly workspace: string;
  readonly maxQueued?: number;
  readonly retryAfterSeconds?: number;
  readonly source?: string;
}

export async function acceptAlertsInStore(payload: unknown, options: StoreAcceptOptions): Promise<AcceptResult> {
  let alerts;
  try {
    alerts = normalizeAlerts(payload, options.source);
  } catch (error) {
    if (error instanceof InvalidAlert) throw new HttpError(400, error.message);
    throw error;
  }
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const now = Date.now();
  const create = { now, workspace: options.workspace, maxQueued: options.maxQueued };
  // Every alert is checked before any is stored: a 400 leaves the database as it was.
  try {
    for (const alert of alerts) parseIntake(alert, create);
  } catch (error) {
    if (error instanceof InvalidRequest) throw new HttpError(400, error.message);
    throw error;
  }
  const result: AcceptResult = { accepted: 0, workflows: [], duplicates: 0, resolved: 0, ignored: 0 };
  for (const alert of alerts) {
    try {
      const { workflow, created } = await options.store.createWorkflow(alert, create);
      result.workflows.push(workflow.id);
      if (created) result.accepted++;
      else if (alert.status === 'resolved') result.resolved++;
      else result.duplicates++;
    } catch (error) {
      if (error instanceof NothingToDo) {
        result.ignored++;
        continue;
      }
      if (error instanceof Backpressure) throw new HttpError(429, error.message, { 'Retry-After': retryAfter });
      if (error instanceof InvalidRequest) throw new HttpError(400, error.message);
      if (error instanceof StorageProblem || unreachable(error)) {
        throw new HttpError(503, `the control store cannot take the alert now (${(error as Error).message}); nothing more of this request was stored`, { 'Retry-After': retryAfter });
      }
      throw error;
    }
  }
  return result;
}

/** A connection that could not be made or broke (the database is down or restarting): the sender retries. */
function unreachable(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(code) || /Connection terminated/i.test((error as Error).message ?? '');
}

/** GET /healthz from the store: every replica answers for the whole team's queue. */
export async function storeHealth(store: ControlStore): Promise<{ queued: number; workflows: Record<string, number> }> {
  const [queued, workflows] = await Promise.all([store.queued(), store.countByState()]);
  return { queued, workflows: workflows as Record<string, number> };
}
