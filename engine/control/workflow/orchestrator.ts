// The worker runtime over a ControlStore (engine/control/store): the editor's engine and `serve` run it on the
// embedded SQLite adapter, `serve --store postgres://…` on N replicas against one database. It leases a task,
// heartbeats, and advances the workflow one durable action at a time: the pure decision core (./core, `act`)
// decides, this runtime performs the effects (tool and planner calls) and commits each outcome with one
// `store.commit` fenced by the lease token. Breakers go through `store.updateBreaker` with the rules of
// engine/control/store/breakerRules.ts; idle workers are woken by the store's change feed as well as by their poll.
import type { KillSwitchName } from '../../../protocol/workflow';
import type { Tier } from '../policy/schema';
import * as rules from '../store/breakerRules';
import type { ControlStore, Lease, ToolCallRow } from '../store/types';
import { DEFAULT_BREAKER, type Admission, type BreakerConfig } from './breaker';
import { systemClock, type Clock, type Random } from './clock';
import { act, callFailed, coreConfigOf, callFinished, callRefused, callStarted, decided, planFailed, planned, type CoreConfig, type DecideAnswer, type DecisionDue, type Facts, type Next, type Outcome, type PolicyCall, type PolicyDecision } from './core';
import { LeaseLost } from './errors';
import { ClassifiedError, classify, messageOf, type FailureClass } from './failures';
import type { PlanRequest, Planner } from './planner';
import { newOwner } from '../store/pid';
import type { RetryOverrides, RetryPolicies } from './retry';
import { isSettled } from './states';
import { withTimeout } from './timeout';
import { ToolRegistry, type AnyTool } from './tool';
import type { WorkflowView } from './view';

export interface OrchestratorOptions {
  readonly store: ControlStore;
  readonly tools: ToolRegistry | readonly AnyTool[];
  readonly planner: Planner;
  /** Serve only this workspace's queue (see intake's `workspace`; every replica of one team must use the same path); every workflow when undefined. */
  readonly queue?: string;
  readonly clock?: Clock;
  readonly random?: Random;
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
  /** The policy gate; `tier` is the workspace's tier as the store holds it (read before each action). */
  readonly policy?: (call: PolicyCall, tier: Tier) => PolicyDecision;
  /** Workspace trust: a message while execution is not allowed (the workflow waits for a person), else null. */
  readonly mayExecute?: () => string | null;
  /** Idle workers look for work at most this far apart (the change feed wakes them sooner). */
  readonly pollMs?: number;
  /** Durable actions one lease may take before the workflow goes back to the queue (fairness). */
  readonly actionsPerLease?: number;
  /** Called when a worker loop hits an error (e.g. the database is locked or full); the loop backs off and goes on. */
  readonly onError?: (error: unknown) => void;
  /** Called (not awaited) after a workflow completed or escalated: e.g. a model drafts its summary. */
  readonly onSettled?: (workflowId: string) => void;
}

export type { PolicyCall, PolicyDecision };

const BREAKER_CLASSES: ReadonlySet<FailureClass> = new Set(['transient', 'tool_timeout', 'model_timeout']);

/** The only component that advances workflow state (a person's actions aside: engine/control/workflow/person.ts). */
export class Orchestrator {
  readonly owner = newOwner();
  private readonly store: ControlStore;
  private readonly tools: ToolRegistry;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly core: CoreConfig;
  private readonly o: Required<Pick<OrchestratorOptions, 'concurrency' | 'leaseMs' | 'toolTimeoutMs' | 'planTimeoutMs' | 'pollMs' | 'actionsPerLease'>>;
  private loops: Promise<void>[] = [];
  private started = false;
  private stopping = new AbortController();
  /** The wake-up signals of the workers sleeping now, longest asleep first. */
  private idle: AbortController[] = [];
  /** Counts wake() calls, so a worker that was between finding nothing and going to sleep does not miss one. */
  private wakes = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: OrchestratorOptions) {
    this.store = options.store;
    this.tools = options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.o = {
      concurrency: options.concurrency ?? 4,
      leaseMs: options.leaseMs ?? 30_000,
      toolTimeoutMs: options.toolTimeoutMs ?? 60_000,
      planTimeoutMs: options.planTimeoutMs ?? 60_000,
      pollMs: options.pollMs ?? 1000,
      actionsPerLease: options.actionsPerLease ?? 100,
    };
    this.core = coreConfigOf(options.planner, options);
  }

  /**
   * On start: frees the leases of dead engine processes on this host (other hosts' expire after leaseMs) and
   * queues unsettled workflows that lost their task. A call interrupted by a crash needs nothing here: its
   * workflow is in WAITING_FOR_TOOL, and whichever replica leases it next lets the core decide (re-run a read or
   * an idempotent write, "outcome unknown" for any other write) under that lease, so the decision is fenced.
   */
  async recover(): Promise<{ reclaimed: number; unsettled: number; orphans: number; interrupted: number }> {
    const reclaimed = await this.store.reclaimDeadOwners();
    const now = this.clock.now();
    const found = await this.store.recoveryCandidates(now, this.options.queue);
    for (const id of found.orphans) await this.store.commit({ workflowId: id, now, events: [], next: { kind: 'continue' } });
    return { reclaimed, unsettled: found.unsettled, orphans: found.orphans.length, interrupted: found.interrupted.length };
  }

  /**
   * Recovers, subscribes to the change feed, and starts `concurrency` worker loops; returns what recovery found.
   * A stop() while this is still recovering wins: no loop starts.
   */
  async start(): Promise<Awaited<ReturnType<Orchestrator['recover']>> | null> {
    if (this.started) return null;
    this.started = true;
    const stopping = new AbortController();
    this.stopping = stopping;
    const recovered = await this.recover();
    // A commit anywhere wakes ONE idle worker, not all (every replica hears every commit); a worker that then finds
    // work wakes the next, so a burst still fans out without every idle worker querying the queue at each commit.
    const unsubscribe = await this.store.subscribe(() => this.wakeOne());
    if (stopping.signal.aborted) {
      unsubscribe();
      return recovered;
    }
    this.unsubscribe = unsubscribe;
    for (let i = 0; i < this.o.concurrency; i++) this.loops.push(this.loop(stopping.signal));
    return recovered;
  }

  /** The workers finish their current action (committed), then this owner's leases are released for other replicas. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.unsubscribe?.();
    this.unsubscribe = null;
    await Promise.all(this.loops);
    if (this.loops.length > 0) await this.store.releaseOwner(this.owner).catch((error: unknown) => this.options.onError?.(error));
    this.loops = [];
    this.started = false;
  }

  /** Every idle worker looks for work now (a new alert taken by this replica's intake). */
  wake(): void {
    this.wakes++;
    for (const idle of this.idle.splice(0)) idle.abort();
  }

  /** One idle worker looks for work now. */
  wakeOne(): void {
    this.idle.shift()?.abort();
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
      const at = await this.store.nextReadyAt(this.options.queue);
      if (at === null || at - this.clock.now() > horizonMs) break;
      await this.clock.sleep(Math.max(1, at - this.clock.now()));
    }
    return ticks;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const wakes = this.wakes;
        if (await this.tick()) {
          this.wakeOne();
          continue;
        }
        const at = await this.store.nextReadyAt(this.options.queue);
        // Woken after the lease found nothing but before this worker was listed as idle: look again.
        if (this.wakes !== wakes) continue;
        const wait = at === null ? this.o.pollMs : Math.min(this.o.pollMs, Math.max(1, at - this.clock.now()));
        const waking = new AbortController();
        this.idle.push(waking);
        try {
          await this.clock.sleep(wait, AbortSignal.any([signal, waking.signal]));
        } finally {
          this.idle = this.idle.filter((w) => w !== waking);
        }
      } catch (error) {
        // The database went away or refused: the lease (if any) expires and another replica takes the task.
        this.options.onError?.(error);
        await this.clock.sleep(this.o.pollMs, signal);
      }
    }
  }

  /** Leases one ready task and advances its workflow until it must wait. Null when nothing is ready. */
  async tick(): Promise<{ workflowId: string; state: string } | null> {
    const lease = await this.store.lease(this.owner, this.clock.now(), this.o.leaseMs, this.options.queue);
    if (!lease) return null;
    const heartbeat = setInterval(() => {
      this.store.extendLease(lease, this.clock.now() + this.o.leaseMs).catch((error: unknown) => this.options.onError?.(error));
    }, Math.max(10, this.o.leaseMs / 3));
    try {
      for (let i = 0; ; i++) {
        const view = await this.store.view(lease.workflowId);
        if (!view || isSettled(view.state)) {
          await this.store.finish(lease);
          return { workflowId: lease.workflowId, state: view?.state ?? 'missing' };
        }
        const { next, view: after } = await this.advance(view, lease);
        if (next.kind !== 'continue' || i + 1 >= this.o.actionsPerLease) {
          if (next.kind === 'continue') await this.store.release(lease, this.clock.now());
          return { workflowId: lease.workflowId, state: after.state };
        }
      }
    } catch (error) {
      if (error instanceof LeaseLost) return { workflowId: lease.workflowId, state: 'lease-lost' };
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  }

  // ---- one durable action per call: the core decides, this runtime performs effects and commits ----

  /** What the core may ask, read from the store before it decides (the core's reads are synchronous). */
  private async facts(view: WorkflowView): Promise<Facts> {
    const [calls, switches, tier] = await Promise.all([
      this.store.toolCalls(view.id),
      this.store.engagedSwitches(),
      this.options.policy ? this.store.tier(view.workspace || this.options.queue || '') : Promise.resolve(null),
    ]);
    // Every key the core asks about is one of this workflow's (toolCallKey starts from the workflow id).
    const byKey = new Map<string, ToolCallRow>(calls.map((c) => [c.key, c]));
    return {
      now: this.clock.now(),
      random: this.random,
      tools: this.tools,
      toolCall: (key) => byKey.get(key) ?? null,
      policy: (call) => (this.options.policy && tier !== null ? this.options.policy(call, tier) : { action: 'allow', reason: 'no policy configured', by: 'none' }),
      untrusted: () => this.options.mayExecute?.() ?? null,
      killSwitch: (tool, risk) => blockingSwitch(switches, tool, risk),
    };
  }

  private async advance(view: WorkflowView, lease: Lease): Promise<{ next: Next; view: WorkflowView }> {
    const facts = await this.facts(view);
    const action = act(view, facts, this.core);
    if ('outcome' in action) return this.apply(view, lease, action.outcome);
    const { effect } = action;
    const admission = await this.acquire(effect.breaker);
    switch (effect.kind) {
      case 'plan':
        return this.apply(view, lease, admission.allowed ? await this.plan(view, effect.request, effect.breaker) : planFailed(view, facts, this.core, 'breaker_open', `breaker ${effect.breaker} is open`, 0, admission.retryInMs));
      case 'decide':
        return this.apply(view, lease, decided(view, this.tools, effect.due, await this.decide(view, effect.due, effect.breaker, admission.allowed)));
      case 'call': {
        if (!admission.allowed) return this.apply(view, lease, callRefused(view, facts, this.core, effect, admission.retryInMs));
        // Committed (intended record + WAITING_FOR_TOOL) before the tool starts: a crash from here on is seen.
        const { view: started } = await this.apply(view, lease, callStarted(effect, admission.probe));
        const { tool, input, key, step, risk } = effect;
        try {
          const output = await withTimeout(tool.timeoutMs ?? this.o.toolTimeoutMs, 'tool_timeout', `tool ${tool.name} timed out`, (signal) =>
            tool.run(input, signal, { key, workflowId: view.id, stepId: step.id, readOnly: risk === 'read' }),
          );
          await this.success(effect.breaker);
          return this.apply(started, lease, callFinished(started, effect, output));
        } catch (error) {
          const cls = classify(error);
          if (BREAKER_CLASSES.has(cls)) await this.failure(effect.breaker);
          return this.apply(started, lease, callFailed(started, await this.facts(started), this.core, effect, cls, error));
        }
      }
    }
  }

  private async plan(view: WorkflowView, request: PlanRequest, breaker: string): Promise<Outcome> {
    const planner = this.options.planner;
    try {
      const result = await withTimeout(this.o.planTimeoutMs, 'model_timeout', `planner ${planner.name} timed out`, (signal) => planner.plan(request, signal));
      await this.success(breaker);
      return planned(view, await this.facts(view), this.core, result);
    } catch (error) {
      const cls = classify(error);
      if (BREAKER_CLASSES.has(cls)) await this.failure(breaker);
      return planFailed(view, await this.facts(view), this.core, cls, messageOf(error), 0, error instanceof ClassifiedError ? (error.retryAfterMs ?? 0) : 0);
    }
  }

  private async decide(view: WorkflowView, due: DecisionDue, breaker: string, admitted: boolean): Promise<DecideAnswer> {
    const planner = this.options.planner;
    if (!admitted) return { raw: null, tokens: 0, by: planner.name, notes: [`breaker ${breaker} is open; the plan goes on as it stands`] };
    const calls = (await this.store.toolCalls(view.id)).map((c) => ({ id: c.key, stepId: c.stepId, tool: c.tool, status: c.status, input: c.input, result: c.result, error: c.error }));
    try {
      const result = await withTimeout(this.o.planTimeoutMs, 'model_timeout', `planner ${planner.name} timed out deciding`, (signal) =>
        planner.decide!({ workflowId: view.id, request: view.request, plan: view.plan!, stepIndex: view.stepIndex, phase: due.phase, round: due.round, calls, skipped: view.skipped ?? {}, answers: view.answers }, signal),
      );
      await this.success(breaker);
      return { raw: result.decision, tokens: result.tokens ?? 0, by: result.by ?? planner.name, notes: [] };
    } catch (error) {
      if (BREAKER_CLASSES.has(classify(error))) await this.failure(breaker);
      return { raw: null, tokens: 0, by: planner.name, notes: [`the planner could not decide (${messageOf(error)}); the plan goes on as it stands`] };
    }
  }

  /** One outcome, one transaction (store.commit), fenced by the lease: LeaseLost when another replica holds the task now. */
  private async apply(view: WorkflowView, lease: Lease, outcome: Outcome): Promise<{ next: Next; view: WorkflowView }> {
    const { events, next, writes } = outcome;
    const after = await this.store.commit({ workflowId: view.id, now: this.clock.now(), leaseToken: lease.token, events, writes, next });
    if (events.some((e) => e.to === 'COMPLETED' || e.to === 'ESCALATED') && this.options.onSettled) queueMicrotask(() => this.options.onSettled?.(view.id));
    return { next, view: after };
  }

  // ---- breakers: a read first, as engine/control/workflow/breaker.ts, so a closed breaker costs no row lock ----

  private config(name: string): BreakerConfig {
    return { ...(this.options.breaker ?? DEFAULT_BREAKER), ...this.options.breakerOverrides?.[name] };
  }

  private async acquire(name: string): Promise<Admission> {
    if ((await this.store.breaker(name)).state === 'closed') return { allowed: true, probe: false };
    const now = this.clock.now();
    return this.store.updateBreaker(name, now, rules.acquire(this.config(name), now));
  }

  private async success(name: string): Promise<void> {
    const row = await this.store.breaker(name);
    if (row.state === 'closed' && row.consecutiveFailures === 0) return;
    await this.store.updateBreaker(name, this.clock.now(), rules.success());
  }

  private async failure(name: string): Promise<void> {
    const now = this.clock.now();
    await this.store.updateBreaker(name, now, rules.failure(this.config(name), now));
  }
}

/** The engaged switch that blocks this call (`risk` is the engine's assessment of its input), or null. */
function blockingSwitch(on: ReadonlySet<KillSwitchName>, tool: AnyTool, risk: 'read' | 'write'): KillSwitchName | null {
  if (on.size === 0) return null;
  if (risk === 'write' && on.has('writes')) return 'writes';
  if (tool.toolClass === 'network' && on.has('network')) return 'network';
  if (tool.toolClass === 'shell' && on.has('shell')) return 'shell';
  return null;
}
