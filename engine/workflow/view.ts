import type { Usage, Waiting, WorkflowState } from '../../protocol/workflow';
import type { AlertRequest } from './request';
import type { Budget } from './budget';
import type { Plan } from './plan';

/** The current view of one workflow: exactly what replaying its events produces. */
export interface WorkflowView {
  id: string;
  intakeKey: string | null;
  title: string;
  /** The workspace folder whose runbooks and tools this workflow uses ('' when none). */
  workspace: string;
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
  /** A person's approval of one step of one plan version, bound to the hash of the exact input they saw. */
  approval: { stepIndex: number; planVersion: number; inputHash: string } | null;
  /** What the workflow waits for while in WAITING_FOR_PERSON; null otherwise. */
  waiting: Waiting | null;
  /** Answers to ask_person steps, by name: facts from a person, kept across re-plans. */
  answers: Record<string, string>;
  /** Inputs a person edited, by step id (cleared by a re-plan). */
  edits: Record<string, unknown>;
  /** Steps a person rejected, for re-plans. */
  rejected: Array<{ stepId: string; reason: string; by: string }>;
  /** When the workflow last entered VALIDATING (bounds the wait for a resolved notification). */
  validatingAt: number | null;
  /** When the monitoring system said the alert resolved (a resolved notification for the same alert). */
  alertResolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
