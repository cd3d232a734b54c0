// The steps the workspace's runbooks name for this alert, as the runbook planner builds them (classified, values
// filled from the alert by the same rules). A model deciding what comes next may copy one of these; a write it
// proposes that none of them names is dropped. Read from the runbooks the plan came from, then those retrieval
// ranks first for the alert, bounded.
import { createHash } from 'node:crypto';
import { parseRunbook } from '../../memory/runbook';
import { classifyCommand } from '../../execution/risk';
import { TOOL } from '../../execution/tools/names';
import { messageOf } from '../../control/workflow/failures';
import type { Plan } from '../../control/workflow/plan';
import type { AlertRequest } from '../../control/workflow/request';
import { alertQuery, type PlanningContext } from '../context';
import { hitPath } from '../runbook/choose';
import { buildCandidates, type Candidate } from '../runbook/steps';
import { insideWorkspace, readRunbook } from '../runbook/workspace';
import { truncate } from './transport';

export interface NamedStep extends Candidate {
  /** Provenance id in the decision prompt: R1, R2, … */
  readonly ref: string;
}

export const MAX_RUNBOOKS = 3;
export const MAX_NAMED_STEPS = 40;

export const refOf = (index: number): string => `R${index + 1}`;

export async function runbookSteps(context: PlanningContext, request: AlertRequest, plan: Plan, k: number, signal: AbortSignal): Promise<{ steps: NamedStep[]; notes: string[] }> {
  const notes: string[] = [];
  const paths: string[] = [];
  const add = (p: string | null) => {
    if (p !== null && !paths.includes(p) && paths.length < MAX_RUNBOOKS) paths.push(p);
  };
  for (const step of plan.steps) if (step.source) add(insideWorkspace(context.workspace, step.source.path));
  try {
    for (const hit of await context.search(alertQuery(request), k)) add(hitPath(hit, context.workspace));
  } catch (error) {
    notes.push(`retrieval failed (${truncate(messageOf(error), 200)}); runbook steps from the plan's sources only`);
  }
  signal.throwIfAborted();
  const tools = new Set(context.tools.map((t) => t.name));
  const shell = context.tools.find((t) => t.name === TOOL.shell);
  const assessShell = (command: string) => shell?.assess?.({ command }) ?? classifyCommand(command);
  const steps: NamedStep[] = [];
  for (const p of paths) {
    let text: string;
    try {
      text = readRunbook(context.workspace, p);
    } catch (error) {
      notes.push(`cannot read runbook ${p}: ${truncate(messageOf(error), 200)}`);
      continue;
    }
    const runbook = parseRunbook(text, { path: p });
    const docVersion = createHash('sha256').update(text).digest('hex').slice(0, 16);
    for (const c of buildCandidates({ runbook, request, docVersion, tools, chunks: [], notes: [], assessShell })) {
      if (steps.length >= MAX_NAMED_STEPS) break;
      steps.push({ ...c, ref: refOf(steps.length) });
    }
  }
  return { steps, notes };
}
