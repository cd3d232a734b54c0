// The decision core's vocabulary. The core is pure: given a workflow's view and the facts it asks for, it says
// which events to commit, which records to write with them, when the task runs next, and which effect (a planner
// or tool call) the runtime must perform before it can decide more. It never touches a database or a clock.
import type { KillSwitchName, Waiting } from '../../../../protocol/workflow';
import type { Decision as PolicyDecision } from '../../policy/schema';
import type { SnapshotHit } from '../../../../protocol/workflow';
import type { Random } from '../clock';
import type { Phase, PlanStep } from '../plan';
import type { PlanRequest } from '../planner';
import type { EventDraft } from '../reducer';
import type { RetryOverrides, RetryPolicies } from '../retry';
import type { AnyTool, ToolRegistry } from '../tool';
import type { ToolCallRow } from '../../store/sqlite/toolCalls';
import type { WorkflowView } from '../view';

export type { PolicyDecision };

/** One call as the policy gate sees it: the effective input and the engine's own risk assessment. */
export interface PolicyCall {
  readonly tool: AnyTool;
  readonly step: PlanStep;
  readonly input: unknown;
  readonly risk: 'read' | 'write';
  readonly reasons: readonly string[];
  readonly view: WorkflowView;
}

/** How one action ends for the task: keep going, come back later, or leave the queue. */
export type Next = { readonly kind: 'continue' } | { readonly kind: 'later'; readonly at: number } | { readonly kind: 'settled' };

/** Records that land in the same transaction as the events. */
export type Write =
  | { readonly kind: 'intended'; readonly key: string; readonly stepId: string; readonly tool: string; readonly input: unknown }
  | { readonly kind: 'finished'; readonly key: string; readonly status: 'done' | 'failed' | 'unknown'; readonly result?: unknown; readonly error: string | null }
  | { readonly kind: 'snapshot'; readonly planVersion: number; readonly hits: readonly SnapshotHit[] };

/** What one durable action commits. `events` empty with `later`: the task is only put back until `at`. */
export interface Outcome {
  readonly events: readonly EventDraft[];
  readonly next: Next;
  readonly writes?: readonly Write[];
}

/** Work the runtime does outside the core (I/O, bounded by timeouts and breakers), then reports back. */
export type Effect =
  | { readonly kind: 'plan'; readonly breaker: string; readonly request: PlanRequest }
  | { readonly kind: 'decide'; readonly breaker: string; readonly due: DecisionDue }
  | {
      readonly kind: 'call';
      readonly breaker: string;
      readonly tool: AnyTool;
      readonly step: PlanStep;
      readonly stepIndex: number;
      readonly input: unknown;
      readonly key: string;
      /** The engine's own assessment of this input, and what the policy gate said. */
      readonly risk: 'read' | 'write';
      readonly policy: PolicyDecision;
    };

export type Action = { readonly outcome: Outcome } | { readonly effect: Effect };

export interface DecisionDue {
  readonly phase: Phase;
  readonly stepIndex: number;
  readonly round: number;
}

/** What the core may ask of the world, all synchronous reads. Tests pass plain objects. */
export interface Facts {
  readonly now: number;
  readonly random: Random;
  readonly tools: ToolRegistry;
  toolCall(key: string): ToolCallRow | null;
  policy(call: PolicyCall): PolicyDecision;
  /** Workspace trust: a message while execution is not allowed, else null. */
  untrusted(): string | null;
  killSwitch(tool: AnyTool, risk: 'read' | 'write'): KillSwitchName | null;
}

export interface CoreConfig {
  /** The planner's provider: its retry overrides and breaker are keyed "model:<provider>". */
  readonly plannerProvider: string;
  readonly plannerName: string;
  /** The planner decides at the end of each phase (Planner.decide exists). */
  readonly decides: boolean;
  readonly maxReplans: number;
  readonly resolveWaitMs: number;
  readonly retry: RetryPolicies;
  readonly retryOverrides?: Readonly<Record<string, RetryOverrides>>;
}

export type { Waiting };
