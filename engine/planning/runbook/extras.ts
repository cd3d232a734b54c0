// What the runbook planner adds to a runbook's own steps so that every alert gets a plan a person can act on:
// built-in diagnostics when the runbook has none that use the alert's labels (marked "built in"), checklist steps
// for its instructions that are not commands, a confirmation when only search chose the runbook, and, when no
// runbook answers, the built-ins and a checklist item that says so.
import type { ParsedRunbook } from '../../memory/runbook';
import { builtinAvailability, builtinDiagnostics, localHostNames } from '../../execution/tools/builtin';
import { TOOL } from '../../execution/tools/names';
import type { PlanStepInput, Phase } from '../../control/workflow/plan';
import type { AlertRequest } from '../../control/workflow/request';
import type { AnyTool } from '../../control/workflow/tool';
import { checklistItems } from './checklist';
import { PHASE_ORDER } from './phase';
import { clip } from './reference';
import { CONFIRM_RUNBOOK_STEP } from '../../../protocol/workflow';

/** Built-in steps offered at most per plan: the toolsets' best, not every verb for every object. */
const MAX_BUILTINS = 8;

export function builtinSteps(request: AlertRequest, tools: readonly AnyTool[], allowedHosts: readonly string[]): PlanStepInput[] {
  return builtinDiagnostics(request, builtinAvailability(tools), { allowedHosts, localHost: localHostNames() })
    .slice(0, MAX_BUILTINS)
    .map((b) => ({ id: b.id, tool: b.tool, input: b.input, approval: false, risk: 'read', phase: 'diagnose', rationale: b.rationale, origin: 'builtin' }));
}

export function checklistSteps(runbook: ParsedRunbook, docVersion: string): PlanStepInput[] {
  return checklistItems(runbook).map((c, i) => ({
    id: `todo-${c.phase}-${i + 1}`,
    tool: TOOL.checklist,
    input: { name: `todo-${c.phase}-${i + 1}`, item: c.item },
    approval: false,
    risk: 'read',
    phase: c.phase,
    rationale: clip(`an instruction of the runbook's "${clip(c.heading, 80)}" section that is not a command: a person does it and ticks it`, 500),
    source: { path: runbook.path, startLine: c.startLine, endLine: c.endLine, heading: clip(c.heading, 500), docVersion },
    origin: 'runbook',
  }));
}

/** Only search chose the runbook: before anything runs, a person confirms it (or uses another). */
export function confirmRunbookStep(path: string, why: string, alternatives: readonly string[]): PlanStepInput {
  const others = alternatives.length > 0 ? ` Other candidates: ${alternatives.join(', ')}.` : '';
  return {
    id: CONFIRM_RUNBOOK_STEP,
    tool: TOOL.checklist,
    input: { name: CONFIRM_RUNBOOK_STEP, item: clip(`Check that ${path} answers this alert: only search chose it (${why}).${others} Tick done to go on with it, or use another runbook.`, 1000) },
    approval: false,
    risk: 'read',
    phase: 'diagnose',
    rationale: 'the runbook was chosen by search alone: a person confirms it before anything runs',
  };
}

/** No runbook answers the alert: a checklist item says so, and what to do (check by hand, write one). */
export function noRunbookStep(alertname: string, why: string): PlanStepInput {
  return {
    id: 'no-runbook',
    tool: TOOL.checklist,
    input: { name: 'no-runbook', item: clip(`No runbook in this workspace answers ${alertname} (${why}). Check the alert by hand with the diagnostics above, then add a runbook for it (front matter \`alert: ${alertname}\`); \`runbook-agent lint\` shows what keeps one from being automated.`, 1000) },
    approval: false,
    risk: 'read',
    phase: 'diagnose',
    rationale: 'no runbook answers this alert: a person checks it by hand',
  };
}

/** A step that stops the workflow for a person: a question, a checklist item, a write or an asked-for approval. */
const waitsForPerson = (s: PlanStepInput) => s.tool === TOOL.ask || s.tool === TOOL.checklist || s.approval === true || s.risk === 'write';

/**
 * Built-in diagnostics placed after the runbook's diagnostics that run on their own, and before the first one that
 * waits for a person (else after the phase, as placeAfterPhase). They are reads that need no answer: a question or
 * a write the runbook asks for first must not hold them back, and what they show may help answer it.
 */
export function placeBuiltins(steps: PlanStepInput[], builtins: readonly PlanStepInput[]): PlanStepInput[] {
  const at = steps.findIndex((s) => PHASE_ORDER[s.phase ?? 'diagnose'] > PHASE_ORDER.diagnose || waitsForPerson(s));
  if (at < 0) return [...steps, ...builtins];
  return [...steps.slice(0, at), ...builtins, ...steps.slice(at)];
}

/** `extra` placed after the steps of its phase (before the first step of a later phase). */
export function placeAfterPhase(steps: PlanStepInput[], extra: readonly PlanStepInput[]): PlanStepInput[] {
  const out = [...steps];
  for (const e of extra) {
    const phase: Phase = e.phase ?? 'diagnose';
    let at = out.findIndex((s) => PHASE_ORDER[s.phase ?? 'diagnose'] > PHASE_ORDER[phase]);
    if (at < 0) at = out.length;
    out.splice(at, 0, e);
  }
  return out;
}
