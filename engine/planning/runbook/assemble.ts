// Candidates -> the plan's steps: rejected steps out (and the steps that needed a rejected answer), diagnose
// before mitigate before verify, the maxSteps bound, one question per missing value right before its first
// use, and the alert-expression check at the end.
import { TOOL } from '../../execution/tools/names';
import { ClassifiedError } from '../../control/workflow/failures';
import type { PlanStepInput } from '../../control/workflow/plan';
import type { PlanRequest } from '../../control/workflow/planner';
import { askId, EXPR_CHECK_ID } from './ids';
import { PHASE_ORDER } from './phase';
import { clip } from './reference';
import type { Candidate } from './steps';

export interface AssembleInput {
  readonly candidates: readonly Candidate[];
  readonly rejected: PlanRequest['rejected'];
  readonly maxSteps: number;
  readonly runbookPath: string;
  /** The alert rule's expression, when the PromQL tool can re-evaluate it. */
  readonly expression: string | undefined;
  readonly notes: string[];
}

export function assemble(input: AssembleInput): PlanStepInput[] {
  const { notes } = input;
  const rejectedIds = new Set(input.rejected.map((r) => r.stepId));
  const refusedAnswers = new Set<string>();
  for (const c of input.candidates) for (const name of c.asks.keys()) if (rejectedIds.has(askId(name))) refusedAnswers.add(name);
  const kept = input.candidates.filter((c) => !rejectedIds.has(c.id) && ![...c.asks.keys()].some((n) => refusedAnswers.has(n)));
  const left = input.candidates.length - kept.length;
  if (left > 0) notes.push(`left out ${left} step(s) a person rejected or whose question was rejected`);
  if (input.rejected.length > 0 && input.candidates.some((c) => c.phase === 'mitigate') && !kept.some((c) => c.phase === 'mitigate')) {
    const why = input.rejected.map((r) => `${r.stepId}${r.reason ? ` (${clip(r.reason, 100)})` : ''}`).join(', ');
    throw new ClassifiedError('permanent', clip(`nothing left to try in ${input.runbookPath}: person rejected ${why}`, 1000));
  }
  const ordered = [...kept].sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase]);
  const selected = bound(ordered, input.maxSteps, notes);

  const steps: PlanStepInput[] = [];
  const ids = new Set(selected.map((c) => c.id));
  const asked = new Set<string>();
  for (const c of selected) {
    for (const [name, ask] of c.asks) {
      if (asked.has(name)) continue;
      asked.add(name);
      let id = askId(name);
      for (let n = 2; ids.has(id); n++) id = `${askId(name)}-${n}`;
      ids.add(id);
      const why = ask.reason ?? 'The alert does not carry it.';
      const kind = ask.expects === 'number' ? 'number' : 'value';
      const question = clip(`What ${kind} should replace ${ask.raw} in step ${c.id} (section "${clip(c.heading, 80)}" of ${input.runbookPath})? ${why}`, 1000);
      const rationale = clip(ask.reason ? `${ask.reason}; a person supplies it` : `the alert has no value for ${ask.raw}; a person supplies it`, 500);
      steps.push({ id, tool: TOOL.ask, input: { name, question, ...(ask.expects ? { expects: ask.expects } : {}) }, approval: false, risk: 'read', phase: c.phase, rationale, source: c.source });
    }
    steps.push({
      id: c.id,
      tool: c.tool,
      input: c.input,
      // The policy gate decides who approves writes; a value that does not fit its place makes any step wait.
      approval: c.review.length > 0,
      risk: c.risk,
      phase: c.phase,
      rationale: c.review.length > 0 ? clip(`${c.review.join('; ')}. ${c.rationale}`, 500) : c.description ? clip(`${c.description} (${c.rationale})`, 500) : c.rationale,
      source: c.source,
      ...(c.when ? { when: c.when } : {}),
      origin: 'runbook',
      ...(c.check ? { check: c.check } : {}),
    });
  }
  if (input.expression !== undefined && !rejectedIds.has(EXPR_CHECK_ID) && !ids.has(EXPR_CHECK_ID)) {
    steps.push({
      id: EXPR_CHECK_ID,
      tool: TOOL.promql,
      input: { query: input.expression },
      approval: false,
      risk: 'read',
      phase: 'verify',
      rationale: "verify step: the alert rule's expression returns no series once the cause is gone",
      check: { empty: true },
    });
  }
  return steps;
}

/** At most `max` steps; the first mitigation and the first verification keep their place so the plan still acts. */
function bound(ordered: readonly Candidate[], max: number, notes: string[]): Candidate[] {
  if (ordered.length <= max) return [...ordered];
  const reserved = new Set(
    [ordered.find((c) => c.phase === 'mitigate'), ordered.find((c) => c.phase === 'verify')].filter((c): c is Candidate => c !== undefined).slice(0, Math.max(0, max - 1)),
  );
  let room = max - reserved.size;
  const out = ordered.filter((c) => reserved.has(c) || room-- > 0);
  notes.push(`kept ${out.length} of ${ordered.length} runbook steps (maxSteps ${max}); dropped ${ordered.filter((c) => !out.includes(c)).map((c) => c.id).join(', ')}`);
  return out;
}
