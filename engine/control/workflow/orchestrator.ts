import type { Db } from '../db/open';
import { DEFAULT_BREAKER, Breakers, type BreakerConfig } from './breaker';
import { act, callFailed, coreConfigOf, callFinished, callRefused, callStarted, decided, interruptedCall, planFailed, planned, type CoreConfig, type DecideAnswer, type DecisionDue, type Facts, type Next, type Outcome, type PolicyCall, type PolicyDecision, type Write } from './core';
import { withTimeout } from './timeout';
import { systemClock, type Clock, type Random } from './clock';
import { LeaseLost } from './errors';
import { ClassifiedError, classify, messageOf, type FailureClass } from './failures';
import { blockingSwitch } from '../store/sqlite/killSwitch';
import type { PlanRequest, Planner } from './planner';
import { extendLease, leaseNext, newOwner, nextReadyAt, reclaimDeadLeases, releaseOwnerLeases, schedule, unschedule, type Lease } from '../store/sqlite/queue';
import type { RetryOverrides, RetryPolicies } from './retry';
import { saveSnapshot } from '../store/sqlite/snapshot';
import { isSettled } from './states';
import { commit, loadView } from '../store/sqlite/commit';
import { ToolRegistry, type AnyTool } from './tool';
import { getToolCall, listToolCalls, markFinished, markIntended } from '../store/sqlite/toolCalls';
import type { WorkflowView } from './view';
import { finishTask, recoveryCandidates, releaseTask } from '../store/sqlite/statements';

export type { PolicyCall, PolicyDecision };

export interface OrchestratorOptions {
  readonly db: Db;
  readonly tools: ToolRegistry | readonly AnyTool[];
  readonly planner: Planner;
  readonly clock?: Clock;
  readonly random?: Random;
  /** Serve only this workspace's queue (see intake's `workspace`); every workflow when undefined. */
  readonly queue?: string;
  /** Worker loops run by start(). */
  readonly concurrency?: number;
  /** Visibility timeout: a lease not renewed for this long is redelivered to another worker. */
  readonly leaseMs?: number;
  readonly toolTimeoutMs?: number;
  readonly planTimeoutMs?: number;
  /** Bound on re-plans after validation failures before the workflow escalates. */
  readonly maxReplans?: number;
  /** A plan without verification steps waits this long in VALIDATING for the alert's resolved notification. */
  readonly resolveWaitMs?: number;
  readonly retry?: RetryPolicies;
  /** Retry overrides keyed by tool name, or "model:<provider>" for planners. */
  readonly retryOverrides?: Readonly<Record<string, RetryOverrides>>;
  readonly breaker?: BreakerConfig;
  readonly breakerOverrides?: Readonly<Record<string, Partial<BreakerConfig>>>;
  /** Policy gate (engine/control/policy): allow, wait for a person's approval, or deny (a violation, never retried). */
  readonly policy?: (call: PolicyCall) => PolicyDecision;
  /** Workspace trust: a message while execution is not allowed (the workflow waits for a person), else null. */
  readonly mayExecute?: () => string | null;
  /** Idle workers poll at most this far apart (other processes may enqueue). */
  readonly pollMs?: number;
  /** Durable actions one lease may take before the workflow goes back to the queue (fairness). */
  readonly actionsPerLease?: number;
  /** Optional: checkpoints run on a worker thread; the orchestrator only bounds the WAL between actions. */
  readonly checkpointer?: { maybeCheckpoint(): void };
  /** Called when a worker loop hits an error (e.g. the database is locked or full); the loop backs off and goes on. */
  readonly onError?: (error: unknown) => void;
  /** Called (not awaited) after a workflow completed or escalated: e.g. a model drafts its summary. */
  readonly onSettled?: (workflowId: string) => void;
}

const BREAKER_CLASSES: ReadonlySet<FailureClass> = new Set(['transient', 'tool_timeout', 'model_timeout']);

/**
 * The only component that advances workflow state. Each durable action is one transaction that writes the
 * event, the new view, the idempotency record and the task's next slot together.
 */
export class Orchestrator {
  readonly owner = newOwner();
  readonly breakers: Breakers;
  private readonly db: Db;
  private readonly tools: ToolRegistry;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly core: CoreConfig;
  private readonly o: Required<Pick<OrchestratorOptions, 'concurrency' | 'leaseMs' | 'toolTimeoutMs' | 'planTimeoutMs' | 'pollMs' | 'actionsPerLease'>>;
  private loops: Promise<void>[] = [];
  private stopping = new AbortController();
  private waking = new AbortController();

  constructor(private readonly options: OrchestratorOptions) {
    this.db = options.db;
    this.tools = options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.o = {
      concurrency: options.concurrency ?? 4,
      leaseMs: options.leaseMs ?? 30_000,
      toolTimeoutMs: options.toolTimeoutMs ?? 60_000,
      planTimeoutMs: options.planTimeoutMs ?? 60_000,
      pollMs: options.pollMs ?? 250,
      actionsPerLease: options.actionsPerLease ?? 100,
    };
    this.core = coreConfigOf(options.planner, options);
    this.breakers = new Breakers(this.db, this.clock, options.breaker ?? DEFAULT_BREAKER, options.breakerOverrides);
  }

  /** On start: free the leases of dead engine processes so every unsettled workflow resumes at once. */
  recover(): { reclaimed: number; unsettled: number; rerun: number; outcomeUnknown: number } {
    const reclaimed = reclaimDeadLeases(this.db);
    // A workflow without a task (never expected: both are written together) is put back in the queue. Calls
    // interrupted by the crash are decided in one transaction: reads and idempotent writes go back to EXECUTING
    // (re-run), other writes escalate with "outcome unknown". Driven from the small tasks table.
    const { orphans, unsettled, interrupted } = recoveryCandidates(this.db, this.clock.now(), this.options.queue);
    if (orphans.length > 0) this.db.transaction(() => orphans.forEach((id) => schedule(this.db, id, this.clock.now()))).immediate();
    let rerun = 0;
    this.db
      .transaction(() => {
        for (const id of interrupted) {
          const view = loadView(this.db, id);
          if (view?.state !== 'WAITING_FOR_TOOL') continue;
          if (this.apply(view, null, interruptedCall(view, this.facts())).kind === 'continue') rerun++;
        }
      })
      .immediate();
    return { reclaimed, unsettled, rerun, outcomeUnknown: interrupted.length - rerun };
  }

  /** Leases one ready task and advances its workflow until it must wait. Null when nothing is ready. */
  async tick(): Promise<{ workflowId: string; state: string } | null> {
    this.options.checkpointer?.maybeCheckpoint();
    const lease = leaseNext(this.db, this.owner, this.clock.now(), this.o.leaseMs, this.options.queue);
    if (!lease) return null;
    const heartbeat = setInterval(() => {
      try {
        extendLease(this.db, lease, this.clock.now() + this.o.leaseMs);
      } catch (error) {
        // A busy database must not crash the engine from a timer; the next beat tries again.
        this.options.onError?.(error);
      }
    }, Math.max(10, this.o.leaseMs / 3));
    try {
      for (let i = 0; ; i++) {
        const view = loadView(this.db, lease.workflowId);
        if (!view || isSettled(view.state)) {
          finishTask(this.db, lease);
          return { workflowId: lease.workflowId, state: view?.state ?? 'missing' };
        }
        const next = await this.advance(view, lease);
        if (next.kind !== 'continue' || i + 1 >= this.o.actionsPerLease) {
          if (next.kind === 'continue') this.release(lease, this.clock.now());
          return { workflowId: lease.workflowId, state: loadView(this.db, lease.workflowId)?.state ?? 'missing' };
        }
      }
    } catch (error) {
      if (error instanceof LeaseLost) return { workflowId: lease.workflowId, state: 'lease-lost' };
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Runs ready work until the queue is empty, sleeping on the clock until scheduled retries are due; work due
   * later than `horizonMs` from now (e.g. a wait for a resolved alert) is left for a long-running engine.
   */
  async drain(maxTicks = Number.MAX_SAFE_INTEGER, horizonMs = Number.POSITIVE_INFINITY): Promise<number> {
    let ticks = 0;
    while (ticks < maxTicks) {
      if (await this.tick()) {
        ticks++;
        continue;
      }
      const at = nextReadyAt(this.db, this.options.queue);
      if (at === null || at - this.clock.now() > horizonMs) break;
      await this.clock.sleep(Math.max(1, at - this.clock.now()));
    }
    return ticks;
  }

  /** Recovers (see recover()) and starts `concurrency` worker loops. */
  start(): void {
    if (this.loops.length > 0) return;
    this.recover();
    this.stopping = new AbortController();
    for (let i = 0; i < this.o.concurrency; i++) this.loops.push(this.loop(this.stopping.signal));
  }

  /** The workers finish their current action (committed), then this owner's leases are released for others. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.loops);
    if (this.loops.length > 0 && this.db.open) releaseOwnerLeases(this.db, this.owner);
    this.loops = [];
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (await this.tick()) continue;
      } catch (error) {
        // The lease stays with this worker until it expires, then the task is redelivered.
        this.options.onError?.(error);
        await this.clock.sleep(this.o.pollMs, signal);
        continue;
      }
      const at = nextReadyAt(this.db, this.options.queue);
      const wait = at === null ? this.o.pollMs : Math.min(this.o.pollMs, Math.max(1, at - this.clock.now()));
      await this.clock.sleep(wait, AbortSignal.any([signal, this.waking.signal]));
    }
  }

  /**
   * Idle workers look for work now instead of at their next poll: called after a person's decision or a new
   * alert in this process, so an approval starts its step at once. Other processes' changes wait for the poll.
   */
  wake(): void {
    const waking = this.waking;
    this.waking = new AbortController();
    waking.abort();
  }

  // ---- one durable action per call: the core decides, this runtime performs effects and commits ----

  private facts(): Facts {
    return {
      now: this.clock.now(),
      random: this.random,
      tools: this.tools,
      toolCall: (key) => getToolCall(this.db, key),
      policy: (call) => this.options.policy?.(call) ?? { action: 'allow', reason: 'no policy configured', by: 'none' },
      untrusted: () => this.options.mayExecute?.() ?? null,
      killSwitch: (tool, risk) => blockingSwitch(this.db, tool, risk),
    };
  }

  private async advance(view: WorkflowView, lease: Lease): Promise<Next> {
    const action = act(view, this.facts(), this.core);
    if ('outcome' in action) return this.apply(view, lease, action.outcome);
    const { effect } = action;
    const admission = this.breakers.acquire(effect.breaker);
    switch (effect.kind) {
      case 'plan':
        return this.apply(view, lease, admission.allowed ? await this.plan(view, effect.request, effect.breaker) : planFailed(view, this.facts(), this.core, 'breaker_open', `breaker ${effect.breaker} is open`, 0, admission.retryInMs));
      case 'decide':
        return this.apply(view, lease, decided(view, this.tools, effect.due, await this.decide(view, effect.due, effect.breaker, admission.allowed)));
      case 'call': {
        if (!admission.allowed) return this.apply(view, lease, callRefused(view, this.facts(), this.core, effect, admission.retryInMs));
        this.apply(view, lease, callStarted(effect, admission.probe));
        const started = loadView(this.db, view.id)!;
        const { tool, input, key, step, risk } = effect;
        try {
          const output = await withTimeout(tool.timeoutMs ?? this.o.toolTimeoutMs, 'tool_timeout', `tool ${tool.name} timed out`, (signal) =>
            tool.run(input, signal, { key, workflowId: view.id, stepId: step.id, readOnly: risk === 'read' }),
          );
          this.breakers.success(effect.breaker);
          return this.apply(started, lease, callFinished(started, effect, output));
        } catch (error) {
          const cls = classify(error);
          if (BREAKER_CLASSES.has(cls)) this.breakers.failure(effect.breaker);
          return this.apply(started, lease, callFailed(started, this.facts(), this.core, effect, cls, error));
        }
      }
    }
  }

  private async plan(view: WorkflowView, request: PlanRequest, breaker: string): Promise<Outcome> {
    const planner = this.options.planner;
    try {
      const result = await withTimeout(this.o.planTimeoutMs, 'model_timeout', `planner ${planner.name} timed out`, (signal) => planner.plan(request, signal));
      this.breakers.success(breaker);
      return planned(view, this.facts(), this.core, result);
    } catch (error) {
      const cls = classify(error);
      if (BREAKER_CLASSES.has(cls)) this.breakers.failure(breaker);
      return planFailed(view, this.facts(), this.core, cls, messageOf(error), 0, retryAfterOf(error));
    }
  }

  /** The planner reads what the steps returned; its answer (or why there is none) is committed as `decided`. */
  private async decide(view: WorkflowView, due: DecisionDue, breaker: string, admitted: boolean): Promise<DecideAnswer> {
    const planner = this.options.planner;
    if (!admitted) return { raw: null, tokens: 0, by: planner.name, notes: [`breaker ${breaker} is open; the plan goes on as it stands`] };
    const calls = listToolCalls(this.db, view.id).map((c) => ({ id: c.key, stepId: c.stepId, tool: c.tool, status: c.status, input: c.input, result: c.result, error: c.error }));
    try {
      const result = await withTimeout(this.o.planTimeoutMs, 'model_timeout', `planner ${planner.name} timed out deciding`, (signal) =>
        planner.decide!({ workflowId: view.id, request: view.request, plan: view.plan!, stepIndex: view.stepIndex, phase: due.phase, round: due.round, calls, skipped: view.skipped ?? {}, answers: view.answers }, signal),
      );
      this.breakers.success(breaker);
      return { raw: result.decision, tokens: result.tokens ?? 0, by: result.by ?? planner.name, notes: [] };
    } catch (error) {
      if (BREAKER_CLASSES.has(classify(error))) this.breakers.failure(breaker);
      return { raw: null, tokens: 0, by: planner.name, notes: [`the planner could not decide (${messageOf(error)}); the plan goes on as it stands`] };
    }
  }

  /**
   * Commits one outcome in one transaction: its events, its records and the task's next slot, fenced by the
   * lease. `lease` null: recovery at start-up, which owns every free task; the task is then made ready at once.
   */
  private apply(view: WorkflowView, lease: Lease | null, outcome: Outcome): Next {
    const { events, next, writes = [] } = outcome;
    if (events.length === 0) {
      if (next.kind === 'later' && lease) this.release(lease, next.at);
      return next;
    }
    const now = this.clock.now();
    commit(this.db, { workflowId: view.id, now, leaseToken: lease?.token, also: () => {
      for (const w of writes) this.write(view.id, w, now);
      if (next.kind === 'settled') unschedule(this.db, view.id);
      if (next.kind === 'later') schedule(this.db, view.id, next.at);
      if (next.kind === 'continue' && !lease) schedule(this.db, view.id, now);
    } }, [...events]);
    if (events.some((e) => e.to === 'COMPLETED' || e.to === 'ESCALATED') && this.options.onSettled) queueMicrotask(() => this.options.onSettled?.(view.id));
    return next;
  }

  private write(workflowId: string, w: Write, now: number): void {
    if (w.kind === 'intended') markIntended(this.db, { key: w.key, workflowId, stepId: w.stepId, tool: w.tool, input: w.input, now });
    else if (w.kind === 'finished') markFinished(this.db, w.key, w.status, now, w.result, w.error);
    else saveSnapshot(this.db, workflowId, w.planVersion, w.hits);
  }

  private release(lease: Lease, at: number): void {
    releaseTask(this.db, lease, at);
  }
}

function retryAfterOf(error: unknown): number {
  return error instanceof ClassifiedError ? (error.retryAfterMs ?? 0) : 0;
}
