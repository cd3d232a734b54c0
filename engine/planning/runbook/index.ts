// The runbook planner (no model): rules in README.md beside this file.
export { RunbookPlanner, type RunbookPlannerOptions } from './planner';
export { chooseRunbook, type Choice } from './choose';
export { phaseOfHeading, phaseOfSection } from './phase';
export { fillPlaceholders } from './fill';
export { answerName, valueFor } from './values';
export { askId, EXPR_CHECK_ID, stepIds } from './ids';
export { listMarkdown } from './workspace';
