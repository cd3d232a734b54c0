import { toolCallKey } from './canonical';
import type { PlanStep } from './plan';
import type { AnyTool } from './tool';
import type { WorkflowView } from './view';

/** The step's idempotency key, or null when its input does not (or no longer) fit the tool's schema. */
export function keyOf(view: WorkflowView, step: PlanStep, tool: AnyTool): string | null {
  const input = tool.input.safeParse(step.input);
  return input.success ? toolCallKey(view.id, step.id, tool.name, input.data) : null;
}

/** Read-only and idempotent tools may run again after an interruption; other writes may not. */
export function rerunnable(tool: AnyTool): boolean {
  return tool.risk === 'read' || tool.idempotent;
}
