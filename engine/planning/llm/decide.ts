// A model's decision at the end of a phase, made safe before the orchestrator sees it. The model reads the same
// observations the runbook planner does; what it answers is checked here: a skip must cite observations that
// exist, an added step must be a read the engine classifies as one, a copy of a step a runbook names, or (only
// when the user's own policy allows model-proposed writes) a write that waits for a person; never an Alertmanager
// silence, which only the engine offers (engine/planning/runbook/silence.ts). Whatever is refused
// is noted in the decision, so the record says what the model wanted and why it did not happen.
import { redactText } from '../../execution/redact';
import { TOOL } from '../../execution/tools/names';
import { bindAnswers, answersUsed } from '../../control/workflow/answers';
import { canonicalJson } from '../../control/workflow/canonical';
import { MAX_ADDED, type DecideRequest, type DecisionInput } from '../../control/workflow/decision';
import { messageOf } from '../../control/workflow/failures';
import type { PlanStepInput } from '../../control/workflow/plan';
import type { AnyTool, Bound } from '../../control/workflow/tool';
import type { Observation } from '../observe/observations';
import type { ModelDecision } from './decideOutput';
import { clip, describeInput } from './decidePrompt';
import type { NamedStep } from './runbookSteps';

export interface CleanInput {
  readonly request: DecideRequest;
  readonly observations: readonly Observation[];
  readonly tools: readonly AnyTool[];
  readonly runbookSteps: readonly NamedStep[];
  /** The user's own policy lets a model propose writes no runbook names (they still wait for a person). */
  readonly allowModelWrites: boolean;
  /** The runbook planner's reading of the same record: its evidence-backed skips, findings and escalation stand. */
  readonly engine?: DecisionInput;
}

/** The decision holds at most 20 notes. */
const MAX_NOTES = 20;

type Skip = NonNullable<DecisionInput['skip']>[number];

/** Evidence the model may cite: observations of calls that returned something. */
export function citable(observations: readonly Observation[]): Set<string> {
  return new Set(observations.filter((o) => o.status !== 'not-run').map((o) => o.id));
}

/** `[tc:…]`, ` tc:… ` → `tc:…`; models decorate ids. */
export function normaliseId(id: string): string {
  return id.trim().replace(/^\[+|\]+$/g, '').trim();
}

export function cleanDecision(model: ModelDecision, c: CleanInput): DecisionInput {
  const r = c.request;
  const refused: string[] = [];
  const known = citable(c.observations);
  const ahead = new Map(r.plan.steps.slice(r.stepIndex).map((s) => [s.id, s]));

  const skip: Skip[] = [];
  for (const k of model.skip) {
    const stepId = k.stepId.trim();
    const step = ahead.get(stepId);
    if (!step) {
      refused.push(`skip ${clip(oneLine(stepId), 100)} refused: not a step still to run`);
      continue;
    }
    if (step.phase === 'verify') {
      refused.push(`skip ${stepId} refused: verification steps are not skipped on a model's word`);
      continue;
    }
    if (r.skipped[stepId] || skip.some((s) => s.stepId === stepId)) continue;
    const needed = answerNeeded(step, r);
    if (needed) {
      refused.push(`skip ${stepId} refused: step ${needed} uses its answer`);
      continue;
    }
    const cited = [...new Set(k.evidence.map(normaliseId).filter((e) => e !== ''))];
    const real = cited.filter((e) => known.has(e));
    const unknown = cited.filter((e) => !known.has(e));
    if (real.length === 0) {
      refused.push(`skip ${stepId} refused: it cites no observation that exists (${unknown.length > 0 ? `cited ${list(unknown)}` : 'no evidence given'})`);
      continue;
    }
    if (unknown.length > 0) refused.push(`skip ${stepId}: unknown evidence id(s) dropped: ${list(unknown)}`);
    skip.push({ stepId, reason: clip(redactText(oneLine(k.reason)), 500) || 'the model gave no reason', evidence: real });
  }

  const tools = new Map(c.tools.map((t) => [t.name, t]));
  const taken = new Set(r.plan.steps.map((s) => s.id));
  const reads: PlanStepInput[] = [];
  const writes: PlanStepInput[] = [];
  for (const a of model.add) {
    const label = clip(oneLine(a.id), 60);
    const rationale = clip(redactText(oneLine(a.rationale)), 500);
    const ref = a.runbookStep?.trim() || null;
    let named: NamedStep | undefined;
    if (ref !== null) {
      named = c.runbookSteps.find((n) => n.ref === ref);
      if (!named) {
        refused.push(`add ${label} dropped: it copies runbook step ${clip(oneLine(ref), 20)}, which does not exist`);
        continue;
      }
    }
    const toolName = named?.tool ?? a.tool;
    if (toolName === TOOL.alertmanagerSilence) {
      // Only the engine offers a silence, by its own rule, when it plans (engine/planning/runbook/silence.ts).
      refused.push(`add ${label} dropped: an Alertmanager silence is the engine's to offer, never a model's`);
      continue;
    }
    const tool = tools.get(toolName);
    if (!tool) {
      refused.push(`add ${label} dropped: unknown tool ${clip(oneLine(toolName), 100)}`);
      continue;
    }
    const parsed = tool.input.safeParse(named ? named.input : a.input);
    if (!parsed.success) {
      refused.push(`add ${label} dropped: input rejected by ${tool.name}: ${clip(parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '), 300)}`);
      continue;
    }
    const input: unknown = parsed.data;
    const missing = answersUsed(input).filter((name) => !(name in r.answers));
    if (missing.length > 0) {
      refused.push(`add ${label} dropped: it uses {{answer:${missing[0]}}}, which nobody has answered`);
      continue;
    }
    let bound: Bound;
    try {
      bound = tool.bind ? tool.bind(input, r.answers) : { input: bindAnswers(input, r.answers, tool.quote?.bind(tool)), review: [] };
    } catch (error) {
      refused.push(`add ${label} dropped: ${clip(messageOf(error), 300)}`);
      continue;
    }
    let risk: 'read' | 'write';
    try {
      risk = (tool.assess?.(bound.input) ?? { risk: tool.risk }).risk;
    } catch {
      risk = 'write';
    }
    // A write the model spelled out that a runbook step names exactly is that step.
    if (!named && risk === 'write') named = c.runbookSteps.find((n) => n.tool === tool.name && canonicalJson(n.input) === canonicalJson(input));
    const id = uniqueId(a.id, taken);
    const base = { id, tool: tool.name, input, rationale: rationale || `added after the ${r.phase} phase`, origin: 'planner' as const };
    if (named) {
      const write = risk === 'write' || named.risk === 'write';
      const step: PlanStepInput = {
        ...base,
        risk: write ? 'write' : 'read',
        phase: write ? 'mitigate' : r.phase,
        approval: write || named.review.length > 0 || bound.review.length > 0,
        rationale: rationale || named.rationale,
        source: named.source,
        ...(named.when ? { when: named.when } : {}),
      };
      (write ? writes : reads).push(step);
      continue;
    }
    if (risk === 'read') {
      if (bound.review.length > 0) {
        refused.push(`add ${id} dropped: ${clip(bound.review[0]!, 300)}`);
        continue;
      }
      reads.push({ ...base, risk: 'read', phase: r.phase });
      continue;
    }
    if (!c.allowModelWrites) {
      refused.push(`model proposed a write no runbook step names: ${clip(oneLine(describeInput(input)), 300)} (step ${label}, ${tool.name}); dropped, never run`);
      continue;
    }
    writes.push({ ...base, risk: 'write', phase: 'mitigate', approval: true, rationale: clip(`model-proposed write, allowed by the user's policy: ${base.rationale}`, 500) });
  }
  // Reads first: they belong to the phase that just ended, and the next decision comes after them.
  const add = [...reads, ...writes].slice(0, MAX_ADDED);

  const engine = c.engine ?? {};
  for (const k of engine.skip ?? []) if (!skip.some((s) => s.stepId === k.stepId) && ahead.has(k.stepId)) skip.push(k);
  const modelEscalate = model.escalate?.trim() ? clip(redactText(model.escalate.trim()), 1000) : undefined;
  const escalate = modelEscalate ?? engine.escalate;
  const notes = [...refused, ...model.notes.map((n) => clip(redactText(oneLine(n)), 500)).filter((n) => n !== ''), ...(engine.notes ?? [])]
    .map((n) => clip(n, 500))
    .slice(0, MAX_NOTES);
  return { skip, add, notes, ...(escalate ? { escalate } : {}) };
}

/** A question or checklist step whose answer a later step uses: skipping it would leave that step unbound. */
function answerNeeded(step: PlanStepInput, r: DecideRequest): string | null {
  const name = (step.input as { name?: unknown } | null)?.name;
  if ((step.tool !== TOOL.ask && step.tool !== TOOL.checklist) || typeof name !== 'string') return null;
  const later = r.plan.steps.slice(r.plan.steps.findIndex((s) => s.id === step.id) + 1);
  return later.find((s) => !r.skipped[s.id] && answersUsed([s.input, s.check ?? null]).includes(name))?.id ?? null;
}

/** Lowercase words and dashes, new in the plan. */
function uniqueId(raw: string, taken: Set<string>): string {
  const base = raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'added';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function list(ids: readonly string[]): string {
  return ids.slice(0, 5).map((i) => clip(i, 40)).join(', ') + (ids.length > 5 ? ` and ${ids.length - 5} more` : '');
}

