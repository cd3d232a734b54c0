import { bindAnswers } from './answers';
import { toolCallKey } from './canonical';
import { callStepId } from './decision';
import type { PlanStep } from './plan';
import type { AnyTool, Assessment, Bound } from './tool';
import type { WorkflowView } from './view';

/**
 * The input a step runs with: a person's edit if there is one, else the plan's input, with answers filled in
 * (placed by the tool), and why a person must see it first. Throws when an answer is missing or cannot go in.
 */
export function bindStep(view: WorkflowView, step: PlanStep, tool: AnyTool): Bound {
  const raw = step.id in view.edits ? view.edits[step.id] : step.input;
  if (tool.bind) return tool.bind(raw, view.answers);
  return { input: bindAnswers(raw, view.answers, tool.quote?.bind(tool)), review: [] };
}

export function effectiveInput(view: WorkflowView, step: PlanStep, tool: AnyTool): unknown {
  return bindStep(view, step, tool).input;
}

/** The step's idempotency key, or null when its input does not (or no longer) fit the tool's schema. */
export function keyOf(view: WorkflowView, step: PlanStep, tool: AnyTool): string | null {
  let raw: unknown;
  try {
    raw = effectiveInput(view, step, tool);
  } catch {
    return null;
  }
  const input = tool.input.safeParse(raw);
  return input.success ? toolCallKey(view.id, callStepId(view, step.id), tool.name, input.data) : null;
}

/** The engine's own view of a call's risk: the tool's assessment of this input, raised by the plan's claim. */
export function assess(tool: AnyTool, step: PlanStep, input: unknown): Assessment {
  const own: Assessment = tool.assess?.(input) ?? { risk: tool.risk, reasons: tool.risk === 'write' ? [`${tool.name} is a write tool`] : [] };
  if (step.risk === 'write' && own.risk === 'read') return { risk: 'write', reasons: ['the plan marks this step as a write'] };
  return own;
}

/** Reads and idempotent tools may run again after an interruption; other writes may not. */
export function rerunnable(tool: AnyTool, risk: 'read' | 'write' = tool.risk): boolean {
  return risk === 'read' || tool.idempotent;
}
