import fs from 'node:fs';
import type { Db } from '../db/open';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { decidePerson, type PersonDecision, type PersonOutcome, type StepRef } from './core/person';
import type { Next } from './core/types';
import { InvalidRequest, storageError } from './errors';
import { schedule, unschedule } from '../store/sqlite/queue';
import { commit, requireView } from '../store/sqlite/commit';
import type { WorkflowView } from './view';
import { heldIds } from '../store/sqlite/statements';
import { insideWorkspace } from '../../planning/runbook/workspace';

/**
 * What a person can do to a workflow that waits for them, on the local SQLite file. Each is an event with actor
 * "person"; the rules are the decision core's (core/person.ts decidePerson, shared with the control store's
 * commitDecision), here decided on the view read in the same immediate transaction that commits the result, so two
 * people deciding at once give one decision and the other is refused. Those that hand the workflow back to the
 * engine also put it in the queue, in that transaction.
 */

export type { PersonDecision, StepRef };

/** The task's next slot as a DurableAction's `next` says it (continue without a lease: runnable now). */
function slot(db: Db, id: string, now: number, next: Next | undefined): void {
  if (next?.kind === 'settled') unschedule(db, id);
  if (next?.kind === 'later') schedule(db, id, next.at);
  if (next?.kind === 'continue') schedule(db, id, now);
}

/**
 * Reads the view, lets the core decide and commits the outcome, all in ONE immediate transaction (SQLite's single
 * writer is the lock): a decision the core refuses (InvalidRequest, IllegalTransition) commits nothing.
 */
export function decide(db: Db, id: string, now: number, decision: PersonDecision): WorkflowView {
  if (decision.kind === 'use-runbook') requireRunbookFile(requireView(db, id).workspace, decision.runbook);
  const run = db.transaction(() => {
    const outcome: PersonOutcome = decidePerson(requireView(db, id), decision);
    return commit(db, { workflowId: id, now, also: () => slot(db, id, now, outcome.next) }, outcome.events);
  });
  try {
    return run.immediate();
  } catch (error) {
    throw storageError(error);
  }
}

/**
 * Approves the exact input of the waiting step (bound by its hash), or lifts a pause (kill switch, trust)
 * after the cause is gone. Questions are answered with answer(), not approved.
 */
export function approve(db: Db, id: string, by: string, clock: Clock = systemClock, ref: StepRef = {}): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'approve', by, ref });
}

/** Replaces the waiting step's input. Nothing is approved: the engine classifies and checks policy again first. */
export function edit(db: Db, id: string, stepId: string, input: unknown, by: string, clock: Clock = systemClock): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'edit', by, stepId, input });
}

/** Answers the waiting ask_person step; the answer fills `{{answer:NAME}}` in later steps. */
export function answer(db: Db, id: string, value: string, by: string, clock: Clock = systemClock, ref: StepRef = {}): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'answer', by, value, ref });
}

/**
 * Rejects (declines) the step waiting for approval: it will not run, and the workflow goes on from the next step
 * with the rest of the plan as it was (edits kept); the decision at the end of the phase reads the declined step.
 * A workflow waiting for anything else is escalated with the note.
 */
export function reject(db: Db, id: string, by: string, note: string, clock: Clock = systemClock, ref: StepRef = {}): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'reject', by, note, ref });
}

/** Ticks the checklist item the workflow waits on: done or skipped, with an optional note. */
export function tick(db: Db, id: string, outcome: 'done' | 'skipped', by: string, note = '', clock: Clock = systemClock, ref: StepRef = {}): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'tick', by, outcome, note, ref });
}

/** While the workflow waits for the alert to resolve: a person says it did ("Mark resolved"). */
export function markResolved(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'mark-resolved', by, note });
}

/** Escalates now, instead of waiting (for the alert to resolve, or for anything a person would otherwise do). */
export function escalateNow(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'escalate', by, note });
}

/** Stops a workflow that waits (for a person, for its alert) or was escalated: nothing more runs. */
export function cancel(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'cancel', by, note });
}

/**
 * Runs the workflow again from one of its steps (an escalated, cancelled, completed or waiting one): steps from
 * there run afresh (a new generation of tool calls), what was declined or skipped from there on runs too.
 */
export function retry(db: Db, id: string, stepId: string, by: string, clock: Clock = systemClock): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'retry', by, stepId });
}

/**
 * A runbook a person names is checked before anything is recorded: a typo would otherwise re-plan the workflow
 * into a failure. Where the workspace is not on this machine (a control store's replicas have it), their planner
 * checks it instead; it takes only a Markdown file it lists in the workspace either way.
 */
export function requireRunbookFile(workspace: string, rel: string): void {
  if (workspace === '' || !fs.existsSync(workspace)) return;
  // The planner's own containment rule (symlinks resolved); a path it would spell differently is refused too.
  if (insideWorkspace(workspace, rel) !== rel) {
    throw new InvalidRequest(`${rel} is not a Markdown file of the workspace ${workspace}: name a runbook by its path inside it`);
  }
}

/**
 * Plans the workflow again from the runbook a person names (Use another runbook): offered when only search chose
 * it, allowed whenever the workflow waits for a person (an escalated one is retried or resolved instead).
 */
export function useRunbook(db: Db, id: string, runbook: string, by: string, clock: Clock = systemClock): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'use-runbook', by, runbook });
}

/** Hides a settled workflow from the default lists; its events stay in the log. */
export function archive(db: Db, id: string, by: string, clock: Clock = systemClock): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'archive', by });
}

/** Closes an escalated workflow after a person decided what happened (e.g. an "outcome unknown" write). */
export function resolve(db: Db, id: string, by: string, note: string, clock: Clock = systemClock): WorkflowView {
  return decide(db, id, clock.now(), { kind: 'resolve', by, note });
}

/**
 * Hands a held step back to the engine without approving anything, after what held it changed (the tier):
 * the orchestrator runs classification and policy again and shows a fresh card (or runs a step now allowed).
 */
export function recheck(db: Db, id: string, why: string, now: number): WorkflowView {
  return decide(db, id, now, { kind: 'recheck', why });
}

/** Every workflow of `workspace` whose step is held by the tier: rechecked after the tier changed. */
export function recheckHeld(db: Db, workspace: string, why: string, now: number): number {
  const ids = heldIds(db, workspace);
  for (const id of ids) recheck(db, id, why, now);
  return ids.length;
}
