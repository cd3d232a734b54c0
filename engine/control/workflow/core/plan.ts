// RECEIVED / FAILED: ask the planner for a plan (an effect), then check what it answered.
import { TOOL } from '../../../execution/tools/names';
import { answersUsed } from '../answers';
import { budgetExceeded } from '../budget';
import type { FailureClass } from '../failures';
import { Plan } from '../plan';
import type { PlanResult } from '../planner';
import { decideRetry, resolvePolicy } from '../retry';
import type { ToolRegistry } from '../tool';
import type { WorkflowView } from '../view';
import { escalate } from './outcomes';
import type { Action, CoreConfig, Facts, Outcome } from './types';

export function planAction(view: WorkflowView, facts: Facts, cfg: CoreConfig): Action {
  const over = budgetExceeded(view, facts.now);
  if (over) return { outcome: escalate(over) };
  if (view.state === 'FAILED' && view.replans >= cfg.maxReplans) {
    return { outcome: escalate(`gave up after ${view.replans} re-plan(s); last failure: ${view.reason ?? 'unknown'}`) };
  }
  const request = { workflowId: view.id, request: view.request, replans: view.replans, feedback: view.reason, rejected: view.rejected, ...(view.chosenRunbook ? { runbook: view.chosenRunbook } : {}) };
  return { effect: { kind: 'plan', breaker: `model:${cfg.plannerProvider}`, request } };
}

/** The planner answered: a plan every step of which fits a known tool is committed, anything else re-plans. */
export function planned(view: WorkflowView, facts: Facts, cfg: CoreConfig, result: PlanResult): Outcome {
  const tokens = result.tokens ?? 0;
  const problem = checkPlan(result.plan, facts.tools);
  if (problem) return planFailed(view, facts, cfg, 'validation', `invalid plan: ${problem}`, tokens);
  const plan = Plan.parse(result.plan);
  const planVersion = view.planVersion + 1;
  return {
    events: [{ type: 'planned', to: 'PLANNED', data: { plan, planVersion, tokens, planner: cfg.plannerName, trace: result.trace ?? null } }],
    next: { kind: 'continue' },
    writes: [{ kind: 'snapshot', planVersion, hits: result.snapshot ?? [] }],
  };
}

export function planFailed(view: WorkflowView, facts: Facts, cfg: CoreConfig, cls: FailureClass, message: string, tokens: number, cooldownMs = 0): Outcome {
  const policy = resolvePolicy(cls, cfg.retry, cfg.retryOverrides?.[`model:${cfg.plannerProvider}`]);
  const decision = decideRetry(policy, (view.failures[cls] ?? 0) + 1, facts.random, cooldownMs);
  const data = { class: cls, message, tokens };
  if (decision.action === 'retry') {
    return { events: [{ type: 'plan_failed', data: { ...data, retryInMs: decision.delayMs } }], next: { kind: 'later', at: facts.now + decision.delayMs } };
  }
  if (decision.action === 'replan' && view.replans < cfg.maxReplans) {
    return { events: [{ type: 'plan_failed', data: { ...data, replan: true } }], next: { kind: 'later', at: facts.now } };
  }
  return escalate(`planning failed (${cls}): ${message}`, data);
}

/** Null when every step names a known tool with an input it accepts, and every answer used was asked before. */
export function checkPlan(raw: unknown, tools: ToolRegistry): string | null {
  const parsed = Plan.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  const asked = new Set<string>();
  for (const step of parsed.data.steps) {
    const tool = tools.get(step.tool);
    if (!tool) return `step ${step.id}: unknown tool ${step.tool} (known: ${tools.names().join(', ')})`;
    const input = tool.input.safeParse(step.input);
    if (!input.success) return `step ${step.id}: input rejected by ${step.tool}: ${input.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`;
    const missing = answersUsed([step.input, step.check ?? null]).filter((name) => !asked.has(name));
    if (missing.length > 0) return `step ${step.id}: uses {{answer:${missing[0]}}} but no earlier ${TOOL.ask} step asks for it`;
    if (step.tool === TOOL.ask) asked.add((input.data as { name: string }).name);
  }
  return null;
}
