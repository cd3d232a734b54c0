// Alert in, workflow out (engine/control/store/sqlite/intake.ts semantics): validated, deduplicated by idempotency key, bounded
// by the queue, created and queued in one transaction. The intake key is UNIQUE: of two engines taking the same
// alert at once, one inserts and the other waits for it, fails on the key, and retries into the existing workflow.
import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_QUEUED } from '../sqlite/intake';
import { Backpressure, NothingToDo } from '../../workflow/errors';
import { parseIntake } from '../intakeInput';
import { CountSchema } from '../rows';
import type { CreateOptions, CreateResult, WorkflowView } from '../types';
import { commitIn, lockView } from './commit';
import { codeOf, transaction, type Pool, type Sql } from './connect';
import { view } from './reads';

export async function createWorkflow(pool: Pool, channel: string, raw: unknown, options: CreateOptions): Promise<CreateResult> {
  const { request, budget } = parseIntake(raw, options);
  const limit = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const now = options.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(pool, async (c): Promise<CreateResult> => {
        if (request.idempotencyKey !== undefined) {
          const existing = (await c.query('SELECT id FROM workflows WHERE intake_key = $1', [request.idempotencyKey])).rows[0] as { id: string } | undefined;
          if (existing && request.status === 'resolved') return { workflow: await recordResolved(c, channel, existing.id, now), created: false };
          // A plain read: nothing is written for a repeated alert, so no row lock is needed to return it.
          if (existing) return { workflow: (await view(c, existing.id))!, created: false };
        }
        if (request.status === 'resolved') throw new NothingToDo('a resolved notification for an alert that started no workflow: nothing to do');
        const queued = CountSchema.parse((await c.query('SELECT count(*) AS n FROM tasks')).rows[0]).n;
        if (queued >= limit) throw new Backpressure(queued, limit);
        const workflow = await commitIn(c, channel, {
          workflowId: randomUUID(),
          now,
          events: [{ type: 'created', to: 'RECEIVED', data: { request, intakeKey: request.idempotencyKey ?? null, budget, workspace: options.workspace ?? '' } }],
          next: { kind: 'continue' },
        });
        return { workflow, created: true };
      });
    } catch (error) {
      // Another engine created it first: this transaction rolled back; the next attempt finds theirs.
      // Bounded: the second attempt always sees the committed row (the failed insert waited for its commit).
      if (codeOf(error) === '23505' && (error as { constraint?: string }).constraint === 'workflows_intake_key_key' && attempt < 3) continue;
      throw error;
    }
  }
}

/** The alert resolved: recorded once; a workflow waiting in VALIDATING for it is queued at once. */
async function recordResolved(c: Sql, channel: string, id: string, now: number): Promise<WorkflowView> {
  const view = (await lockView(c, id))!;
  if (view.alertResolvedAt !== null) return view;
  return commitIn(c, channel, { workflowId: id, now, events: [{ type: 'alert_resolved', actor: 'engine', data: {} }], next: view.state === 'VALIDATING' ? { kind: 'continue' } : undefined });
}
