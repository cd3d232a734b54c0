import { MAX_ANSWER_CHARS, NUMBER_ANSWER } from '../../protocol/answers';
import type { Db } from '../db/open';
import { canonicalJson, sha256 } from './canonical';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { IllegalTransition, InvalidRequest } from './errors';
import { schedule, unschedule } from './queue';
import { commit, requireView } from './store';
import type { WorkflowView } from './view';

/**
 * What a person can do to a workflow that waits for them. Each is an event with actor "person"; those that
 * hand the workflow back to the engine also put it in the queue, in the same transaction.
 */

export interface StepRef {
  /** The step the person means; refused if the workflow waits on another one. */
  readonly stepId?: string;
  /** The hash of the input the person saw; refused if the input changed since (a stale approval). */
  readonly inputHash?: string;
}

function waitingView(db: Db, id: string, to: 'EXECUTING' | 'FAILED', ref: StepRef = {}): WorkflowView {
  const view = requireView(db, id);
  if (view.state !== 'WAITING_FOR_PERSON') throw new IllegalTransition(view.state, to);
  const w = view.waiting;
  if (ref.stepId !== undefined && w && ref.stepId !== w.stepId) {
    throw new InvalidRequest(`workflow ${id} waits on step ${w.stepId}, not ${ref.stepId}`);
  }
  if (ref.inputHash !== undefined && w?.kind === 'approval' && ref.inputHash !== w.inputHash) {
    throw new InvalidRequest(`step ${w.stepId} changed since it was shown (input hash ${w.inputHash.slice(0, 12)}, not ${ref.inputHash.slice(0, 12)}); review it again`);
  }
  return view;
}

/**
 * Approves the exact input of the waiting step (bound by its hash), or lifts a pause (kill switch, trust)
 * after the cause is gone. Questions are answered with answer(), not approved.
 */
export function approve(db: Db, id: string, by: string, clock: Clock = systemClock, ref: StepRef = {}): WorkflowView {
  const view = waitingView(db, id, 'EXECUTING', ref);
  const w = view.waiting;
  if (w?.kind === 'question') throw new InvalidRequest(`workflow ${id} waits for an answer to "${w.question}", not an approval`);
  if (w?.kind === 'approval' && w.held) {
    throw new InvalidRequest(`step ${w.stepId} is held, and an approval would not run it: ${w.policy}`);
  }
  const now = clock.now();
  const inputHash = w?.kind === 'approval' ? w.inputHash : undefined;
  return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
    { type: 'approved', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: w?.stepId ?? null, inputHash, by } },
  ]);
}

/** Replaces the waiting step's input. Nothing is approved: the engine classifies and checks policy again first. */
export function edit(db: Db, id: string, stepId: string, input: unknown, by: string, clock: Clock = systemClock): WorkflowView {
  const view = waitingView(db, id, 'EXECUTING', { stepId });
  if (view.waiting?.kind !== 'approval') throw new InvalidRequest(`workflow ${id} is not waiting for an approval; only a step waiting for approval can be edited`);
  const now = clock.now();
  return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
    { type: 'edited', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId, input, inputHash: sha256(canonicalJson(input)), by } },
  ]);
}

/** Answers the waiting ask_person step; the answer fills `{{answer:NAME}}` in later steps. */
export function answer(db: Db, id: string, value: string, by: string, clock: Clock = systemClock, ref: StepRef = {}): WorkflowView {
  const view = waitingView(db, id, 'EXECUTING', ref);
  const w = view.waiting;
  if (w?.kind !== 'question') throw new InvalidRequest(`workflow ${id} is not waiting for an answer`);
  if (value.length > MAX_ANSWER_CHARS) throw new InvalidRequest(`an answer is at most ${MAX_ANSWER_CHARS} characters`);
  // The value goes into arithmetic, where bash would run any other text as code. The panel and the Answer
  // Question box check with the same pattern before sending (protocol/answers.ts).
  if (w.expects === 'number' && !NUMBER_ANSWER.test(value)) {
    throw new InvalidRequest(`the answer to "${w.question}" must be a number (digits, an optional minus sign and decimals), not ${JSON.stringify(value.slice(0, 80))}`);
  }
  const now = clock.now();
  return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
    { type: 'answered', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: w.stepId, name: w.name, value, by } },
  ]);
}

/**
 * Rejects (declines) the step waiting for approval: it will not run, and the workflow goes on from the next step
 * with the rest of the plan as it was (edits kept); the decision at the end of the phase reads the declined step.
 * A workflow waiting for anything else is escalated with the note.
 */
export function reject(db: Db, id: string, by: string, note: string, clock: Clock = systemClock, ref: StepRef = {}): WorkflowView {
  const view = requireView(db, id);
  const now = clock.now();
  if (view.state === 'WAITING_FOR_PERSON' && view.waiting?.kind === 'approval') {
    const w = waitingView(db, id, 'EXECUTING', ref).waiting!;
    return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
      { type: 'rejected', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: w.stepId, note, by, reason: `step ${w.stepId} declined by ${by}: ${note}` } },
    ]);
  }
  return commit(db, { workflowId: id, now }, [{ type: 'escalated', to: 'ESCALATED', actor: 'person', data: { reason: `rejected by ${by}: ${note}`, by } }]);
}

/** Ticks the checklist item the workflow waits on: done or skipped, with an optional note. */
export function tick(db: Db, id: string, outcome: 'done' | 'skipped', by: string, note = '', clock: Clock = systemClock, ref: StepRef = {}): WorkflowView {
  const view = waitingView(db, id, 'EXECUTING', ref);
  const w = view.waiting;
  if (w?.kind !== 'checklist') throw new InvalidRequest(`workflow ${id} is not waiting on a checklist item`);
  if (note.length > 2000) throw new InvalidRequest('a note is at most 2000 characters');
  const now = clock.now();
  return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
    { type: 'ticked', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: w.stepId, name: w.name, outcome, note, by } },
  ]);
}

/** While the workflow waits for the alert to resolve: a person says it did ("Mark resolved"). */
export function markResolved(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  const view = requireView(db, id);
  if (view.state !== 'VALIDATING') throw new InvalidRequest(`workflow ${id} is ${view.state}, not waiting for its alert to resolve`);
  const now = clock.now();
  return commit(db, { workflowId: id, now, also: () => unschedule(db, id) }, [
    { type: 'completed', to: 'COMPLETED', actor: 'person', data: { verifiedBy: `${by}${note ? `: ${note}` : ''}`, by } },
  ]);
}

/** Escalates now, instead of waiting (for the alert to resolve, or for anything a person would otherwise do). */
export function escalateNow(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  const view = requireView(db, id);
  if (view.state !== 'VALIDATING' && view.state !== 'WAITING_FOR_PERSON') throw new IllegalTransition(view.state, 'ESCALATED');
  const now = clock.now();
  return commit(db, { workflowId: id, now, also: () => unschedule(db, id) }, [{ type: 'escalated', to: 'ESCALATED', actor: 'person', data: { reason: `escalated by ${by}: ${note}`, by } }]);
}

/** Stops a workflow that waits (for a person, for its alert) or was escalated: nothing more runs. */
export function cancel(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  const view = requireView(db, id);
  if (!['WAITING_FOR_PERSON', 'VALIDATING', 'ESCALATED', 'FAILED'].includes(view.state)) {
    throw new InvalidRequest(`workflow ${id} is ${view.state}: only a workflow that waits, failed or was escalated can be cancelled`);
  }
  const now = clock.now();
  return commit(db, { workflowId: id, now, also: () => unschedule(db, id) }, [{ type: 'cancelled', to: 'CANCELLED', actor: 'person', data: { reason: `cancelled by ${by}: ${note}`, by } }]);
}

/**
 * Runs the workflow again from one of its steps (an escalated, cancelled, completed or waiting one): steps from
 * there run afresh (a new generation of tool calls), what was declined or skipped from there on runs too.
 */
export function retry(db: Db, id: string, stepId: string, by: string, clock: Clock = systemClock): WorkflowView {
  const view = requireView(db, id);
  if (!['ESCALATED', 'CANCELLED', 'COMPLETED', 'WAITING_FOR_PERSON'].includes(view.state)) {
    throw new InvalidRequest(`workflow ${id} is ${view.state}: it can be retried once it waits, was escalated or cancelled, or completed`);
  }
  const stepIndex = view.plan?.steps.findIndex((s) => s.id === stepId) ?? -1;
  if (stepIndex < 0) throw new InvalidRequest(`workflow ${id} has no step ${stepId}`);
  const now = clock.now();
  return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [{ type: 'retried', to: 'EXECUTING', actor: 'person', data: { stepIndex, stepId, by } }]);
}

/**
 * Plans the workflow again from the runbook a person names (Use another runbook): offered when only search chose
 * it, allowed whenever the workflow waits for a person or was escalated.
 */
export function useRunbook(db: Db, id: string, runbook: string, by: string, clock: Clock = systemClock): WorkflowView {
  const view = requireView(db, id);
  if (view.state !== 'WAITING_FOR_PERSON' && view.state !== 'ESCALATED') throw new InvalidRequest(`workflow ${id} is ${view.state}: another runbook can be chosen while it waits for a person or after it escalated`);
  if (!/^[^\0]{1,1000}$/.test(runbook) || runbook.startsWith('/') || runbook.split('/').includes('..')) throw new InvalidRequest('the runbook must be a path inside the workspace');
  const now = clock.now();
  const to = view.state === 'ESCALATED' ? 'EXECUTING' : 'FAILED';
  if (to === 'EXECUTING') throw new InvalidRequest(`workflow ${id} was escalated: retry it from a step, or resolve it`);
  return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
    { type: 'runbook_chosen', to: 'FAILED', actor: 'person', data: { runbook, by, class: 'replan', reason: `${by} chose the runbook ${runbook}` } },
  ]);
}

/** Hides a settled workflow from the default lists; its events stay in the log. */
export function archive(db: Db, id: string, by: string, clock: Clock = systemClock): WorkflowView {
  const view = requireView(db, id);
  if (!['COMPLETED', 'ESCALATED', 'CANCELLED'].includes(view.state)) throw new InvalidRequest(`workflow ${id} is ${view.state}: only a settled workflow can be archived`);
  return commit(db, { workflowId: id, now: clock.now() }, [{ type: 'archived', actor: 'person', data: { by } }]);
}

/** Closes an escalated workflow after a person decided what happened (e.g. an "outcome unknown" write). */
export function resolve(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  return commit(db, { workflowId: id, now: clock.now() }, [
    { type: 'resolved', to: 'COMPLETED', actor: 'person', data: { reason: `resolved by ${by}: ${note}`, by } },
  ]);
}

/**
 * Hands a held step back to the engine without approving anything, after what held it changed (the tier):
 * the orchestrator runs classification and policy again and shows a fresh card (or runs a step now allowed).
 */
export function recheck(db: Db, id: string, why: string, now: number): WorkflowView {
  const view = waitingView(db, id, 'EXECUTING');
  return commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [
    { type: 'rechecked', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: view.waiting?.stepId ?? null, why } },
  ]);
}

/** Every workflow of `workspace` whose step is held by the tier: rechecked after the tier changed. */
export function recheckHeld(db: Db, workspace: string, why: string, now: number): number {
  const ids = db
    .prepare(`SELECT id FROM workflows WHERE workspace = ? AND state = 'WAITING_FOR_PERSON' AND json_extract(view, '$.waiting.held') = 1`)
    .all(workspace) as Array<{ id: string }>;
  for (const { id } of ids) recheck(db, id, why, now);
  return ids.length;
}
