// Decisions at the end of a phase: once the diagnostics (or the mitigations) have run, the planner reads what they
// returned and says what comes next: skip a step whose condition the outputs show false, add diagnostics (bounded),
// or escalate. The orchestrator records each decision as a durable action (event `decided`), so recovery after a
// crash never asks the planner twice for a decision already made. Pure functions here; the orchestrator calls them.
import { z } from 'zod';
import { PlanStep, type Phase, type Plan } from './plan';
import type { AlertRequest } from './request';
import type { WorkflowView } from './view';

/** Rounds of "more diagnostics" per phase: a planner that keeps asking is stopped here. */
export const MAX_ROUNDS = 3;
/** Steps one decision may add. */
export const MAX_ADDED = 10;

export const Decision = z
  .object({
    skip: z.array(z.object({ stepId: z.string().min(1).max(100), reason: z.string().min(1).max(500), evidence: z.array(z.string().max(100)).max(50).default([]) }).strict()).max(100).default([]),
    add: z.array(PlanStep).max(MAX_ADDED).default([]),
    /** Nothing more to try: the workflow escalates with this reason. */
    escalate: z.string().min(1).max(1000).optional(),
    /** What the planner read in the observations, for the trace and the summary. */
    notes: z.array(z.string().max(500)).max(20).default([]),
  })
  .strict();
export type Decision = z.infer<typeof Decision>;
export type DecisionInput = z.input<typeof Decision>;

/** A tool call as a decision sees it: the step, what ran and what it returned (redacted when stored). */
export interface CallRecord {
  /** Citation id: the tool call's idempotency key. */
  readonly id: string;
  readonly stepId: string;
  readonly tool: string;
  readonly status: 'intended' | 'done' | 'failed' | 'unknown';
  readonly input: unknown;
  readonly result: unknown;
  readonly error: string | null;
}

export interface DecideRequest {
  readonly workflowId: string;
  readonly request: AlertRequest;
  readonly plan: Plan;
  /** Where the plan stands: the next step to run (or plan.steps.length at the end). */
  readonly stepIndex: number;
  /** The phase that just ended. */
  readonly phase: Phase;
  readonly round: number;
  readonly calls: readonly CallRecord[];
  readonly skipped: WorkflowView['skipped'];
  readonly answers: Readonly<Record<string, string>>;
}

export interface DecideResult {
  readonly decision: unknown;
  readonly tokens?: number;
  readonly by?: string;
}

const phaseOf = (step: PlanStep | undefined, fallback: Phase): Phase => step?.phase ?? fallback;

/** The phase that just ended at the plan's current position, when a decision is due there; null otherwise. */
export function decisionDue(view: WorkflowView): { phase: Phase; stepIndex: number; round: number } | null {
  const steps = view.plan?.steps ?? [];
  const i = view.stepIndex;
  if (i === 0 || i > steps.length) return null;
  const ended = phaseOf(steps[i - 1], 'diagnose');
  // After verification comes validation, not another decision.
  if (ended === 'verify') return null;
  if (i < steps.length && phaseOf(steps[i], ended) === ended) return null;
  const decisions = view.decisions ?? [];
  if (decisions.some((d) => d.stepIndex === i && d.phase === ended)) return null;
  const round = decisions.filter((d) => d.phase === ended).length;
  return round >= MAX_ROUNDS ? null : { phase: ended, stepIndex: i, round };
}

/**
 * A decision made safe to apply: only steps not yet run may be skipped, added step ids must be new, and a
 * problem is named (the decision is then recorded without it, never applied half-checked).
 */
export function checkDecision(raw: unknown, view: WorkflowView): { decision: Decision } | { problem: string } {
  const parsed = Decision.safeParse(raw);
  if (!parsed.success) return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(decision)'}: ${i.message}`).join('; ') };
  const steps = view.plan?.steps ?? [];
  const ahead = new Set(steps.slice(view.stepIndex).map((s) => s.id));
  const bad = parsed.data.skip.find((k) => !ahead.has(k.stepId));
  if (bad) return { problem: `skip ${bad.stepId}: not a step still to run` };
  const ids = new Set(steps.map((s) => s.id));
  const dup = parsed.data.add.find((s) => ids.has(s.id) || parsed.data.add.filter((t) => t.id === s.id).length > 1);
  if (dup) return { problem: `add ${dup.id}: a step with that id exists` };
  return { decision: parsed.data };
}

/** The id a step's tool calls are recorded under: a retry starts a new generation, so the step runs again. */
export function callStepId(view: Pick<WorkflowView, 'generation'>, stepId: string): string {
  return (view.generation ?? 0) > 0 ? `${stepId}#${view.generation}` : stepId;
}
