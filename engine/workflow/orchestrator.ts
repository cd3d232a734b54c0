import type { Db } from '../db/open';
import { DEFAULT_BREAKER, Breakers, type BreakerConfig } from './breaker';
import { budgetExceeded } from './budget';
import { canonicalJson, sha256, toolCallKey } from './canonical';
import type { Waiting } from '../../protocol/workflow';
import { TOOL } from '../tools/names';
import { answersUsed } from './answers';
import { evaluateCheck, excerpt } from './checks';
import { callStepId, checkDecision, decisionDue, type Decision } from './decision';
import { assess, bindStep, effectiveInput, keyOf, rerunnable } from './stepRules';
import { withTimeout } from './timeout';
import { systemClock, type Clock, type Random } from './clock';
import { LeaseLost } from './errors';
import { ClassifiedError, classify, messageOf, type FailureClass } from './failures';
import { blockingSwitch } from './killSwitch';
import { Plan, type Phase, type PlanStep } from './plan';
import type { Planner } from './planner';
import { extendLease, leaseNext, newOwner, nextReadyAt, reclaimDeadLeases, releaseOwnerLeases, schedule, unschedule, type Lease } from './queue';
import type { EventDraft } from './reducer';
import { DEFAULT_RETRY_POLICIES, decideRetry, resolvePolicy, type RetryOverrides, type RetryPolicies } from './retry';
import { saveSnapshot } from './snapshot';
import { isSettled, SETTLED_STATES } from './states';
import { commit, loadView } from './store';
import { ToolRegistry, type AnyTool } from './tool';
import { getToolCall, listToolCalls, markFinished, markIntended } from './toolCalls';
import type { VerificationOutcome, WorkflowView } from './view';
import { sql } from './sql';

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
  /** Policy gate (engine/policy): allow, wait for a person's approval, or deny (a violation, never retried). */
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

/** One call as the policy gate sees it: the effective input and the engine's own risk assessment. */
export interface PolicyCall {
  readonly tool: AnyTool;
  readonly step: PlanStep;
  readonly input: unknown;
  readonly risk: 'read' | 'write';
  readonly reasons: readonly string[];
  readonly view: WorkflowView;
}

export interface PolicyDecision {
  readonly action: 'allow' | 'approve' | 'hold' | 'deny';
  readonly reason: string;
  readonly by: string;
}

/** How one action ends for the task: keep going, come back later, or leave the queue. */
type Next = { readonly kind: 'continue' } | { readonly kind: 'later'; readonly at: number } | { readonly kind: 'settled' };

const BREAKER_CLASSES: ReadonlySet<FailureClass> = new Set(['transient', 'tool_timeout', 'model_timeout']);
const SETTLED_SQL = SETTLED_STATES.map((s) => `'${s}'`).join(', ');

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
  private readonly o: Required<Pick<OrchestratorOptions, 'concurrency' | 'leaseMs' | 'toolTimeoutMs' | 'planTimeoutMs' | 'maxReplans' | 'resolveWaitMs' | 'retry' | 'pollMs' | 'actionsPerLease'>>;
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
      maxReplans: options.maxReplans ?? 2,
      resolveWaitMs: options.resolveWaitMs ?? 15 * 60_000,
      retry: options.retry ?? DEFAULT_RETRY_POLICIES,
      pollMs: options.pollMs ?? 250,
      actionsPerLease: options.actionsPerLease ?? 100,
    };
    this.breakers = new Breakers(this.db, this.clock, options.breaker ?? DEFAULT_BREAKER, options.breakerOverrides);
  }

  /** On start: free the leases of dead engine processes so every unsettled workflow resumes at once. */
  recover(): { reclaimed: number; unsettled: number; rerun: number; outcomeUnknown: number } {
    const reclaimed = reclaimDeadLeases(this.db);
    // A workflow without a task (never expected: both are written together) is put back in the queue.
    const orphans = sql(this.db, `SELECT id FROM workflows WHERE state NOT IN (${SETTLED_SQL}) AND id NOT IN (SELECT workflow_id FROM tasks)`)
      .all() as Array<{ id: string }>;
    if (orphans.length > 0) this.db.transaction(() => orphans.forEach((o) => schedule(this.db, o.id, this.clock.now()))).immediate();
    const unsettled = (sql(this.db, `SELECT count(*) AS n FROM workflows WHERE state NOT IN (${SETTLED_SQL})`).get() as { n: number }).n;
    // Calls interrupted by the crash are decided in one transaction: reads and idempotent writes go back to
    // EXECUTING (re-run), other writes escalate with "outcome unknown". Driven from the small tasks table.
    const interrupted = sql(
      this.db,
      `SELECT w.id FROM tasks t CROSS JOIN workflows w ON w.id = t.workflow_id
       WHERE w.state = 'WAITING_FOR_TOOL' AND (t.lease_expires_at IS NULL OR t.lease_expires_at <= ?) AND (? IS NULL OR t.queue = ?)`,
    ).all(this.clock.now(), this.options.queue ?? null, this.options.queue ?? null) as Array<{ id: string }>;
    let rerun = 0;
    this.db
      .transaction(() => {
        for (const { id } of interrupted) {
          const view = loadView(this.db, id);
          if (view?.state !== 'WAITING_FOR_TOOL') continue;
          if (this.recoverInterruptedCall(view, null).kind === 'continue') rerun++;
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
          sql(this.db, 'DELETE FROM tasks WHERE workflow_id = ? AND lease_token = ?').run(lease.workflowId, lease.token);
          return { workflowId: lease.workflowId, state: view?.state ?? 'missing' };
        }
        const next = await this.act(view, lease);
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

  // ---- one durable action per call, chosen by the persisted state ----

  private act(view: WorkflowView, lease: Lease): Promise<Next> | Next {
    switch (view.state) {
      case 'RECEIVED':
      case 'FAILED':
        return this.plan(view, lease);
      case 'PLANNED':
        return this.commit(view, lease, [{ type: 'executing', to: 'EXECUTING' }], { kind: 'continue' });
      case 'EXECUTING':
        return this.execute(view, lease);
      case 'WAITING_FOR_TOOL':
        return this.recoverInterruptedCall(view, lease);
      case 'VALIDATING':
        return this.validate(view, lease);
      default:
        return { kind: 'settled' };
    }
  }

  /** `lease` null: recovery at start-up, which owns every free task; the task is then made ready at once. */
  private commit(view: WorkflowView, lease: Lease | null, drafts: EventDraft[], next: Next, also?: () => void): Next {
    if (drafts.some((d) => d.to === 'COMPLETED' || d.to === 'ESCALATED') && this.options.onSettled) queueMicrotask(() => this.options.onSettled?.(view.id));
    commit(
      this.db,
      {
        workflowId: view.id,
        now: this.clock.now(),
        leaseToken: lease?.token,
        also: () => {
          also?.();
          if (next.kind === 'settled') unschedule(this.db, view.id);
          if (next.kind === 'later') schedule(this.db, view.id, next.at);
          if (next.kind === 'continue' && !lease) schedule(this.db, view.id, this.clock.now());
        },
      },
      drafts,
    );
    return next;
  }

  private release(lease: Lease, at: number): void {
    sql(this.db, 'UPDATE tasks SET available_at = ?, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE workflow_id = ? AND lease_token = ?').run(at, lease.workflowId, lease.token);
  }

  private escalate(view: WorkflowView, lease: Lease | null, reason: string, data: Record<string, unknown> = {}, also?: () => void): Next {
    return this.commit(view, lease, [{ type: 'escalated', to: 'ESCALATED', data: { ...data, reason } }], { kind: 'settled' }, also);
  }

  private async plan(view: WorkflowView, lease: Lease): Promise<Next> {
    const over = budgetExceeded(view, this.clock.now());
    if (over) return this.escalate(view, lease, over);
    if (view.state === 'FAILED' && view.replans >= this.o.maxReplans) {
      return this.escalate(view, lease, `gave up after ${view.replans} re-plan(s); last failure: ${view.reason ?? 'unknown'}`);
    }
    const planner = this.options.planner;
    const breakerName = `model:${planner.provider}`;
    const admission = this.breakers.acquire(breakerName);
    if (!admission.allowed) return this.planFailed(view, lease, 'breaker_open', `breaker ${breakerName} is open`, 0, admission.retryInMs);
    let result;
    try {
      result = await withTimeout(this.o.planTimeoutMs, 'model_timeout', `planner ${planner.name} timed out`, (signal) =>
        planner.plan({ workflowId: view.id, request: view.request, replans: view.replans, feedback: view.reason, rejected: view.rejected, ...(view.chosenRunbook ? { runbook: view.chosenRunbook } : {}) }, signal),
      );
    } catch (error) {
      const cls = classify(error);
      if (BREAKER_CLASSES.has(cls)) this.breakers.failure(breakerName);
      return this.planFailed(view, lease, cls, messageOf(error), 0, retryAfterOf(error));
    }
    this.breakers.success(breakerName);
    const tokens = result.tokens ?? 0;
    const problem = this.checkPlan(result.plan);
    if (problem) return this.planFailed(view, lease, 'validation', `invalid plan: ${problem}`, tokens);
    const plan = Plan.parse(result.plan);
    const planVersion = view.planVersion + 1;
    return this.commit(view, lease, [{ type: 'planned', to: 'PLANNED', data: { plan, planVersion, tokens, planner: planner.name, trace: result.trace ?? null } }], { kind: 'continue' }, () =>
      saveSnapshot(this.db, view.id, planVersion, result.snapshot ?? []),
    );
  }

  private checkPlan(raw: unknown): string | null {
    const parsed = Plan.safeParse(raw);
    if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    const asked = new Set<string>();
    for (const step of parsed.data.steps) {
      const tool = this.tools.get(step.tool);
      if (!tool) return `step ${step.id}: unknown tool ${step.tool} (known: ${this.tools.names().join(', ')})`;
      const input = tool.input.safeParse(step.input);
      if (!input.success) return `step ${step.id}: input rejected by ${step.tool}: ${input.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`;
      const missing = answersUsed([step.input, step.check ?? null]).filter((name) => !asked.has(name));
      if (missing.length > 0) return `step ${step.id}: uses {{answer:${missing[0]}}} but no earlier ${TOOL.ask} step asks for it`;
      if (step.tool === TOOL.ask) asked.add((input.data as { name: string }).name);
    }
    return null;
  }

  private planFailed(view: WorkflowView, lease: Lease, cls: FailureClass, message: string, tokens: number, cooldownMs = 0): Next {
    const policy = resolvePolicy(cls, this.o.retry, this.options.retryOverrides?.[`model:${this.options.planner.provider}`]);
    const decision = decideRetry(policy, (view.failures[cls] ?? 0) + 1, this.random, cooldownMs);
    const data = { class: cls, message, tokens };
    if (decision.action === 'retry') {
      const at = this.clock.now() + decision.delayMs;
      return this.commit(view, lease, [{ type: 'plan_failed', data: { ...data, retryInMs: decision.delayMs } }], { kind: 'later', at });
    }
    if (decision.action === 'replan' && view.replans < this.o.maxReplans) {
      return this.commit(view, lease, [{ type: 'plan_failed', data: { ...data, replan: true } }], { kind: 'later', at: this.clock.now() });
    }
    return this.commit(view, lease, [{ type: 'escalated', to: 'ESCALATED', data: { ...data, reason: `planning failed (${cls}): ${message}` } }], { kind: 'settled' });
  }

  private stepOf(view: WorkflowView): { step: PlanStep; tool: AnyTool | undefined } | null {
    const step = view.plan?.steps[view.stepIndex];
    return step ? { step, tool: this.tools.get(step.tool) } : null;
  }

  private async execute(view: WorkflowView, lease: Lease): Promise<Next> {
    const due = this.options.planner.decide ? decisionDue(view) : null;
    if (due) return this.decide(view, lease, due);
    const current = this.stepOf(view);
    if (!current) return this.commit(view, lease, [{ type: 'validating', to: 'VALIDATING' }], { kind: 'continue' });
    const { step, tool } = current;
    const skipped = view.skipped?.[step.id];
    if (skipped) {
      return this.commit(view, lease, [{ type: 'step_skipped', data: { stepIndex: view.stepIndex, stepId: step.id, reason: skipped.reason, evidence: skipped.evidence, by: skipped.by } }], { kind: 'continue' });
    }
    const over = budgetExceeded(view, this.clock.now(), { step: true, toolCall: true });
    if (over) return this.escalate(view, lease, over);
    if (!tool) return this.fail(view, lease, 'validation', `step ${step.id}: unknown tool ${step.tool}`);
    let bound;
    try {
      bound = bindStep(view, step, tool);
    } catch (error) {
      return this.fail(view, lease, 'validation', `step ${step.id}: ${messageOf(error)}`);
    }
    const parsed = tool.input.safeParse(bound.input);
    if (!parsed.success) return this.fail(view, lease, 'validation', `step ${step.id}: input rejected by ${tool.name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const input: unknown = parsed.data;
    const key = toolCallKey(view.id, callStepId(view, step.id), tool.name, input);
    const record = getToolCall(this.db, key);
    const data = { stepIndex: view.stepIndex, stepId: step.id, tool: tool.name, key };
    if (record?.status === 'done') {
      // Same workflow, step and input ran before (e.g. before a re-plan): reuse the stored result, never act twice.
      return this.commit(view, lease, [{ type: 'step_done', to: 'EXECUTING', data: { ...data, replayed: true, resultHash: sha256(canonicalJson(record.result)) } }], { kind: 'continue' });
    }
    if (tool.name === TOOL.ask || tool.name === TOOL.checklist) return this.ask(view, lease, step, tool.name, input as { name: string; question?: string; item?: string; expects?: 'number' }, key);
    const assessment = assess(tool, step, input);
    if ((record?.status === 'intended' || record?.status === 'unknown') && !rerunnable(tool, assessment.risk)) {
      return this.outcomeUnknown(view, lease, tool, step, key);
    }
    const waitFor = (waiting: Waiting, reason: string, extra: Record<string, unknown> = {}): Next =>
      this.commit(view, lease, [{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { ...data, ...extra, waiting, reason } }], { kind: 'settled' });
    const decision = this.options.policy?.({ tool, step, input, risk: assessment.risk, reasons: assessment.reasons, view }) ?? { action: 'allow', reason: 'no policy configured', by: 'none' };
    if (decision.action === 'deny') {
      return this.escalate(view, lease, `policy violation at step ${step.id} (${tool.name}): ${decision.reason}`, { ...data, class: 'policy', policy: decision });
    }
    const at = { stepId: step.id, stepIndex: view.stepIndex };
    const untrusted = this.options.mayExecute?.() ?? null;
    if (untrusted) return waitFor({ kind: 'trust', ...at, message: untrusted }, untrusted);
    const inputHash = sha256(canonicalJson(input));
    const approved = view.approval?.stepIndex === view.stepIndex && view.approval.planVersion === view.planVersion && view.approval.inputHash === inputHash;
    const held = decision.action === 'hold';
    // A person's answer that is not a plain word (bound.review) is shown before the step runs, like a write.
    if (held || ((step.approval || decision.action === 'approve' || bound.review.length > 0) && !approved)) {
      const describe = tool.describe?.(input) ?? canonicalJson(input);
      const why = decision.action !== 'allow' ? decision.reason : bound.review[0] ?? 'the plan asks for it';
      return waitFor(
        { kind: 'approval', ...at, tool: tool.name, input, inputHash, describe, risk: assessment.risk, reasons: [...bound.review, ...assessment.reasons], policy: decision.reason, held, rationale: step.rationale, source: step.source },
        `step ${step.id} (${tool.name}) ${held ? 'is held' : "needs a person's approval"}: ${why}`,
      );
    }
    const killed = blockingSwitch(this.db, tool, assessment.risk);
    if (killed) {
      return waitFor({ kind: 'kill_switch', ...at, switch: killed }, `kill switch '${killed}' is on: step ${step.id} (${tool.name}) was not started`, { killSwitch: killed });
    }
    const breakerName = `tool:${tool.name}`;
    const admission = this.breakers.acquire(breakerName);
    if (!admission.allowed) return this.stepFailed(view, lease, tool, key, 'breaker_open', `breaker ${breakerName} is open`, admission.retryInMs, false);

    const now = this.clock.now();
    this.commit(view, lease, [{ type: 'step_started', to: 'WAITING_FOR_TOOL', actor: 'engine', data: { ...data, risk: assessment.risk, policy: decision, probe: admission.probe } }], { kind: 'continue' }, () =>
      markIntended(this.db, { key, workflowId: view.id, stepId: step.id, tool: tool.name, input, now }),
    );
    const started = { ...view, state: 'WAITING_FOR_TOOL' as const, usage: { ...view.usage, toolCalls: view.usage.toolCalls + 1 } };
    let output;
    try {
      output = await withTimeout(tool.timeoutMs ?? this.o.toolTimeoutMs, 'tool_timeout', `tool ${tool.name} timed out`, (signal) => tool.run(input, signal, { key, workflowId: view.id, stepId: step.id, readOnly: assessment.risk === 'read' }));
    } catch (error) {
      const cls = classify(error);
      if (BREAKER_CLASSES.has(cls)) this.breakers.failure(breakerName);
      if (cls === 'tool_timeout' && !rerunnable(tool, assessment.risk)) return this.outcomeUnknown(started, lease, tool, step, key, 'it timed out');
      return this.stepFailed(started, lease, tool, key, cls, messageOf(error), retryAfterOf(error), true);
    }
    this.breakers.success(breakerName);
    return this.commit(
      started,
      lease,
      [{ type: 'step_done', to: 'EXECUTING', actor: 'tool', data: { ...data, tokens: output.tokens ?? 0, resultHash: sha256(canonicalJson(output.output ?? null)) } }],
      { kind: 'continue' },
      () => markFinished(this.db, key, 'done', this.clock.now(), output.output ?? null, null),
    );
  }

  /**
   * ask_person and checklist: a person's answer (or "done"/"skipped") is the step's result; until they give it,
   * the workflow waits for them.
   */
  private ask(view: WorkflowView, lease: Lease, step: PlanStep, toolName: string, input: { name: string; question?: string; item?: string; expects?: 'number' }, key: string): Next {
    const answer = view.answers[input.name];
    const data = { stepIndex: view.stepIndex, stepId: step.id, tool: toolName, key };
    if (answer === undefined) {
      const at = { stepId: step.id, stepIndex: view.stepIndex, name: input.name };
      const waiting: Waiting =
        toolName === TOOL.checklist
          ? { kind: 'checklist', ...at, item: input.item ?? '' }
          : { kind: 'question', ...at, question: input.question ?? '', ...(input.expects ? { expects: input.expects } : {}) };
      const reason = toolName === TOOL.checklist ? `a person does this runbook instruction: ${input.item}` : `question for a person: ${input.question}`;
      return this.commit(view, lease, [{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { ...data, waiting, reason } }], { kind: 'settled' });
    }
    const now = this.clock.now();
    const result = toolName === TOOL.checklist ? { name: input.name, outcome: answer } : { name: input.name, answer };
    return this.commit(view, lease, [{ type: 'step_done', to: 'EXECUTING', actor: 'person', data: { ...data, resultHash: sha256(canonicalJson(result)) } }], { kind: 'continue' }, () => {
      markIntended(this.db, { key, workflowId: view.id, stepId: step.id, tool: toolName, input, now });
      markFinished(this.db, key, 'done', now, result, null);
    });
  }

  /**
   * The end of a phase: the planner reads what the steps returned and says what comes next (skip, add, escalate).
   * One durable action: the answer is committed as `decided`, so a crash before the commit asks again and one
   * after never does. A planner that fails or answers nonsense changes nothing: the plan goes on, and the
   * decision says why.
   */
  private async decide(view: WorkflowView, lease: Lease, due: { phase: Phase; stepIndex: number; round: number }): Promise<Next> {
    const planner = this.options.planner;
    const breakerName = `model:${planner.provider}`;
    const calls = listToolCalls(this.db, view.id).map((c) => ({ id: c.key, stepId: c.stepId, tool: c.tool, status: c.status, input: c.input, result: c.result, error: c.error }));
    let raw: unknown = null;
    let tokens = 0;
    let by = planner.name;
    const notes: string[] = [];
    const admission = this.breakers.acquire(breakerName);
    if (!admission.allowed) notes.push(`breaker ${breakerName} is open; the plan goes on as it stands`);
    else {
      try {
        const result = await withTimeout(this.o.planTimeoutMs, 'model_timeout', `planner ${planner.name} timed out deciding`, (signal) =>
          planner.decide!({ workflowId: view.id, request: view.request, plan: view.plan!, stepIndex: view.stepIndex, phase: due.phase, round: due.round, calls, skipped: view.skipped ?? {}, answers: view.answers }, signal),
        );
        this.breakers.success(breakerName);
        raw = result.decision;
        tokens = result.tokens ?? 0;
        by = result.by ?? by;
      } catch (error) {
        if (BREAKER_CLASSES.has(classify(error))) this.breakers.failure(breakerName);
        notes.push(`the planner could not decide (${messageOf(error)}); the plan goes on as it stands`);
      }
    }
    let decision: Decision = { skip: [], add: [], notes: [] };
    if (raw !== null) {
      const checked = checkDecision(raw, view);
      if ('problem' in checked) notes.push(`decision refused (${checked.problem}); the plan goes on as it stands`);
      else decision = checked.decision;
    }
    // Added steps must fit a tool, like a plan's.
    const add = decision.add.filter((s) => {
      const tool = this.tools.get(s.tool);
      const ok = tool !== undefined && tool.input.safeParse(s.input).success;
      if (!ok) notes.push(`left out added step ${s.id}: its tool or input does not fit`);
      return ok;
    });
    const data = { stepIndex: due.stepIndex, phase: due.phase, round: due.round, by, skip: decision.skip, add, notes: [...decision.notes, ...notes], tokens };
    if (decision.escalate) {
      return this.commit(view, lease, [{ type: 'decided', data }, { type: 'escalated', to: 'ESCALATED', data: { reason: decision.escalate, class: 'decision' } }], { kind: 'settled' });
    }
    return this.commit(view, lease, [{ type: 'decided', data }], { kind: 'continue' });
  }

  /** A failed call whose outcome is known (the tool reported it): retry, re-plan or escalate per policy. */
  private stepFailed(view: WorkflowView, lease: Lease, tool: AnyTool, key: string, cls: FailureClass, message: string, cooldownMs: number, called: boolean): Next {
    const policy = resolvePolicy(cls, this.o.retry, this.options.retryOverrides?.[tool.name], tool.retry);
    const failures = (view.failures[cls] ?? 0) + 1;
    const decision = decideRetry(policy, failures, this.random, cooldownMs);
    const also = called ? () => markFinished(this.db, key, 'failed', this.clock.now(), undefined, `${cls}: ${message}`) : undefined;
    const data = { stepIndex: view.stepIndex, tool: tool.name, key, class: cls, message };
    if (decision.action === 'retry') {
      return this.commit(view, lease, [{ type: 'step_failed', to: 'EXECUTING', actor: called ? 'tool' : 'engine', data: { ...data, retryInMs: decision.delayMs } }], { kind: 'later', at: this.clock.now() + decision.delayMs }, also);
    }
    const reason = `step ${view.plan?.steps[view.stepIndex]?.id} (${tool.name}) failed: ${cls}: ${message}` + (failures > 1 ? ` (after ${failures - 1} retries)` : '');
    if (decision.action === 'replan') return this.fail(view, lease, cls, reason, also);
    return this.escalate(view, lease, reason, data, also);
  }

  private fail(view: WorkflowView, lease: Lease, cls: FailureClass, reason: string, also?: () => void): Next {
    if (view.replans >= this.o.maxReplans) return this.escalate(view, lease, `gave up after ${view.replans} re-plan(s): ${reason}`, { class: cls }, also);
    return this.commit(view, lease, [{ type: 'failed', to: 'FAILED', data: { class: cls, reason } }], { kind: 'later', at: this.clock.now() }, also);
  }

  private outcomeUnknown(view: WorkflowView, lease: Lease | null, tool: AnyTool, step: PlanStep, key: string, why = 'the engine stopped before it was recorded done'): Next {
    const reason = `outcome unknown: write step ${step.id} (${tool.name}) was started but ${why}; check whether it took effect, then resolve`;
    return this.escalate(view, lease, reason, { stepIndex: view.stepIndex, tool: tool.name, key, class: 'outcome_unknown' }, () =>
      markFinished(this.db, key, 'unknown', this.clock.now(), undefined, reason),
    );
  }

  /** Leased in WAITING_FOR_TOOL: the worker that started the call died or lost its lease mid-call. */
  private recoverInterruptedCall(view: WorkflowView, lease: Lease | null): Next {
    const current = this.stepOf(view);
    if (!current?.tool) return this.escalate(view, lease, `outcome unknown: step ${current?.step.id ?? view.stepIndex} uses a tool this engine does not have`);
    const { step, tool } = current;
    const key = keyOf(view, step, tool);
    if (key === null) return this.escalate(view, lease, `outcome unknown: step ${step.id} input no longer fits tool ${tool.name}`);
    const { risk } = assess(tool, step, effectiveInput(view, step, tool));
    if (!rerunnable(tool, risk)) return this.outcomeUnknown(view, lease, tool, step, key);
    return this.commit(view, lease, [{ type: 'step_rerun', to: 'EXECUTING', data: { stepIndex: view.stepIndex, tool: tool.name, key, reason: `re-running ${risk === 'read' ? 'read-only' : 'idempotent'} step ${step.id} interrupted by an engine stop` } }], { kind: 'continue' });
  }

  /**
   * Verified -> COMPLETED. An `expect` miss re-plans; a failed verification check escalates with the evidence.
   * A plan with nothing to check waits (bounded) for the alert's resolved notification instead, when it is an
   * alert from monitoring (it has a fingerprint); a person's request has nothing to wait for.
   */
  private validate(view: WorkflowView, lease: Lease): Next {
    const evidence: Array<{ stepId: string; problems: string[]; output: string }> = [];
    const verification: VerificationOutcome[] = [];
    // A check on a step that was declined or skipped says nothing either way: it is left out.
    const checked = (view.plan?.steps ?? []).filter((s) => (s.expect !== undefined || s.check !== undefined) && !view.skipped?.[s.id]);
    if (checked.length === 0 && view.request.fingerprint !== undefined) return this.awaitResolution(view, lease);
    for (const step of checked) {
      const tool = this.tools.get(step.tool);
      const key = tool ? keyOf(view, step, tool) : null;
      const record = key === null ? null : getToolCall(this.db, key);
      const ran = record?.status === 'done';
      if (step.expect !== undefined && !(ran && canonicalJson(record.result).includes(step.expect))) {
        return this.fail(view, lease, 'validation', `validation: output of step ${step.id} does not contain ${JSON.stringify(step.expect)}`);
      }
      if (step.check === undefined) continue;
      const result = ran ? evaluateCheck(step.check, record.result, view.answers) : { passed: false, text: 'the step did not run ✗', problems: ['the step did not run'] };
      const what = (tool && describeBound(view, step, tool)) ?? step.id;
      verification.push({ stepId: step.id, passed: result.passed, text: `${what}: ${result.text}`, toolCallId: ran ? key : null });
      if (!result.passed) evidence.push({ stepId: step.id, problems: result.problems, output: ran ? excerpt(record.result) : '' });
    }
    if (evidence.length > 0) {
      const summary = evidence.map((e) => `${e.stepId}: ${e.problems.join(', ')}`).join('; ');
      return this.escalate(view, lease, `not verified: ${summary}`, { class: 'validation', evidence, verification });
    }
    return this.commit(view, lease, [{ type: 'completed', to: 'COMPLETED', data: { verification } }], { kind: 'settled' });
  }

  private awaitResolution(view: WorkflowView, lease: Lease): Next {
    if (view.alertResolvedAt !== null) return this.commit(view, lease, [{ type: 'completed', to: 'COMPLETED', data: { verifiedBy: 'the alert resolved' } }], { kind: 'settled' });
    const deadline = (view.validatingAt ?? this.clock.now()) + this.o.resolveWaitMs;
    if (this.clock.now() < deadline) {
      // Said once, so the panel and `show` can tell what it waits for and until when.
      if (!view.awaitingResolution) return this.commit(view, lease, [{ type: 'awaiting_resolution', data: { until: deadline } }], { kind: 'later', at: deadline });
      this.release(lease, deadline);
      return { kind: 'settled' };
    }
    return this.escalate(view, lease, `not verified: the plan has no verification step and the alert did not resolve within ${Math.round(this.o.resolveWaitMs / 60_000)} min`, { class: 'validation' });
  }
}

/** What a step ran, in a person's words, with answers filled in (undefined when they cannot be). */
function describeBound(view: WorkflowView, step: PlanStep, tool: AnyTool): string | undefined {
  try {
    return tool.describe?.(effectiveInput(view, step, tool));
  } catch {
    return undefined;
  }
}

function retryAfterOf(error: unknown): number {
  return error instanceof ClassifiedError ? (error.retryAfterMs ?? 0) : 0;
}
