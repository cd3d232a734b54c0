import type { WorkflowState } from '../../../protocol/workflow';
import { IllegalTransition } from './errors';

export type { WorkflowState };

/**
 * Every legal transition, as data. The design's path is RECEIVED -> PLANNED -> EXECUTING <-> WAITING_FOR_TOOL ->
 * VALIDATING -> COMPLETED | ESCALATED, with EXECUTING -> FAILED -> PLANNED for re-planning and ESCALATED ->
 * COMPLETED when a person resolves it. WAITING_FOR_PERSON is added for approvals and kill switches.
 */
export const TRANSITIONS: Readonly<Record<WorkflowState, readonly WorkflowState[]>> = {
  RECEIVED: ['PLANNED', 'ESCALATED'],
  PLANNED: ['EXECUTING', 'ESCALATED'],
  EXECUTING: ['WAITING_FOR_TOOL', 'VALIDATING', 'FAILED', 'WAITING_FOR_PERSON', 'ESCALATED'],
  WAITING_FOR_TOOL: ['EXECUTING', 'FAILED', 'ESCALATED'],
  // -> COMPLETED/ESCALATED also by a person: "Mark resolved" / "Escalate now" while it waits for the alert to resolve.
  VALIDATING: ['COMPLETED', 'FAILED', 'ESCALATED', 'CANCELLED'],
  FAILED: ['PLANNED', 'ESCALATED', 'CANCELLED'],
  // -> FAILED: an older engine re-planned after a rejection; a rejection now goes on from the next step (EXECUTING).
  WAITING_FOR_PERSON: ['EXECUTING', 'FAILED', 'ESCALATED', 'CANCELLED'],
  // -> EXECUTING: a person retries from a step.
  ESCALATED: ['COMPLETED', 'EXECUTING', 'CANCELLED'],
  COMPLETED: ['EXECUTING'],
  CANCELLED: ['EXECUTING'],
};

/** States the engine never advances by itself. */
export const SETTLED_STATES: readonly WorkflowState[] = ['COMPLETED', 'ESCALATED', 'WAITING_FOR_PERSON', 'CANCELLED'];

export function isSettled(state: WorkflowState): boolean {
  return SETTLED_STATES.includes(state);
}

export function canTransition(from: WorkflowState, to: WorkflowState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: WorkflowState, to: WorkflowState): void {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
}
