import type { Usage, WorkflowState } from '../../protocol/workflow';
import type { AlertRequest } from './request';
import type { Budget } from './budget';
import type { Plan } from './plan';

/** The current view of one workflow: exactly what replaying its events produces. */
export interface WorkflowView {
  id: string;
  intakeKey: string | null;
  title: string;
  state: WorkflowState;
  reason: string | null;
  request: AlertRequest;
  plan: Plan | null;
  planVersion: number;
  stepIndex: number;
  /** Failed attempts of the current unit of work (planning or the current step); reset on progress. */
  attempt: number;
  /** Failures of the current unit of work by failure class (retry limits are per class). */
  failures: Record<string, number>;
  replans: number;
  usage: Usage;
  budget: Budget;
  approvedStep: number | null;
  createdAt: number;
  updatedAt: number;
}
