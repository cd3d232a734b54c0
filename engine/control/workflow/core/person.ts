// A person's decisions, as the decision core sees them: given the workflow's view (as it is NOW, read under the
// lock of the transaction that commits the result) and what the person decided, which events to commit and what
// happens to the task. Pure like the rest of the core: no database, no clock. Both ways of storing workflows use
// it: engine/control/workflow/person.ts on the local SQLite file and ControlStore.decide() (engine/control/store) on the shared
// database, so the rules (approvals bound to the input's hash, "the workflow really waits on that step", which
// states may be cancelled or retried, ...) exist once.
import { MAX_ANSWER_CHARS, NUMBER_ANSWER } from '../../../../protocol/answers';
import { canonicalJson, sha256 } from '../canonical';
import { IllegalTransition, InvalidRequest } from '../errors';
import type { EventDraft } from '../reducer';
import type { WorkflowView } from '../view';
import type { Next } from './types';

export interface StepRef {
  /** The step the person means; refused if the workflow waits on another one. */
  readonly stepId?: string;
  /** The hash of the input the person saw; refused if the input changed since (a stale approval). */
  readonly inputHash?: string;
}

/** What a person can decide about a workflow. `by` is who decided, as the log records it. */
export type PersonDecision =
  | { readonly kind: 'approve'; readonly by: string; readonly ref?: StepRef }
  | { readonly kind: 'edit'; readonly by: string; readonly stepId: string; readonly input: unknown }
  | { readonly kind: 'answer'; readonly by: string; readonly value: string; readonly ref?: StepRef }
  | { readonly kind: 'reject'; readonly by: string; readonly note: string; readonly ref?: StepRef }
  | { readonly kind: 'tick'; readonly by: string; readonly outcome: 'done' | 'skipped'; readonly note: string; readonly ref?: StepRef }
  | { readonly kind: 'mark-resolved'; readonly by: string; readonly note: string }
  | { readonly kind: 'escalate'; readonly by: string; readonly note: string }
  | { readonly kind: 'cancel'; readonly by: string; readonly note: string }
  | { readonly kind: 'retry'; readonly by: string; readonly stepId: string }
  | { readonly kind: 'use-runbook'; readonly by: string; readonly runbook: string }
  | { readonly kind: 'archive'; readonly by: string }
  | { readonly kind: 'resolve'; readonly by: string; readonly note: string }
  /** Not a person's own choice: a step the tier held goes back to the engine after the tier changed. */
  | { readonly kind: 'recheck'; readonly why: string };

/**
 * What one decision commits. `next` as in a DurableAction: `continue` hands the workflow back to the engine (it
 * is queued, runnable now, any lease dropped), `settled` takes it off the queue, omitted leaves the task as it is.
 */
export interface PersonOutcome {
  readonly events: readonly EventDraft[];
  readonly next?: Next;
}

const queued = { kind: 'continue' } as const;
const offQueue = { kind: 'settled' } as const;

/** The view, checked to wait for a person on the step (and exact input) the person means. */
function waiting(view: WorkflowView, to: 'EXECUTING' | 'ESCALATED', ref: StepRef = {}): NonNullable<WorkflowView['waiting']> | null {
  if (view.state !== 'WAITING_FOR_PERSON') throw new IllegalTransition(view.state, to);
  const w = view.waiting;
  if (ref.stepId !== undefined && w && ref.stepId !== w.stepId) {
    throw new InvalidRequest(`workflow ${view.id} waits on step ${w.stepId}, not ${ref.stepId}`);
  }
  if (ref.inputHash !== undefined && w?.kind === 'approval' && ref.inputHash !== w.inputHash) {
    throw new InvalidRequest(`step ${w.stepId} changed since it was shown (input hash ${w.inputHash.slice(0, 12)}, not ${ref.inputHash.slice(0, 12)}); review it again`);
  }
  return w;
}

/** Decides; throws InvalidRequest or IllegalTransition (and nothing is to be committed) when the decision does not apply to the workflow as it is. */
export function decidePerson(view: WorkflowView, d: PersonDecision): PersonOutcome {
  const id = view.id;
  switch (d.kind) {
    case 'approve': {
      // Approves the exact input of the waiting step (bound by its hash), or lifts a pause (kill switch, trust)
      // after the cause is gone. Questions are answered, not approved.
      const w = waiting(view, 'EXECUTING', d.ref);
      if (w?.kind === 'question') throw new InvalidRequest(`workflow ${id} waits for an answer to "${w.question}", not an approval`);
      if (w?.kind === 'approval' && w.held) throw new InvalidRequest(`step ${w.stepId} is held, and an approval would not run it: ${w.policy}`);
      const inputHash = w?.kind === 'approval' ? w.inputHash : undefined;
      return { events: [{ type: 'approved', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: w?.stepId ?? null, inputHash, by: d.by } }], next: queued };
    }
    case 'edit': {
      // Nothing is approved: the engine classifies the new input and checks policy again first.
      waiting(view, 'EXECUTING', { stepId: d.stepId });
      if (view.waiting?.kind !== 'approval') throw new InvalidRequest(`workflow ${id} is not waiting for an approval; only a step waiting for approval can be edited`);
      return {
        events: [{ type: 'edited', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: d.stepId, input: d.input, inputHash: sha256(canonicalJson(d.input)), by: d.by } }],
        next: queued,
      };
    }
    case 'answer': {
      const w = waiting(view, 'EXECUTING', d.ref);
      if (w?.kind !== 'question') throw new InvalidRequest(`workflow ${id} is not waiting for an answer`);
      if (d.value.length > MAX_ANSWER_CHARS) throw new InvalidRequest(`an answer is at most ${MAX_ANSWER_CHARS} characters`);
      // The value goes into arithmetic, where bash would run any other text as code. The panel and the Answer
      // Question box check with the same pattern before sending (protocol/answers.ts).
      if (w.expects === 'number' && !NUMBER_ANSWER.test(d.value)) {
        throw new InvalidRequest(`the answer to "${w.question}" must be a number (digits, an optional minus sign and decimals), not ${JSON.stringify(d.value.slice(0, 80))}`);
      }
      return { events: [{ type: 'answered', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: w.stepId, name: w.name, value: d.value, by: d.by } }], next: queued };
    }
    case 'reject': {
      // Declines the step waiting for approval: it will not run, and the workflow goes on from the next step with
      // the rest of the plan as it was. A workflow waiting for anything else is escalated with the note. One that
      // no longer waits (another person decided first, or the engine moved on) is refused, not escalated.
      if (view.state === 'WAITING_FOR_PERSON' && view.waiting?.kind === 'approval') {
        const w = waiting(view, 'EXECUTING', d.ref)!;
        return {
          events: [{ type: 'rejected', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: w.stepId, note: d.note, by: d.by, reason: `step ${w.stepId} declined by ${d.by}: ${d.note}` } }],
          next: queued,
        };
      }
      waiting(view, 'ESCALATED', { stepId: d.ref?.stepId });
      return { events: [{ type: 'escalated', to: 'ESCALATED', actor: 'person', data: { reason: `rejected by ${d.by}: ${d.note}`, by: d.by } }] };
    }
    case 'tick': {
      const w = waiting(view, 'EXECUTING', d.ref);
      if (w?.kind !== 'checklist') throw new InvalidRequest(`workflow ${id} is not waiting on a checklist item`);
      if (d.note.length > 2000) throw new InvalidRequest('a note is at most 2000 characters');
      return {
        events: [{ type: 'ticked', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: w.stepId, name: w.name, outcome: d.outcome, note: d.note, by: d.by } }],
        next: queued,
      };
    }
    case 'mark-resolved': {
      // While the workflow waits for the alert to resolve: a person says it did.
      if (view.state !== 'VALIDATING') throw new InvalidRequest(`workflow ${id} is ${view.state}, not waiting for its alert to resolve`);
      return { events: [{ type: 'completed', to: 'COMPLETED', actor: 'person', data: { verifiedBy: `${d.by}${d.note ? `: ${d.note}` : ''}`, by: d.by } }], next: offQueue };
    }
    case 'escalate': {
      if (view.state !== 'VALIDATING' && view.state !== 'WAITING_FOR_PERSON') throw new IllegalTransition(view.state, 'ESCALATED');
      return { events: [{ type: 'escalated', to: 'ESCALATED', actor: 'person', data: { reason: `escalated by ${d.by}: ${d.note}`, by: d.by } }], next: offQueue };
    }
    case 'cancel': {
      if (!['WAITING_FOR_PERSON', 'VALIDATING', 'ESCALATED', 'FAILED'].includes(view.state)) {
        throw new InvalidRequest(`workflow ${id} is ${view.state}: only a workflow that waits, failed or was escalated can be cancelled`);
      }
      return { events: [{ type: 'cancelled', to: 'CANCELLED', actor: 'person', data: { reason: `cancelled by ${d.by}: ${d.note}`, by: d.by } }], next: offQueue };
    }
    case 'retry': {
      // Steps from there run afresh (a new generation of tool calls); what was declined or skipped from there on runs too.
      if (!['ESCALATED', 'CANCELLED', 'COMPLETED', 'WAITING_FOR_PERSON'].includes(view.state)) {
        throw new InvalidRequest(`workflow ${id} is ${view.state}: it can be retried once it waits, was escalated or cancelled, or completed`);
      }
      const stepIndex = view.plan?.steps.findIndex((s) => s.id === d.stepId) ?? -1;
      if (stepIndex < 0) throw new InvalidRequest(`workflow ${id} has no step ${d.stepId}`);
      return { events: [{ type: 'retried', to: 'EXECUTING', actor: 'person', data: { stepIndex, stepId: d.stepId, by: d.by } }], next: queued };
    }
    case 'use-runbook': {
      if (view.state !== 'WAITING_FOR_PERSON' && view.state !== 'ESCALATED') throw new InvalidRequest(`workflow ${id} is ${view.state}: another runbook can be chosen while it waits for a person or after it escalated`);
      if (!/^[^\0]{1,1000}$/.test(d.runbook) || d.runbook.startsWith('/') || d.runbook.split('/').includes('..')) throw new InvalidRequest('the runbook must be a path inside the workspace');
      if (view.state === 'ESCALATED') throw new InvalidRequest(`workflow ${id} was escalated: retry it from a step, or resolve it`);
      return {
        events: [{ type: 'runbook_chosen', to: 'FAILED', actor: 'person', data: { runbook: d.runbook, by: d.by, class: 'replan', reason: `${d.by} chose the runbook ${d.runbook}` } }],
        next: queued,
      };
    }
    case 'archive': {
      if (!['COMPLETED', 'ESCALATED', 'CANCELLED'].includes(view.state)) throw new InvalidRequest(`workflow ${id} is ${view.state}: only a settled workflow can be archived`);
      return { events: [{ type: 'archived', actor: 'person', data: { by: d.by } }] };
    }
    case 'resolve':
      // Closes an escalated workflow after a person decided what happened; the reducer refuses any other state.
      return { events: [{ type: 'resolved', to: 'COMPLETED', actor: 'person', data: { reason: `resolved by ${d.by}: ${d.note}`, by: d.by } }] };
    case 'recheck': {
      waiting(view, 'EXECUTING');
      return { events: [{ type: 'rechecked', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: view.waiting?.stepId ?? null, why: d.why } }], next: queued };
    }
  }
}
