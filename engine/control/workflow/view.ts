import type { Usage, Waiting, WorkflowState } from '../../../protocol/workflow';
import type { AlertRequest } from './request';
import type { Budget } from './budget';
import type { Plan } from './plan';

/** One verification check against its step's output, in words a person reads ("logs/: 1 < 10 ✓"). */
export interface VerificationOutcome {
  readonly stepId: string;
  readonly passed: boolean;
  readonly text: string;
  /** The tool call whose output was checked. */
  readonly toolCallId: string | null;
}

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
  /** Steps that will not run, by id: declined by a person, or skipped by a decision with the evidence for it. */
  skipped: Record<string, { reason: string; by: string; evidence: string[] }>;
  /** Decisions taken at phase ends (where the plan stood, the phase that ended, who decided). */
  decisions: Array<{ stepIndex: number; phase: string; by: string }>;
  /** Bumped by each retry, so a retried step runs again instead of replaying its stored result. */
  generation: number;
  /** Hidden from the default lists (settled workflows only). */
  archived: boolean;
  /** Waiting in VALIDATING for the alert's resolved notification, until this time. */
  awaitingResolution: { until: number } | null;
  /** What the verification checks found, once validated. */
  verification: VerificationOutcome[] | null;
  /** The runbook a person chose instead of the planner's (Use another runbook). */
  chosenRunbook?: string;
  /** A model's draft of the incident summary (engine/planning/observe/draftSummary.ts), when one drafted it. */
  summaryDraft?: unknown;
  /** When the workflow last entered VALIDATING (bounds the wait for a resolved notification). */
  validatingAt: number | null;
  /** When the monitoring system said the alert resolved (a resolved notification for the same alert). */
  alertResolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
