// The SQLite adapter: the ControlStore interface over the statements beside it (commit.ts, queue.ts, toolCalls.ts,
// eventLog.ts, snapshot.ts, killSwitch.ts, intake.ts, query.ts, replay.ts, tiers.ts, memories.ts), on a `Db` from
// engine/control/db/open.ts: what the Orchestrator runs on in the editor, the CLI and `serve` without --store.
// better-sqlite3 is synchronous: each method runs to completion before it resolves.
import { openDatabase, type Db } from '../../db/open';
import { getTier, setTier } from './tiers';
import type { Tier } from '../../policy/schema';
import { systemClock } from '../../workflow/clock';
import { storageError, UnknownWorkflow } from '../../workflow/errors';
import { eventsOf, verifyChain } from './eventLog';
import { intake } from './intake';
import { engagedSwitches, setKillSwitch } from './killSwitch';
import { countByState, listWorkflows } from './query';
import { extendLease, leaseNext, queuedCount, reclaimDeadLeases, releaseOwnerLeases, nextReadyAt, schedule, unschedule, type Lease } from './queue';
import { replayWorkflow } from './replay';
import { loadSnapshot, saveSnapshot } from './snapshot';
import { commit, loadView } from './commit';
import { getToolCall, listToolCalls, markFinished, markIntended } from './toolCalls';
import type { KillSwitchName } from '../../../../protocol/workflow';
import type { AuditCheckpoint, BreakerDecision, BreakerRow, ControlStore, CreateOptions, Decided, DurableAction, EventDraft, ExportedEvent, IncidentMemory, ListOptions, MemoryListOptions, StoreChange, WorkflowView, Write } from '../types';
import * as memories from './memories';
import { exportChain, headCheckpoint } from './audit';
import { logHead, PollingFeed } from './feed';
import { eventDataOf, settledWithDoneCalls } from './logReads';
import { breakerRow, listBreakers, finishTask, heldIds, killSwitchRows, leasesHeld, recoveryCandidates, releaseTask, saveBreaker } from './statements';

export interface SqliteStoreOptions {
  /** How often subscribers poll the log for other processes' commits (default 100 ms, like the server's ChangeWatcher). */
  readonly pollMs?: number;
  /** close() closes the Db too (true when the store opened it). */
  readonly ownsDb?: boolean;
}

/** Opens (creating and migrating) the database file and wraps it. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteControlStore {
  return new SqliteControlStore(openDatabase(file), { ownsDb: true, ...options });
}

export class SqliteControlStore implements ControlStore {
  readonly kind = 'sqlite' as const;
  private readonly feed: PollingFeed;

  constructor(
    readonly db: Db,
    private readonly options: SqliteStoreOptions = {},
  ) {
    this.feed = new PollingFeed(db, options.pollMs ?? 100);
  }

  async commit(action: DurableAction): Promise<WorkflowView> {
    const view = this.commitNow(action);
    if (action.events.length > 0) this.feed.poll();
    return view;
  }

  /** Decides on the view read inside the commit's own immediate transaction (SQLite's one writer is the lock). */
  async commitDecision(workflowId: string, now: number, choose: (view: WorkflowView) => Decided): Promise<WorkflowView> {
    const run = this.db.transaction(() => {
      const view = loadView(this.db, workflowId);
      if (!view) throw new UnknownWorkflow(workflowId);
      const { events, writes, next } = choose(view);
      return { view: this.commitNow({ workflowId, now, events, writes, next }), committed: events.length > 0 };
    });
    let done: { view: WorkflowView; committed: boolean };
    try {
      done = run.immediate();
    } catch (error) {
      throw storageError(error);
    }
    if (done.committed) this.feed.poll();
    return done.view;
  }

  async appendOnEvents(workflowId: string, type: string, now: number, choose: (logged: readonly unknown[]) => readonly EventDraft[]): Promise<number> {
    const run = this.db.transaction(() => {
      if (!loadView(this.db, workflowId)) throw new UnknownWorkflow(workflowId);
      const events = choose(eventDataOf(this.db, workflowId, type).map((d) => JSON.parse(d) as unknown));
      if (events.length > 0) this.commitNow({ workflowId, now, events });
      return events.length;
    });
    let appended: number;
    try {
      appended = run.immediate();
    } catch (error) {
      throw storageError(error);
    }
    if (appended > 0) this.feed.poll();
    return appended;
  }

  private commitNow(action: DurableAction): WorkflowView {
    const { workflowId, now, leaseToken, writes = [], next } = action;
    return commit(this.db, {
      workflowId,
      now,
      leaseToken,
      // Exactly the orchestrator's apply(): the records, then the task's next slot, in the commit's transaction.
      also: () => {
        for (const w of writes) this.write(workflowId, w, now);
        if (next?.kind === 'settled') unschedule(this.db, workflowId);
        if (next?.kind === 'later') schedule(this.db, workflowId, next.at);
        if (next?.kind === 'continue' && leaseToken === undefined) schedule(this.db, workflowId, now);
      },
    }, [...action.events]);
  }

  private write(workflowId: string, w: Write, now: number): void {
    if (w.kind === 'intended') markIntended(this.db, { key: w.key, workflowId, stepId: w.stepId, tool: w.tool, input: w.input, now });
    else if (w.kind === 'finished') markFinished(this.db, w.key, w.status, now, w.result, w.error);
    else saveSnapshot(this.db, workflowId, w.planVersion, w.hits);
  }

  async createWorkflow(raw: unknown, options: CreateOptions) {
    const result = intake(this.db, raw, { clock: { now: () => options.now, sleep: systemClock.sleep }, maxQueued: options.maxQueued, budget: options.budget, workspace: options.workspace });
    this.feed.poll();
    return result;
  }

  async view(id: string) {
    return loadView(this.db, id);
  }

  async list(options: ListOptions = {}) {
    return listWorkflows(this.db, options);
  }

  async countByState() {
    return countByState(this.db);
  }

  async events(workflowId: string) {
    return eventsOf(this.db, workflowId);
  }

  async replay(workflowId: string) {
    return replayWorkflow(this.db, workflowId);
  }

  async toolCall(key: string) {
    return getToolCall(this.db, key);
  }

  async toolCalls(workflowId: string) {
    return listToolCalls(this.db, workflowId);
  }

  async snapshot(workflowId: string) {
    return loadSnapshot(this.db, workflowId);
  }

  async settledWithDoneCalls(workspace: string, tool: string, since: number) {
    return settledWithDoneCalls(this.db, workspace, tool, since);
  }

  async lease(owner: string, now: number, visibilityMs: number, queue?: string) {
    return leaseNext(this.db, owner, now, visibilityMs, queue);
  }

  async extendLease(lease: Lease, until: number) {
    return this.guard(() => extendLease(this.db, lease, until));
  }

  async release(lease: Lease, at: number) {
    return this.guard(() => releaseTask(this.db, lease, at));
  }

  async finish(lease: Lease) {
    return this.guard(() => finishTask(this.db, lease));
  }

  async releaseOwner(owner: string) {
    return this.guard(() => releaseOwnerLeases(this.db, owner));
  }

  async reclaimDeadOwners(isAlive?: (pid: number) => boolean) {
    return this.guard(() => reclaimDeadLeases(this.db, isAlive));
  }

  async nextReadyAt(queue?: string) {
    return nextReadyAt(this.db, queue);
  }

  async queued() {
    return queuedCount(this.db);
  }

  async leasesHeld() {
    return leasesHeld(this.db);
  }

  async recoveryCandidates(now: number, queue?: string) {
    return recoveryCandidates(this.db, now, queue);
  }

  async tier(root: string) {
    return getTier(this.db, root);
  }

  async setTier(root: string, tier: Tier, by: string, now: number) {
    const held = heldIds(this.db, root).length;
    setTier(this.db, root, tier, by, now);
    this.feed.poll();
    return held;
  }

  async killSwitches() {
    return killSwitchRows(this.db);
  }

  async engagedSwitches() {
    return engagedSwitches(this.db);
  }

  async setKillSwitch(name: KillSwitchName, engaged: boolean, by: string, reason: string, now: number) {
    setKillSwitch(this.db, name, engaged, by, reason, now);
    this.feed.poll();
  }

  async breaker(name: string) {
    return breakerRow(this.db, name);
  }

  async breakers() {
    return listBreakers(this.db);
  }

  async updateBreaker<T>(name: string, now: number, decide: (row: BreakerRow) => BreakerDecision<T>): Promise<T> {
    const decision = this.guard(() =>
      this.db
        .transaction(() => {
          const row = breakerRow(this.db, name);
          const d = decide(row);
          if (d.next) saveBreaker(this.db, row, d.next, now);
          return { result: d.result, changed: d.next !== undefined && d.next.state !== row.state };
        })
        .immediate(),
    );
    if (decision.changed) this.feed.poll();
    return decision.result;
  }

  async saveMemory(workspace: string, memory: IncidentMemory, now: number) {
    return memories.saveMemory(this.db, workspace, memory, now);
  }

  async memoriesFor(workspace: string, alertname: string, limit: number) {
    return memories.memoriesFor(this.db, workspace, alertname, limit);
  }

  async listMemories(options?: MemoryListOptions) {
    return memories.listMemories(this.db, options);
  }

  async getMemory(idOrWorkflowId: string) {
    return memories.getMemory(this.db, idOrWorkflowId);
  }

  async forgetMemory(idOrWorkflowId: string, by: string, now: number) {
    const forgotten = memories.forgetMemory(this.db, idOrWorkflowId, by, now);
    this.feed.poll();
    return forgotten;
  }

  async settledWithoutMemory(workspace: string | null, limit: number) {
    return memories.settledUnremembered(this.db, workspace, limit);
  }

  async verifyLog() {
    return { ...verifyChain(this.db), chains: 1, checkpoints: 0 };
  }

  async checkpoint(now: number): Promise<AuditCheckpoint | null> {
    return headCheckpoint(this.db, now);
  }

  async *exportLog(): AsyncIterable<ExportedEvent> {
    yield* exportChain(this.db);
  }

  async head() {
    return logHead(this.db);
  }

  async subscribe(listener: (change: StoreChange) => void): Promise<() => void> {
    return this.feed.subscribe(listener);
  }

  async close() {
    this.feed.stop();
    if (this.options.ownsDb && this.db.open) this.db.close();
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storageError(error);
    }
  }
}
