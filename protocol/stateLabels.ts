/** The words a person reads for each workflow state (panel, tree, quick picks, tooltips): never the raw enum. */
import type { WorkflowState } from './workflow';

export const STATE_LABEL: Readonly<Record<WorkflowState, string>> = {
  RECEIVED: 'Received',
  PLANNED: 'Planned',
  EXECUTING: 'Running steps',
  WAITING_FOR_TOOL: 'Running a step',
  VALIDATING: 'Verifying',
  FAILED: 'Failed',
  WAITING_FOR_PERSON: 'Waiting for you',
  ESCALATED: 'Escalated',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
};

/** "WAITING_FOR_PERSON" reads as "Waiting for you"; an unknown state (a newer engine) as words. */
export function stateLabel(state: WorkflowState | string): string {
  const known = (STATE_LABEL as Record<string, string>)[state];
  if (known) return known;
  const words = state.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
