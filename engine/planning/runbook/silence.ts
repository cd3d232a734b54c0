// Alertmanager write-back in the plan: when the alert came from Alertmanager, the alertmanager_silence tool is
// configured and the plan has a mitigation that writes, a step that silences the alert's labels is placed just
// before the first such write. It is a write itself, so it waits for a person's approval like any other; declining
// it leaves notifications on and the mitigation goes on. The agent expires the silence when the workflow settles
// (engine/entry/agent/silences.ts). The labels are data: they become equality matchers, never a regex.
// Both planners place it with placeSilence, by this rule only: a model's plan gets the same step (after
// withoutProposedSilences has taken out any silence the model asked for itself; engine/planning/llm/planner.ts).
import { DEFAULT_SILENCE_MINUTES, SilenceInput } from '../../execution/tools/alertmanager';
import { TOOL } from '../../execution/tools/names';
import type { PlanStepInput } from '../../control/workflow/plan';
import type { PlanRequest } from '../../control/workflow/planner';
import { clip } from './reference';

export const SILENCE_STEP_ID = 'silence-alert';

/** The text in a silence's comment that links it to its workflow. */
export const workflowLink = (workflowId: string) => `runbook-agent: workflow ${workflowId}`;

/** The plan's own claim; a model's plan passes the engine's assessment too (a write the model called a read counts). */
const claimsWrite = (s: PlanStepInput) => s.risk === 'write';

/**
 * `steps` with the silence step before the first mitigation write, or unchanged: without the tool, for an alert that
 * did not come from Alertmanager (or is resolved), without a mitigation write, when a person declined the silence
 * before (a re-plan does not propose it again), or when the alert's labels cannot all be matchers (a silence on only
 * some of them would silence more than this alert; `notes` says why).
 */
export function placeSilence(
  steps: readonly PlanStepInput[],
  input: Pick<PlanRequest, 'workflowId' | 'request' | 'rejected'>,
  tools: ReadonlySet<string>,
  notes: string[] = [],
  isWrite: (step: PlanStepInput) => boolean = claimsWrite,
): PlanStepInput[] {
  const { request, workflowId } = input;
  const at = steps.findIndex((s) => s.phase === 'mitigate' && s.tool !== TOOL.ask && s.tool !== TOOL.checklist && s.tool !== TOOL.alertmanagerSilence && isWrite(s));
  if (!tools.has(TOOL.alertmanagerSilence) || request.source !== 'alertmanager' || request.status !== 'firing' || at < 0) return [...steps];
  if (steps.some((s) => s.id === SILENCE_STEP_ID) || input.rejected.some((r) => r.stepId === SILENCE_STEP_ID)) return [...steps];
  const alertname = request.labels.alertname ?? request.title;
  const silence = {
    matchers: Object.entries(request.labels).map(([name, value]) => ({ name, value })),
    durationMinutes: DEFAULT_SILENCE_MINUTES,
    comment: clip(`Silenced while a person's approved mitigation of ${alertname} runs; expired when the workflow settles (${workflowLink(workflowId)})`, 1000),
  };
  const checked = SilenceInput.safeParse(silence);
  if (!checked.success) {
    notes.push(`no Alertmanager silence offered: the alert's labels cannot be silence matchers (${clip(checked.error.issues.map((i) => i.message).join('; '), 200)})`);
    return [...steps];
  }
  const step: PlanStepInput = {
    id: SILENCE_STEP_ID,
    tool: TOOL.alertmanagerSilence,
    input: silence,
    // Like the runbook's own writes: the policy gate makes every write wait for a person (unless their own allow rule says otherwise).
    approval: false,
    risk: 'write',
    phase: 'mitigate',
    rationale: clip(
      `while the mitigation below works, Alertmanager sends no more notifications for this alert: a silence on its labels for ${DEFAULT_SILENCE_MINUTES} minutes, expired as soon as the workflow completes, escalates or is cancelled; reject it to keep notifications on`,
      500,
    ),
    origin: 'planner',
  };
  return [...steps.slice(0, at), step, ...steps.slice(at)];
}

/**
 * A model's plan without the silences it asked for: an alertmanager_silence step is the engine's to place (above),
 * never a model's (its matchers could silence far more than this alert), so such a step is dropped with a note. A
 * model step that only took the silence step's id is renamed, so it can neither stand in for the silence nor, once
 * rejected, keep the engine from offering it.
 */
export function withoutProposedSilences(steps: readonly PlanStepInput[], notes: string[] = []): PlanStepInput[] {
  const kept = steps.filter((s) => {
    if (s.tool !== TOOL.alertmanagerSilence) return true;
    notes.push(`the model proposed an Alertmanager silence (step ${clip(s.id, 60)}); dropped: the engine offers the silence itself, before the first mitigation write`);
    return false;
  });
  const taken = new Set(kept.map((s) => s.id));
  return kept.map((s) => {
    if (s.id !== SILENCE_STEP_ID) return s;
    let id = `${SILENCE_STEP_ID}-model`;
    for (let n = 2; taken.has(id); n++) id = `${SILENCE_STEP_ID}-model-${n}`;
    taken.add(id);
    return { ...s, id };
  });
}
