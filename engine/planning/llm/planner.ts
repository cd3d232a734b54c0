import type { PlanRequest, PlanResult, Planner } from '../../workflow/planner';
import { alertQuery, snapshotOf, type PlanningContext } from '../context';
import { MODEL_PLAN_SCHEMA, parseModelPlan, toEnginePlan } from './output';
import { buildMessages } from './prompt';
import { loadTemplates } from './template';
import type { ChatTransport } from './transport';

export interface LlmPlannerOptions {
  readonly name: string;
  /** Circuit breaker key, e.g. "openai:127.0.0.1:11434" or "vscode-lm". */
  readonly provider: string;
  readonly transport: ChatTransport;
  readonly context: PlanningContext;
  readonly templateVersion?: string;
  /** Runbook sections retrieved into the prompt. */
  readonly k?: number;
  /** Where the versioned templates live; tests may point elsewhere. */
  readonly templateRoot?: string;
}

/**
 * A model drafts the plan from the retrieved runbook sections. It only proposes: the orchestrator checks tools
 * and inputs, re-plans with the error quoted, and the policy gate decides what needs a person.
 */
export class LlmPlanner implements Planner {
  readonly name: string;
  readonly provider: string;
  private readonly templateVersion: string;
  private readonly k: number;

  constructor(private readonly options: LlmPlannerOptions) {
    this.name = options.name;
    this.provider = options.provider;
    this.templateVersion = options.templateVersion ?? 'v1';
    this.k = options.k ?? 6;
  }

  async plan(input: PlanRequest, signal: AbortSignal): Promise<PlanResult> {
    const { context, transport } = this.options;
    const hits = await context.search(alertQuery(input.request), this.k);
    const templates = loadTemplates(this.templateVersion, this.options.templateRoot);
    const messages = buildMessages(templates, { request: input, hits, tools: context.tools });
    const answer = await transport.chat({ messages, schema: MODEL_PLAN_SCHEMA, schemaName: 'runbook_plan' }, signal);
    // Only the summary and each step's rationale are kept: the rest of the answer (any reasoning) is dropped here.
    const plan = toEnginePlan(parseModelPlan(answer.content), hits);
    const inputTokens = answer.inputTokens ?? 0;
    const outputTokens = answer.outputTokens ?? 0;
    return {
      plan,
      tokens: inputTokens + outputTokens,
      snapshot: snapshotOf(hits),
      trace: { model: answer.model, templateVersion: this.templateVersion, inputTokens, outputTokens },
    };
  }
}
