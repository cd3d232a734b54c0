// The decision prompt: the alert, the plan (what ran, what is ahead), the observations with their citation ids,
// the engine's own reading, the runbook steps a model may copy, and the tool catalogue, all fenced as data.
import { redactText } from '../../execution/redact';
import { MAX_ADDED, MAX_ROUNDS, type DecideRequest, type DecisionInput } from '../../control/workflow/decision';
import type { PlanStep } from '../../control/workflow/plan';
import type { AnyTool } from '../../control/workflow/tool';
import type { Observation } from '../observe/observations';
import { MAX_MODEL_NOTES } from './decideOutput';
import { dataBlock } from './fence';
import { alertData, modelTools, oneLine, toolSection } from './prompt';
import type { NamedStep } from './runbookSteps';
import { render, type FamilyTemplates } from './template';
import type { ChatMessage } from './transport';

/** Output characters of all observations together; the latest keep the most. */
export const OBSERVATION_CHARS = 24_000;
/** No observation is cut below this, however many there are. */
const MIN_OUTPUT_CHARS = 300;

export interface DecidePromptInput {
  readonly request: DecideRequest;
  readonly observations: readonly Observation[];
  readonly tools: readonly AnyTool[];
  readonly runbookSteps: readonly NamedStep[];
  /** The runbook planner's decision on the same record (conditions, findings), shown as the engine's reading. */
  readonly engine: DecisionInput;
}

export function buildDecideMessages(t: FamilyTemplates<'decide'>, input: DecidePromptInput): ChatMessage[] {
  const r = input.request;
  const tools = new Map(input.tools.map((x) => [x.name, x]));
  const byStep = new Map(input.observations.map((o) => [o.stepId, o]));
  const done = r.plan.steps.slice(0, r.stepIndex).map((s) => doneEntry(s, byStep.get(s.id), r));
  const ahead = r.plan.steps.slice(r.stepIndex).map((s) => aheadEntry(s, tools.get(s.tool), r));
  const roundsLeft = MAX_ROUNDS - r.round - 1;
  const context = render(t.context, {
    alert: dataBlock(JSON.stringify(alertData(r), null, 2)),
    planSummary: dataBlock(r.plan.summary || '(none)'),
    done: done.length > 0 ? dataBlock(JSON.stringify(done, null, 2)) : '(none)',
    ahead: ahead.length > 0 ? dataBlock(JSON.stringify(ahead, null, 2)) : '(none: the plan ends here; verification follows)',
    observationCount: input.observations.length,
    observations: input.observations.length > 0 ? observationsText(input.observations) : '(none: nothing ran yet)',
    engineReading: engineReading(input.engine),
    runbookStepCount: input.runbookSteps.length,
    runbookSteps: input.runbookSteps.length > 0 ? dataBlock(JSON.stringify(input.runbookSteps.map(namedEntry), null, 2)) : '(none: no runbook in the workspace names a step for this alert, so no step you add may write)',
    tools: modelTools(input.tools).map(toolSection).join('\n\n'),
    answers: Object.keys(r.answers).length > 0 ? `Use them as \`{{answer:NAME}}\`: ${Object.keys(r.answers).map((n) => `\`${oneLine(n)}\``).join(', ')}.` : '(none)',
  });
  const task = render(t.task, {
    phase: r.phase,
    roundNumber: r.round + 1,
    maxRounds: MAX_ROUNDS,
    maxAdded: MAX_ADDED,
    maxNotes: MAX_MODEL_NOTES,
    roundsLeft: roundsLeft > 0 ? ` (at most ${roundsLeft} more round(s) of this phase)` : ' only if a later phase ends: this is the last round for this phase, so add only what you need before the plan goes on',
  });
  return [
    { role: 'system', content: t.system.trim() },
    { role: 'user', content: [context.trim(), task.trim(), t.checklist.trim()].join('\n\n') },
  ];
}

/** What a step does, as a person reads it: the command, the query, the question; redacted, bounded. */
export function describeInput(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.item, i.url, i.path].find((v) => typeof v === 'string') as string | undefined;
  return clip(redactText(text ?? JSON.stringify(input ?? null)), 1000);
}

function doneEntry(s: PlanStep, o: Observation | undefined, r: DecideRequest) {
  const skipped = r.skipped[s.id];
  const status = skipped ? `skipped: ${clip(redactText(skipped.reason), 300)}` : o ? (o.status === 'ok' ? 'ok' : `${o.status}${o.why ? ` (${clip(redactText(o.why), 300)})` : ''}`) : 'no call recorded';
  return { id: s.id, phase: s.phase ?? 'diagnose', tool: s.tool, what: describeInput(s.input), status, ...(o && !skipped ? { observation: o.id } : {}) };
}

function aheadEntry(s: PlanStep, tool: AnyTool | undefined, r: DecideRequest) {
  let risk: 'read' | 'write' = s.risk === 'write' ? 'write' : (tool?.risk ?? 'write');
  try {
    const own = tool?.assess?.(s.input);
    if (own) risk = own.risk === 'write' || s.risk === 'write' ? 'write' : 'read';
  } catch {
    risk = 'write';
  }
  const skipped = r.skipped[s.id];
  return {
    id: s.id,
    phase: s.phase ?? 'diagnose',
    tool: s.tool,
    risk,
    what: describeInput(s.input),
    ...(s.when ? { when: s.when } : {}),
    ...(s.source ? { source: sourceText(s.source) } : {}),
    ...(s.origin && s.origin !== 'runbook' ? { origin: s.origin } : {}),
    ...(skipped ? { alreadySkipped: clip(redactText(skipped.reason), 300) } : {}),
  };
}

function namedEntry(n: NamedStep) {
  return {
    ref: n.ref,
    phase: n.phase,
    tool: n.tool,
    risk: n.risk,
    input: n.input,
    ...(n.when ? { when: n.when } : {}),
    source: sourceText(n.source),
  };
}

function sourceText(s: NonNullable<PlanStep['source']>): string {
  return `${s.path}:${s.startLine}-${s.endLine}${s.heading ? ` "${oneLine(s.heading)}"` : ''}`;
}

function engineReading(d: DecisionInput): string {
  const lines = [
    ...(d.skip ?? []).map((k) => `would skip ${k.stepId}: ${k.reason}${k.evidence?.length ? ` [${k.evidence.join(', ')}]` : ''}`),
    ...(d.notes ?? []),
    ...(d.escalate ? [`would escalate: ${d.escalate}`] : []),
  ];
  return lines.length > 0 ? dataBlock(lines.map((l) => `- ${redactText(l)}`).join('\n')) : '(nothing to note)';
}

/** Each observation under its citation id; outputs share OBSERVATION_CHARS, the latest first. */
export function observationsText(observations: readonly Observation[]): string {
  const caps = new Array<number>(observations.length);
  let left = OBSERVATION_CHARS;
  for (let i = observations.length - 1; i >= 0; i--) {
    const want = observations[i]!.output.length;
    caps[i] = Math.min(want, Math.max(MIN_OUTPUT_CHARS, left));
    left = Math.max(0, left - caps[i]!);
  }
  return observations
    .map((o, i) => {
      const status = o.status === 'ok' ? 'ok' : `${o.status}${o.why ? ` (${clip(redactText(o.why), 300)})` : ''}`;
      const head = `### ${o.id}: step ${JSON.stringify(o.stepId)} (${o.phase}, ${o.tool}), ${status}`;
      const findings = o.findings.length > 0 ? `\n\nKnown failure signatures in the output: ${o.findings.map((f) => f.meaning).join('; ')}.` : '';
      const output = o.output.length > caps[i]! ? `${o.output.slice(0, caps[i]!)}… (cut: ${o.output.length - caps[i]!} more characters)` : o.output;
      return `${head}\n\nWhat ran:\n\n${dataBlock(clip(redactText(o.what), 2000))}${findings}\n\nOutput:\n\n${dataBlock(output || '(no output)')}`;
    })
    .join('\n\n');
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
