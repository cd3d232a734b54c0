// The decision core: one durable action per call, chosen by the persisted state. Pure (see types.ts); the
// runtime (../orchestrator.ts) leases the task, performs the effects and commits the outcomes.
import { assess, effectiveInput, keyOf, rerunnable } from '../stepRules';
import type { WorkflowView } from '../view';
import { executeAction } from './execute';
import { escalate, outcomeUnknown } from './outcomes';
import { planAction } from './plan';
import type { Planner } from '../planner';
import { DEFAULT_RETRY_POLICIES, type RetryOverrides, type RetryPolicies } from '../retry';
import type { Action, CoreConfig, Facts, Outcome } from './types';
import { validate } from './validate';

/** What the core needs to know of a runtime's planner and options, with the defaults both runtimes share. */
export function coreConfigOf(
  planner: Pick<Planner, 'provider' | 'name' | 'decide'>,
  o: { readonly maxReplans?: number; readonly resolveWaitMs?: number; readonly retry?: RetryPolicies; readonly retryOverrides?: Readonly<Record<string, RetryOverrides>> },
): CoreConfig {
  return {
    plannerProvider: planner.provider,
    plannerName: planner.name,
    decides: planner.decide !== undefined,
    maxReplans: o.maxReplans ?? 2,
    resolveWaitMs: o.resolveWaitMs ?? 15 * 60_000,
    retry: o.retry ?? DEFAULT_RETRY_POLICIES,
    retryOverrides: o.retryOverrides,
  };
}

export function act(view: WorkflowView, facts: Facts, cfg: CoreConfig): Action {
  switch (view.state) {
    case 'RECEIVED':
    case 'FAILED':
      return planAction(view, facts, cfg);
    case 'PLANNED':
      return { outcome: { events: [{ type: 'executing', to: 'EXECUTING' }], next: { kind: 'continue' } } };
    case 'EXECUTING':
      return executeAction(view, facts, cfg);
    case 'WAITING_FOR_TOOL':
      return { outcome: interruptedCall(view, facts) };
    case 'VALIDATING':
      return { outcome: validate(view, facts, cfg) };
    default:
      return { outcome: { events: [], next: { kind: 'settled' } } };
  }
}

/** In WAITING_FOR_TOOL with no live worker: the call was interrupted. Reads and idempotent writes run again. */
export function interruptedCall(view: WorkflowView, facts: Facts): Outcome {
  const step = view.plan?.steps[view.stepIndex];
  const tool = step ? facts.tools.get(step.tool) : undefined;
  if (!step || !tool) return escalate(`outcome unknown: step ${step?.id ?? view.stepIndex} uses a tool this engine does not have`);
  const key = keyOf(view, step, tool);
  if (key === null) return escalate(`outcome unknown: step ${step.id} input no longer fits tool ${tool.name}`);
  const { risk } = assess(tool, step, effectiveInput(view, step, tool));
  if (!rerunnable(tool, risk)) return outcomeUnknown(view, tool, step, key);
  const reason = `re-running ${risk === 'read' ? 'read-only' : 'idempotent'} step ${step.id} interrupted by an engine stop`;
  return { events: [{ type: 'step_rerun', to: 'EXECUTING', data: { stepIndex: view.stepIndex, tool: tool.name, key, reason } }], next: { kind: 'continue' } };
}

export { callFailed, callFinished, callRefused, callStarted } from './execute';
export { decided, type DecideAnswer } from './decide';
export { checkPlan, planFailed, planned } from './plan';
export type * from './types';
export { decidePerson, type PersonDecision, type PersonOutcome, type StepRef } from './person';
