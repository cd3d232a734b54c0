// What engine/control/workflow/person.ts recheck() commits, as a DurableAction: a step the tier held goes back to the
// engine, which classifies it and asks the policy again (used by setTier in every adapter). The rule is the
// decision core's (engine/control/workflow/core/person.ts), decided on the locked row.
import { decidePerson } from '../workflow/core/person';
import type { DurableAction, WorkflowView } from './types';

/** Workflows waiting on a step the tier holds: what setTier hands back to the engine. */
export function isHeld(view: WorkflowView): boolean {
  return view.state === 'WAITING_FOR_PERSON' && view.waiting?.kind === 'approval' && view.waiting.held === true;
}

export function recheckAction(view: WorkflowView, why: string, now: number): DurableAction {
  return { workflowId: view.id, now, ...decidePerson(view, { kind: 'recheck', why }) };
}
