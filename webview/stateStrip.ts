/** The state strip: the design's states, the workflow's own highlighted, the ends told apart. Pure. */
import type { WorkflowState } from '../protocol/workflow';

/** How a state reads at a glance: an end that went well, one that needs a person, one that failed. */
export type StripTone = 'success' | 'attention' | 'failure' | 'neutral';

export interface StripItem {
  state: WorkflowState;
  current: boolean;
  tone: StripTone;
}

const TONES: Partial<Record<WorkflowState, StripTone>> = {
  COMPLETED: 'success',
  ESCALATED: 'attention',
  WAITING_FOR_PERSON: 'attention',
  FAILED: 'failure',
  CANCELLED: 'neutral',
};

export function toneOf(state: WorkflowState): StripTone {
  return TONES[state] ?? 'neutral';
}

/**
 * The states are not one line (FAILED, ESCALATED and WAITING_FOR_PERSON branch off it), so the strip
 * marks only where the workflow is, never "done" states before it. Duplicates are shown once.
 */
export function stripOf(states: readonly WorkflowState[], current: WorkflowState): StripItem[] {
  const unique = [...new Set(states)];
  if (!unique.includes(current)) unique.push(current);
  return unique.map((state) => ({ state, current: state === current, tone: toneOf(state) }));
}

/** "WAITING_FOR_PERSON" reads as "Waiting for you": one label map for the panel, the tree and the quick picks. */
export { stateLabel } from '../protocol/stateLabels';
