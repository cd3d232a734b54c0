import type { Db } from '../db/open';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { IllegalTransition } from './errors';
import { schedule } from './queue';
import { commit, requireView } from './store';
import type { WorkflowView } from './view';

/** What a person can do to a workflow that waits for them. Each is an event with actor "person". */

/** Approves the waiting step (or lifts the pause after a kill switch was turned off); the engine resumes it. */
export function approve(db: Db, id: string, by: string, clock: Clock = systemClock): WorkflowView {
  const view = requireView(db, id);
  if (view.state !== 'WAITING_FOR_PERSON') throw new IllegalTransition(view.state, 'EXECUTING');
  const now = clock.now();
  return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
    { type: 'approved', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, by } },
  ]);
}

export function reject(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  return commit(db, { workflowId: id, now: clock.now() }, [
    { type: 'escalated', to: 'ESCALATED', actor: 'person', data: { reason: `rejected by ${by}: ${note}`, by } },
  ]);
}

/** Closes an escalated workflow after a person decided what happened (e.g. an "outcome unknown" write). */
export function resolve(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  return commit(db, { workflowId: id, now: clock.now() }, [
    { type: 'resolved', to: 'COMPLETED', actor: 'person', data: { reason: `resolved by ${by}: ${note}`, by } },
  ]);
}
