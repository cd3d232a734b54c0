// EXECUTING: the next step of the plan, one durable action at a time. Everything a step must pass before its
// tool may start is decided here, in this order: a decision due at a phase end, a skip, the budget, the input,
// the idempotency record, the policy gate, workspace trust, a person's approval, the kill switches.
import { TOOL } from '../../../execution/tools/names';
import { budgetExceeded } from '../budget';
import { canonicalJson, sha256, toolCallKey } from '../canonical';
import { callStepId, decisionDue } from '../decision';
import type { ClassifiedError } from '../failures';
import { messageOf, type FailureClass } from '../failures';
import type { PlanStep } from '../plan';
import { assess, bindStep, rerunnable } from '../stepRules';
import type { ToolOutput } from '../tool';
import type { WorkflowView } from '../view';
import { escalate, fail, outcomeUnknown, stepFailed } from './outcomes';
import type { Action, CoreConfig, Effect, Facts, Outcome, Waiting } from './types';

const go = { kind: 'continue' } as const;

export function executeAction(view: WorkflowView, facts: Facts, cfg: CoreConfig): Action {
  const due = cfg.decides ? decisionDue(view) : null;
  if (due) return { effect: { kind: 'decide', breaker: `model:${cfg.plannerProvider}`, due } };
  const step = view.plan?.steps[view.stepIndex];
  if (!step) return { outcome: { events: [{ type: 'validating', to: 'VALIDATING' }], next: go } };
  const tool = facts.tools.get(step.tool);
  const skipped = view.skipped?.[step.id];
  if (skipped) {
    return { outcome: { events: [{ type: 'step_skipped', data: { stepIndex: view.stepIndex, stepId: step.id, reason: skipped.reason, evidence: skipped.evidence, by: skipped.by } }], next: go } };
  }
  const over = budgetExceeded(view, facts.now, { step: true, toolCall: true });
  if (over) return { outcome: escalate(over) };
  if (!tool) return { outcome: fail(view, cfg, facts, 'validation', `step ${step.id}: unknown tool ${step.tool}`) };
  let bound;
  try {
    bound = bindStep(view, step, tool);
  } catch (error) {
    return { outcome: fail(view, cfg, facts, 'validation', `step ${step.id}: ${messageOf(error)}`) };
  }
  const parsed = tool.input.safeParse(bound.input);
  if (!parsed.success) return { outcome: fail(view, cfg, facts, 'validation', `step ${step.id}: input rejected by ${tool.name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`) };
  const input: unknown = parsed.data;
  const key = toolCallKey(view.id, callStepId(view, step.id), tool.name, input);
  const record = facts.toolCall(key);
  const data = { stepIndex: view.stepIndex, stepId: step.id, tool: tool.name, key };
  if (record?.status === 'done') {
    // Same workflow, step and input ran before (e.g. before a re-plan): reuse the stored result, never act twice.
    return { outcome: { events: [{ type: 'step_done', to: 'EXECUTING', data: { ...data, replayed: true, resultHash: sha256(canonicalJson(record.result)) } }], next: go } };
  }
  if (tool.name === TOOL.ask || tool.name === TOOL.checklist) return { outcome: ask(view, step, tool.name, input as AskInput, key) };
  const assessment = assess(tool, step, input);
  if ((record?.status === 'intended' || record?.status === 'unknown') && !rerunnable(tool, assessment.risk)) {
    return { outcome: outcomeUnknown(view, tool, step, key) };
  }
  const waitFor = (waiting: Waiting, reason: string, extra: Record<string, unknown> = {}): Action => ({
    outcome: { events: [{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { ...data, ...extra, waiting, reason } }], next: { kind: 'settled' } },
  });
  const decision = facts.policy({ tool, step, input, risk: assessment.risk, reasons: assessment.reasons, view });
  if (decision.action === 'deny') {
    return { outcome: escalate(`policy violation at step ${step.id} (${tool.name}): ${decision.reason}`, { ...data, class: 'policy', policy: decision }) };
  }
  const at = { stepId: step.id, stepIndex: view.stepIndex };
  const untrusted = facts.untrusted();
  if (untrusted) return waitFor({ kind: 'trust', ...at, message: untrusted }, untrusted);
  const inputHash = sha256(canonicalJson(input));
  const approved = view.approval?.stepIndex === view.stepIndex && view.approval.planVersion === view.planVersion && view.approval.inputHash === inputHash;
  const held = decision.action === 'hold';
  // A person's answer that is not a plain word (bound.review) is shown before the step runs, like a write.
  if (held || ((step.approval || decision.action === 'approve' || bound.review.length > 0) && !approved)) {
    const describe = tool.describe?.(input) ?? canonicalJson(input);
    const why = decision.action !== 'allow' ? decision.reason : bound.review[0] ?? 'the plan asks for it';
    return waitFor(
      { kind: 'approval', ...at, tool: tool.name, input, inputHash, describe, risk: assessment.risk, reasons: [...bound.review, ...assessment.reasons], policy: decision.reason, held, rationale: step.rationale, source: step.source },
      `step ${step.id} (${tool.name}) ${held ? 'is held' : "needs a person's approval"}: ${why}`,
    );
  }
  const killed = facts.killSwitch(tool, assessment.risk);
  if (killed) return waitFor({ kind: 'kill_switch', ...at, switch: killed }, `kill switch '${killed}' is on: step ${step.id} (${tool.name}) was not started`, { killSwitch: killed });
  return { effect: { kind: 'call', breaker: `tool:${tool.name}`, tool, step, stepIndex: view.stepIndex, input, key, risk: assessment.risk, policy: decision } };
}

type Call = Extract<Effect, { kind: 'call' }>;

/** Committed before the tool starts: the call is recorded as intended with the event that says it started. */
export function callStarted(call: Call, probe: boolean): Outcome {
  const data = { stepIndex: call.stepIndex, stepId: call.step.id, tool: call.tool.name, key: call.key };
  return {
    events: [{ type: 'step_started', to: 'WAITING_FOR_TOOL', actor: 'engine', data: { ...data, risk: call.risk, policy: call.policy, probe } }],
    next: go,
    writes: [{ kind: 'intended', key: call.key, stepId: call.step.id, tool: call.tool.name, input: call.input }],
  };
}

/** The breaker refused the call before it started: nothing ran, so it is retried like a transient failure. */
export function callRefused(view: WorkflowView, facts: Facts, cfg: CoreConfig, call: Call, retryInMs: number): Outcome {
  return stepFailed(view, cfg, facts, call.tool, call.key, 'breaker_open', `breaker ${call.breaker} is open`, retryInMs, false);
}

/** `started`: the view after the call's start was committed. */
export function callFinished(started: WorkflowView, call: Call, output: ToolOutput): Outcome {
  const data = { stepIndex: started.stepIndex, stepId: call.step.id, tool: call.tool.name, key: call.key };
  return {
    events: [{ type: 'step_done', to: 'EXECUTING', actor: 'tool', data: { ...data, tokens: output.tokens ?? 0, resultHash: sha256(canonicalJson(output.output ?? null)) } }],
    next: go,
    writes: [{ kind: 'finished', key: call.key, status: 'done', result: output.output ?? null, error: null }],
  };
}

/** The call threw (or timed out): a write that may have taken effect is never re-run; anything else per policy. */
export function callFailed(started: WorkflowView, facts: Facts, cfg: CoreConfig, call: Call, cls: FailureClass, error: unknown): Outcome {
  if (cls === 'tool_timeout' && !rerunnable(call.tool, call.risk)) return outcomeUnknown(started, call.tool, call.step, call.key, 'it timed out');
  const cooldown = (error as Partial<ClassifiedError>)?.retryAfterMs ?? 0;
  return stepFailed(started, cfg, facts, call.tool, call.key, cls, messageOf(error), cooldown, true);
}

type AskInput = { name: string; question?: string; item?: string; expects?: 'number' };

/**
 * ask_person and checklist: a person's answer (or "done"/"skipped") is the step's result; until they give it,
 * the workflow waits for them.
 */
function ask(view: WorkflowView, step: PlanStep, toolName: string, input: AskInput, key: string): Outcome {
  const answer = view.answers[input.name];
  const data = { stepIndex: view.stepIndex, stepId: step.id, tool: toolName, key };
  if (answer === undefined) {
    const at = { stepId: step.id, stepIndex: view.stepIndex, name: input.name };
    const waiting: Waiting =
      toolName === TOOL.checklist
        ? { kind: 'checklist', ...at, item: input.item ?? '' }
        : { kind: 'question', ...at, question: input.question ?? '', ...(input.expects ? { expects: input.expects } : {}) };
    const reason = toolName === TOOL.checklist ? `a person does this runbook instruction: ${input.item}` : `question for a person: ${input.question}`;
    return { events: [{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { ...data, waiting, reason } }], next: { kind: 'settled' } };
  }
  const result = toolName === TOOL.checklist ? { name: input.name, outcome: answer } : { name: input.name, answer };
  return {
    events: [{ type: 'step_done', to: 'EXECUTING', actor: 'person', data: { ...data, resultHash: sha256(canonicalJson(result)) } }],
    next: go,
    writes: [
      { kind: 'intended', key, stepId: step.id, tool: toolName, input },
      { kind: 'finished', key, status: 'done', result, error: null },
    ],
  };
}
