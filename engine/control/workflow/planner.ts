import type { SnapshotHit } from '../../../protocol/workflow';
import { ClassifiedError } from './failures';
import type { PlanStep } from './plan';
import type { DecideRequest, DecideResult } from './decision';
import type { AlertRequest } from './request';

export interface PlanRequest {
  readonly workflowId: string;
  readonly request: AlertRequest;
  /** How many times this workflow was re-planned already. */
  readonly replans: number;
  /** Why the previous plan failed, for a re-plan; null the first time. */
  readonly feedback: string | null;
  /** Steps a person rejected in this workflow, with their reasons: a re-plan must not propose them again. */
  readonly rejected: ReadonlyArray<{ readonly stepId: string; readonly reason: string }>;
  /** The runbook a person chose instead of the planner's (Use another runbook), workspace-relative. */
  readonly runbook?: string;
}

/** What went into a plan, for the trace (never the model's reasoning). */
export interface PlanTrace {
  readonly model?: string;
  readonly templateVersion?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Model routing: which planner or model was chosen, and why. */
  readonly route?: { readonly choice: string; readonly reason: string };
  readonly attempts?: number;
}

export interface PlanResult {
  /** Validated by the orchestrator (Plan schema, known tools, each step's input schema). */
  readonly plan: unknown;
  readonly tokens?: number;
  /** What retrieval showed the planner; stored per workflow for audit. */
  readonly snapshot?: readonly SnapshotHit[];
  readonly trace?: PlanTrace;
}

/** Alert or request in, plan out: engine/planning holds the runbook, OpenAI-compatible and vscode.lm planners. */
export interface Planner {
  readonly name: string;
  /** Circuit breaker key: failures of one provider open "model:<provider>". */
  readonly provider: string;
  plan(input: PlanRequest, signal: AbortSignal): Promise<PlanResult>;
  /** At the end of a phase: what comes next, given what the steps returned (engine/control/workflow/decision.ts). */
  decide?(input: DecideRequest, signal: AbortSignal): Promise<DecideResult>;
  /** A model's draft of the incident summary from the record, every claim citing an observation (planning/observe). */
  summarize?(record: SettledRecord, signal: AbortSignal): Promise<{ readonly draft: unknown; readonly tokens: number }>;
}

/** A settled workflow as a summary draft reads it: the view, its tool calls and its events. */
export interface SettledRecord {
  readonly view: import('./view').WorkflowView;
  readonly calls: readonly import('./decision').CallRecord[];
  readonly events: ReadonlyArray<{ readonly type: string; readonly at: number; readonly actor: string; readonly data: Record<string, unknown> }>;
}

export type RunbookSteps = Record<string, ReadonlyArray<Omit<PlanStep, 'approval'> & { approval?: boolean }>>;

/**
 * Fixture planner: the alert's `runbook` label picks a fixed list of steps, and `{{label}}` in string inputs is
 * replaced by that label's value. For tests, the crash harness and benchmarks; users get engine/planning.
 */
export class FixedPlanner implements Planner {
  readonly name = 'fixed';
  readonly provider = 'none';
  constructor(private readonly runbooks: RunbookSteps) {}

  async plan(input: PlanRequest): Promise<PlanResult> {
    const name = input.request.labels.runbook ?? '';
    const steps = this.runbooks[name];
    if (!steps) throw new ClassifiedError('validation', `no runbook named ${JSON.stringify(name)}`);
    return { plan: { summary: `runbook ${name}`, steps: steps.map((s) => ({ ...s, input: fill(s.input, input.request.labels) })) } };
  }
}

function fill(value: unknown, labels: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (_, k: string) => labels[k] ?? '');
  if (Array.isArray(value)) return value.map((v) => fill(v, labels));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, labels)]));
  }
  return value;
}
