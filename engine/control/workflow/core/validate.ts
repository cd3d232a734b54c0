// VALIDATING: verified -> COMPLETED. An `expect` miss re-plans; a failed verification check escalates with the
// evidence. A plan with nothing to check waits (bounded) for the alert's resolved notification instead, when it
// is an alert from monitoring (it has a fingerprint); a person's request has nothing to wait for.
import { canonicalJson } from '../canonical';
import { evaluateCheck, excerpt } from '../checks';
import type { PlanStep } from '../plan';
import { assess, effectiveInput, keyOf } from '../stepRules';
import type { AnyTool } from '../tool';
import type { VerificationOutcome, WorkflowView } from '../view';
import { escalate, fail } from './outcomes';
import type { CoreConfig, Facts, Outcome } from './types';

export function validate(view: WorkflowView, facts: Facts, cfg: CoreConfig): Outcome {
  const refused = everyWriteDeclined(view, facts);
  if (refused) return escalate(refused, { class: 'declined' });
  const evidence: Array<{ stepId: string; problems: string[]; output: string }> = [];
  const verification: VerificationOutcome[] = [];
  // A check on a step that was declined or skipped says nothing either way: it is left out.
  const checked = (view.plan?.steps ?? []).filter((s) => (s.expect !== undefined || s.check !== undefined) && !view.skipped?.[s.id]);
  if (checked.length === 0 && view.request.fingerprint !== undefined) return awaitResolution(view, facts, cfg);
  for (const step of checked) {
    const tool = facts.tools.get(step.tool);
    const key = tool ? keyOf(view, step, tool) : null;
    const record = key === null ? null : facts.toolCall(key);
    const ran = record?.status === 'done';
    if (step.expect !== undefined && !(ran && canonicalJson(record.result).includes(step.expect))) {
      return fail(view, cfg, facts, 'validation', `validation: output of step ${step.id} does not contain ${JSON.stringify(step.expect)}`);
    }
    if (step.check === undefined) continue;
    const result = ran ? evaluateCheck(step.check, record.result, view.answers) : { passed: false, text: 'the step did not run ✗', problems: ['the step did not run'] };
    const what = (tool && describeBound(view, step, tool)) ?? step.id;
    verification.push({ stepId: step.id, passed: result.passed, text: `${what}: ${result.text}`, toolCallId: ran ? key : null });
    if (!result.passed) evidence.push({ stepId: step.id, problems: result.problems, output: ran ? excerpt(record.result) : '' });
  }
  if (evidence.length > 0) {
    const summary = evidence.map((e) => `${e.stepId}: ${e.problems.join(', ')}`).join('; ');
    return escalate(`not verified: ${summary}`, { class: 'validation', evidence, verification });
  }
  return { events: [{ type: 'completed', to: 'COMPLETED', data: { verification } }], next: { kind: 'settled' } };
}

function awaitResolution(view: WorkflowView, facts: Facts, cfg: CoreConfig): Outcome {
  if (view.alertResolvedAt !== null) return { events: [{ type: 'completed', to: 'COMPLETED', data: { verifiedBy: 'the alert resolved' } }], next: { kind: 'settled' } };
  const deadline = (view.validatingAt ?? facts.now) + cfg.resolveWaitMs;
  if (facts.now < deadline) {
    // Said once, so the panel and `show` can tell what it waits for and until when; after that the task only sleeps.
    const events = view.awaitingResolution ? [] : [{ type: 'awaiting_resolution' as const, data: { until: deadline } }];
    return { events, next: { kind: 'later', at: deadline } };
  }
  return escalate(`not verified: the plan has no verification step and the alert did not resolve within ${Math.round(cfg.resolveWaitMs / 60_000)} min`, { class: 'validation' });
}

/**
 * A plan whose writes a person all declined did nothing about the alert: it is not complete, whatever planner made
 * it (the runbook planner says so at the end of the mitigation phase already; this holds for every planner).
 */
function everyWriteDeclined(view: WorkflowView, facts: Facts): string | null {
  const steps = view.plan?.steps ?? [];
  const writes = steps.flatMap((s) => {
    const tool = facts.tools.get(s.tool);
    return tool && isWrite(view, s, tool) ? [{ step: s, tool }] : [];
  });
  const declined = writes.map((w) => w.step).filter((s) => view.skipped?.[s.id]?.reason.startsWith('declined'));
  if (declined.length === 0) return null;
  // A retry starts a new generation of calls: a write done in an earlier one still did something.
  const generations = Array.from({ length: (view.generation ?? 0) + 1 }, (_, g) => ({ ...view, generation: g }));
  const wroteSomething = writes.some(({ step, tool }) =>
    generations.some((g) => {
      const key = keyOf(g, step, tool);
      return key !== null && facts.toolCall(key)?.status === 'done';
    }),
  );
  if (wroteSomething) return null;
  return `nothing left to try: every write was declined: ${declined.map((s) => `${s.id} (${view.skipped![s.id]!.reason})`).join(', ')}`.slice(0, 1000);
}

function isWrite(view: WorkflowView, step: PlanStep, tool: AnyTool): boolean {
  try {
    return assess(tool, step, effectiveInput(view, step, tool)).risk === 'write';
  } catch {
    return false;
  }
}

/** What a step ran, in a person's words, with answers filled in (undefined when they cannot be). */
function describeBound(view: WorkflowView, step: PlanStep, tool: AnyTool): string | undefined {
  try {
    return tool.describe?.(effectiveInput(view, step, tool));
  } catch {
    return undefined;
  }
}
