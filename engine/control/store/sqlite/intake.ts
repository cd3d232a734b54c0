import { randomUUID } from 'node:crypto';
import { describeIssues } from '../../../../protocol/define';
import type { Db } from '../../db/open';
import { Budget, DEFAULT_BUDGET } from '../../workflow/budget';
import type { Clock } from '../../workflow/clock';
import { systemClock } from '../../workflow/clock';
import { Backpressure, InvalidRequest, NothingToDo, storageError } from '../../workflow/errors';
import { queuedCount, schedule } from './queue';
import { AlertRequest } from '../../workflow/request';
import { commit, requireView } from './commit';
import type { WorkflowView } from '../../workflow/view';
import { sql } from './sql';

export interface IntakeOptions {
  readonly clock?: Clock;
  /** Bound of the queue: intake refuses with Backpressure beyond this many runnable workflows. */
  readonly maxQueued?: number;
  readonly budget?: Partial<Budget>;
  /** The workspace folder the workflow belongs to: its runbooks, its tools' working folder, its queue. */
  readonly workspace?: string;
}

export const DEFAULT_MAX_QUEUED = 10_000;

export interface IntakeResult {
  readonly workflow: WorkflowView;
  /** false when the idempotency key was seen before and the existing workflow is returned. */
  readonly created: boolean;
}

/** Validates a request and enqueues a new workflow, in one transaction (nothing is half-written). */
export function intake(db: Db, raw: unknown, options: IntakeOptions = {}): IntakeResult {
  const parsed = AlertRequest.safeParse(raw);
  if (!parsed.success) throw new InvalidRequest(`invalid request: ${describeIssues(parsed.error)}`);
  const budget = Budget.safeParse({ ...DEFAULT_BUDGET, ...options.budget });
  if (!budget.success) throw new InvalidRequest(`invalid budget: ${describeIssues(budget.error)}`);
  const request = parsed.data;
  const clock = options.clock ?? systemClock;
  const limit = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const run = db.transaction((): IntakeResult => {
    if (request.idempotencyKey !== undefined) {
      const existing = sql(db, 'SELECT id FROM workflows WHERE intake_key = ?').get(request.idempotencyKey) as { id: string } | undefined;
      if (existing && request.status === 'resolved') return { workflow: recordResolved(db, existing.id, clock.now()), created: false };
      if (existing) return { workflow: requireView(db, existing.id), created: false };
    }
    if (request.status === 'resolved') throw new NothingToDo('a resolved notification for an alert that started no workflow: nothing to do');
    const queued = queuedCount(db);
    if (queued >= limit) throw new Backpressure(queued, limit);
    const id = randomUUID();
    const now = clock.now();
    const workflow = commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
      { type: 'created', to: 'RECEIVED', data: { request, intakeKey: request.idempotencyKey ?? null, budget: budget.data, workspace: options.workspace ?? '' } },
    ]);
    return { workflow, created: true };
  });
  try {
    return run.immediate();
  } catch (error) {
    throw storageError(error);
  }
}

/** The alert resolved: recorded on its workflow; one waiting in VALIDATING for it is woken at once. */
function recordResolved(db: Db, id: string, now: number): WorkflowView {
  const view = requireView(db, id);
  if (view.alertResolvedAt !== null) return view;
  return commit(db, { workflowId: id, now, also: (v) => (v.state === 'VALIDATING' ? schedule(db, id, now) : undefined) }, [{ type: 'alert_resolved', actor: 'engine', data: {} }]);
}
