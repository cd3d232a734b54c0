// The end of a phase: what the planner said (or why it could not say anything) becomes one `decided` event.
// A planner that fails or answers nonsense changes nothing: the plan goes on, and the decision says why.
import { checkDecision, type Decision } from '../decision';
import type { ToolRegistry } from '../tool';
import type { WorkflowView } from '../view';
import type { DecisionDue, Outcome } from './types';

export interface DecideAnswer {
  /** The planner's decision as it answered it, or null when it could not be asked or failed. */
  readonly raw: unknown;
  readonly tokens: number;
  readonly by: string;
  /** Why there is no answer (breaker open, the planner failed), said in the decision. */
  readonly notes: readonly string[];
}

export function decided(view: WorkflowView, tools: ToolRegistry, due: DecisionDue, answer: DecideAnswer): Outcome {
  const notes = [...answer.notes];
  let decision: Decision = { skip: [], add: [], notes: [] };
  if (answer.raw !== null) {
    const checked = checkDecision(answer.raw, view);
    if ('problem' in checked) notes.push(`decision refused (${checked.problem}); the plan goes on as it stands`);
    else decision = checked.decision;
  }
  // Added steps must fit a tool, like a plan's.
  const add = decision.add.filter((s) => {
    const tool = tools.get(s.tool);
    const ok = tool !== undefined && tool.input.safeParse(s.input).success;
    if (!ok) notes.push(`left out added step ${s.id}: its tool or input does not fit`);
    return ok;
  });
  const data = { stepIndex: due.stepIndex, phase: due.phase, round: due.round, by: answer.by, skip: decision.skip, add, notes: [...decision.notes, ...notes], tokens: answer.tokens };
  if (decision.escalate) {
    return { events: [{ type: 'decided', data }, { type: 'escalated', to: 'ESCALATED', data: { reason: decision.escalate, class: 'decision' } }], next: { kind: 'settled' } };
  }
  return { events: [{ type: 'decided', data }], next: { kind: 'continue' } };
}
