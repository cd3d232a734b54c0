import { draftFromRecord, type SummaryDraft } from '../observe/draftSummary';
import type { SettledRecord } from '../../control/workflow/planner';
import type { DecideRequest, DecideResult } from '../../control/workflow/decision';
import type { PlanRequest, PlanResult, PlanTrace, Planner } from '../../control/workflow/planner';
import { alertQuery, recallIncidents, snapshotOf, type PlanningContext } from '../context';
import { observe } from '../observe/observations';
import { runbookDecision } from '../runbook/decide';
import { clip } from '../runbook/reference';
import { placeSilence, withoutProposedSilences } from '../runbook/silence';
import type { PlanStepInput } from '../../control/workflow/plan';
import type { AnyTool } from '../../control/workflow/tool';
import { cleanDecision } from './decide';
import { MODEL_DECISION_SCHEMA, parseModelDecision } from './decideOutput';
import { buildDecideMessages } from './decidePrompt';
import { MODEL_PLAN_SCHEMA, parseModelPlan, toEnginePlan } from './output';
import { buildMessages } from './prompt';
import { runbookSteps } from './runbookSteps';
import { loadFamily, loadTemplates } from './template';
import type { ChatTransport } from './transport';
import { truncate } from './transport';

export interface LlmPlannerOptions {
  readonly name: string;
  /** Circuit breaker key, e.g. "openai:127.0.0.1:11434" or "vscode-lm". */
  readonly provider: string;
  readonly transport: ChatTransport;
  readonly context: PlanningContext;
  readonly templateVersion?: string;
  /** The decision prompt's version (prompts/decide/<version>). */
  readonly decideTemplateVersion?: string;
  /** Runbook sections retrieved into the prompt. */
  readonly k?: number;
  /** Where the versioned templates live; tests may point elsewhere. */
  readonly templateRoot?: string;
}

/** A decision with what went into it, for the trace (the orchestrator records decision, tokens and by). */
export interface LlmDecideResult extends DecideResult {
  readonly trace: PlanTrace;
}

/**
 * The engine's own reading of a step's risk (the tool's assessment of the input as planned). For placing the
 * silence only: the plan keeps the model's claim as it said it, and the policy gate assesses again before a call.
 */
function engineSaysWrite(tools: readonly AnyTool[], step: PlanStepInput): boolean {
  const tool = tools.find((t) => t.name === step.tool);
  if (!tool) return false; // the orchestrator refuses the plan anyway
  try {
    const input = tool.input.safeParse(step.input);
    return input.success && (tool.assess?.(input.data) ?? { risk: tool.risk }).risk === 'write';
  } catch {
    return true;
  }
}

/**
 * A model drafts the plan from the retrieved runbook sections. It only proposes: the orchestrator checks tools
 * and inputs, re-plans with the error quoted, and the policy gate decides what needs a person.
 */
export class LlmPlanner implements Planner {
  readonly name: string;
  readonly provider: string;
  private readonly templateVersion: string;
  private readonly decideTemplateVersion: string;
  private readonly k: number;

  constructor(private readonly options: LlmPlannerOptions) {
    this.name = options.name;
    this.provider = options.provider;
    this.templateVersion = options.templateVersion ?? 'v1';
    this.decideTemplateVersion = options.decideTemplateVersion ?? 'v1';
    this.k = options.k ?? 6;
  }

  async plan(input: PlanRequest, signal: AbortSignal): Promise<PlanResult> {
    const { context, transport } = this.options;
    const hits = await context.search(alertQuery(input.request), this.k);
    const templates = loadTemplates(this.templateVersion, this.options.templateRoot);
    const messages = buildMessages(templates, { request: input, hits, tools: context.tools, memories: await recallIncidents(context, input.request, input.workflowId) });
    const answer = await transport.chat({ messages, schema: MODEL_PLAN_SCHEMA, schemaName: 'runbook_plan' }, signal);
    // Only the summary and each step's rationale are kept: the rest of the answer (any reasoning) is dropped here.
    const proposed = toEnginePlan(parseModelPlan(answer.content), hits);
    // Alertmanager write-back by the engine's own rule, as in the runbook planner (runbook/silence.ts): the
    // model cannot ask for a silence, and a mitigation the engine assesses as a write gets one offered before it.
    const notes: string[] = [];
    const tools = new Set(context.tools.map((t) => t.name));
    const steps = placeSilence(withoutProposedSilences(proposed.steps, notes), input, tools, notes, (s) => s.risk === 'write' || engineSaysWrite(context.tools, s));
    const plan = { summary: notes.length > 0 ? clip([proposed.summary, ...notes.map((n) => `Note: ${n}.`)].join(' '), 2000) : proposed.summary, steps };
    const inputTokens = answer.inputTokens ?? 0;
    const outputTokens = answer.outputTokens ?? 0;
    return {
      plan,
      tokens: inputTokens + outputTokens,
      snapshot: snapshotOf(hits),
      trace: { model: answer.model, templateVersion: this.templateVersion, inputTokens, outputTokens },
    };
  }

  /** The incident summary, drafted by this model from the record only (claims without a citation are dropped). */
  async summarize(record: SettledRecord, signal: AbortSignal): Promise<{ draft: SummaryDraft; tokens: number }> {
    const draft = await draftFromRecord(record.view, record.calls, record.events, this.options.transport, { signal });
    return { draft, tokens: draft.tokens };
  }

  /**
   * At the end of a phase: the model reads the observations (redacted, capped, each with its citation id) and
   * says what comes next; cleanDecision keeps only what the rules allow and notes the rest. The runbook
   * planner's own reading of the record (conditions the outputs contradict, failure signatures, every mitigation
   * declined) stands beside it. A malformed answer changes nothing but is noted, with its tokens counted.
   */
  async decide(input: DecideRequest, signal: AbortSignal): Promise<LlmDecideResult> {
    const { context, transport } = this.options;
    const observations = observe(input.plan, input.calls);
    const engine = runbookDecision(input);
    const named = await runbookSteps(context, input.request, input.plan, this.k, signal);
    const templates = loadFamily('decide', this.decideTemplateVersion, this.options.templateRoot);
    const messages = buildDecideMessages(templates, { request: input, observations, tools: context.tools, runbookSteps: named.steps, engine });
    const answer = await transport.chat({ messages, schema: MODEL_DECISION_SCHEMA, schemaName: 'runbook_decision' }, signal);
    const inputTokens = answer.inputTokens ?? 0;
    const outputTokens = answer.outputTokens ?? 0;
    const result = (decision: DecideResult['decision']): LlmDecideResult => ({
      decision,
      tokens: inputTokens + outputTokens,
      by: this.name,
      trace: { model: answer.model, templateVersion: `decide/${this.decideTemplateVersion}`, inputTokens, outputTokens },
    });
    let model;
    try {
      model = parseModelDecision(answer.content);
    } catch (error) {
      const note = `model ${truncate(answer.model, 100)} answered no usable decision (${truncate((error as Error).message, 300)}); the plan goes on as it stands`;
      return result({ ...engine, notes: [note, ...(engine.notes ?? [])].slice(0, 20) });
    }
    const decision = cleanDecision(model, { request: input, observations, tools: context.tools, runbookSteps: named.steps, allowModelWrites: context.allowModelWrites ?? false, engine });
    if (named.notes.length > 0 && (decision.notes?.length ?? 0) < 20) decision.notes = [...(decision.notes ?? []), ...named.notes.map((n) => truncate(n, 500))].slice(0, 20);
    return result(decision);
  }
}
