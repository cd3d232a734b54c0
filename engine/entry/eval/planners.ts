// The planners an evaluation runs: the runbook planner (the no-model baseline), or a model through the LLM planner
// (engine/planning/llm) over an OpenAI-compatible server. A model plans every case itself (no routing: routing
// would send most alerts, which name their runbook, to the runbook planner and measure it instead); it decides at
// phase ends when the LLM planner can, and the runbook planner's decisions stand in while it cannot.
import type { PlanningContext } from '../../planning/context';
import { LlmPlanner } from '../../planning/llm/planner';
import { OpenAiTransport } from '../../planning/llm/openai';
import { RunbookPlanner } from '../../planning/runbook';
import type { DecideRequest, DecideResult } from '../../control/workflow/decision';
import type { PlanRequest, PlanResult, Planner } from '../../control/workflow/planner';

export interface ModelSpec {
  /** Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1. */
  readonly url: string;
  readonly model: string;
  /** From RUNBOOK_AGENT_LLM_API_KEY only (never a flag). */
  readonly apiKey?: string;
}

export interface PlannerChoice {
  readonly planner: Planner;
  /** Who plans and who decides, for the report. */
  readonly plans: string;
  readonly decides: string;
}

/** Plans with the model; decides with the model when it can, else with the runbook planner. */
class ModelPlanner implements Planner {
  readonly name: string;
  readonly provider: string;
  constructor(
    private readonly model: Planner,
    private readonly fallback: RunbookPlanner,
  ) {
    this.name = model.name;
    this.provider = model.provider;
  }

  plan(input: PlanRequest, signal: AbortSignal): Promise<PlanResult> {
    return this.model.plan(input, signal);
  }

  decide(input: DecideRequest, signal: AbortSignal): Promise<DecideResult> {
    return this.model.decide ? this.model.decide(input, signal) : this.fallback.decide(input, signal);
  }
}

export function choosePlanner(context: PlanningContext, model: ModelSpec | null): PlannerChoice {
  const runbook = new RunbookPlanner({ context });
  if (model === null) return { planner: runbook, plans: 'runbook', decides: 'runbook' };
  const host = new URL(model.url).host;
  const llm = new LlmPlanner({
    name: `llm:${model.model}`,
    provider: `openai:${host}`,
    transport: new OpenAiTransport({ baseUrl: model.url, model: model.model, apiKey: model.apiKey }),
    context,
  });
  const decides = typeof (llm as Planner).decide === 'function' ? llm.name : 'runbook (the LLM planner does not decide yet)';
  return { planner: new ModelPlanner(llm, runbook), plans: llm.name, decides };
}
