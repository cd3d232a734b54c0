// The runbook planner's decisions, without a model: after a phase, the steps still to run are checked against
// what ran. A step whose runbook condition the outputs show false is skipped, citing those outputs; the findings
// (failed commands, known failure signatures) are noted; and when a person declined every mitigation the runbook
// names, the workflow escalates with their reasons instead of verifying a fix nobody made.
import { TOOL } from '../../execution/tools/names';
import type { DecideRequest, DecisionInput } from '../../control/workflow/decision';
import { evaluateCondition } from '../observe/conditions';
import { observe } from '../observe/observations';

export function runbookDecision(input: DecideRequest): DecisionInput {
  const observations = observe(input.plan, input.calls);
  const notes: string[] = [];
  const skip: NonNullable<DecisionInput['skip']> = [];
  for (const o of observations.filter((x) => x.phase === input.phase)) {
    if (o.status === 'failed' || o.status === 'flagged') notes.push(`${o.stepId} ${o.status === 'failed' ? 'failed' : 'needs a look'} (${o.why}) [${o.id}]`);
    for (const f of o.findings) notes.push(`${o.stepId}: ${f.meaning} — "${f.line}" [${o.id}]`);
  }
  for (const step of input.plan.steps.slice(input.stepIndex)) {
    if (!step.when || input.skipped[step.id]) continue;
    const verdict = evaluateCondition(step.when, observations);
    if (verdict.holds === false) skip.push({ stepId: step.id, reason: `its condition does not hold: ${verdict.why} ("${step.when}")`, evidence: verdict.evidence });
    else if (verdict.holds === true) notes.push(`${step.id} applies: ${verdict.why}`);
  }
  if (input.phase === 'mitigate') {
    // What a person answers or ticks is not a mitigation the runbook names; only what would change something is.
    // Nor is a silence (engine/planning/runbook/silence.ts): it quiets notifications, it fixes nothing.
    const mitigations = input.plan.steps.filter((s) => s.phase === 'mitigate' && s.origin !== 'builtin' && s.tool !== TOOL.ask && s.tool !== TOOL.checklist && s.tool !== TOOL.alertmanagerSilence);
    const declined = mitigations.filter((s) => input.skipped[s.id]?.reason.startsWith('declined'));
    if (mitigations.length > 0 && declined.length === mitigations.length) {
      const why = declined.map((s) => `${s.id} (${input.skipped[s.id]!.reason})`).join(', ');
      return { skip, notes, escalate: `nothing left to try: every mitigation the runbook names was declined: ${why}`.slice(0, 1000) };
    }
  }
  return { skip, notes: notes.slice(0, 20) };
}
