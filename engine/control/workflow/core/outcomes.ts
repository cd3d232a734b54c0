// The ways an action ends badly, shared by every state: escalate, fail (re-plan), retry a call, outcome unknown.
import type { FailureClass } from '../failures';
import type { PlanStep } from '../plan';
import { decideRetry, resolvePolicy } from '../retry';
import type { AnyTool } from '../tool';
import type { WorkflowView } from '../view';
import type { CoreConfig, Facts, Outcome, Write } from './types';

const settled = { kind: 'settled' } as const;

export function escalate(reason: string, data: Record<string, unknown> = {}, writes: readonly Write[] = []): Outcome {
  return { events: [{ type: 'escalated', to: 'ESCALATED', data: { ...data, reason } }], next: settled, writes };
}

/** The plan did not work: plan again (bounded by maxReplans), else escalate. */
export function fail(view: WorkflowView, cfg: CoreConfig, facts: Facts, cls: FailureClass, reason: string, writes: readonly Write[] = []): Outcome {
  if (view.replans >= cfg.maxReplans) return escalate(`gave up after ${view.replans} re-plan(s): ${reason}`, { class: cls }, writes);
  return { events: [{ type: 'failed', to: 'FAILED', data: { class: cls, reason } }], next: { kind: 'later', at: facts.now }, writes };
}

/** A failed call whose outcome is known (the tool reported it): retry, re-plan or escalate per policy. */
export function stepFailed(view: WorkflowView, cfg: CoreConfig, facts: Facts, tool: AnyTool, key: string, cls: FailureClass, message: string, cooldownMs: number, called: boolean): Outcome {
  const policy = resolvePolicy(cls, cfg.retry, cfg.retryOverrides?.[tool.name], tool.retry);
  const failures = (view.failures[cls] ?? 0) + 1;
  const decision = decideRetry(policy, failures, facts.random, cooldownMs);
  const writes: Write[] = called ? [{ kind: 'finished', key, status: 'failed', error: `${cls}: ${message}` }] : [];
  const data = { stepIndex: view.stepIndex, tool: tool.name, key, class: cls, message };
  if (decision.action === 'retry') {
    return {
      events: [{ type: 'step_failed', to: 'EXECUTING', actor: called ? 'tool' : 'engine', data: { ...data, retryInMs: decision.delayMs } }],
      next: { kind: 'later', at: facts.now + decision.delayMs },
      writes,
    };
  }
  const reason = `step ${view.plan?.steps[view.stepIndex]?.id} (${tool.name}) failed: ${cls}: ${message}` + (failures > 1 ? ` (after ${failures - 1} retries)` : '');
  if (decision.action === 'replan') return fail(view, cfg, facts, cls, reason, writes);
  return escalate(reason, data, writes);
}

/** A write was started and nobody knows whether it took effect: never run again, a person resolves it. */
export function outcomeUnknown(view: WorkflowView, tool: AnyTool, step: PlanStep, key: string, why = 'the engine stopped before it was recorded done'): Outcome {
  const reason = `outcome unknown: write step ${step.id} (${tool.name}) was started but ${why}; check whether it took effect, then resolve`;
  return escalate(reason, { stepIndex: view.stepIndex, tool: tool.name, key, class: 'outcome_unknown' }, [{ kind: 'finished', key, status: 'unknown', error: reason }]);
}
