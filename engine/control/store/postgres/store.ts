// The Postgres adapter: node-postgres (`pg`) with a pool; one READ COMMITTED transaction per durable action, rows
// locked in one order (workflows, tasks, chain head) so concurrent engines never deadlock; leases with
// FOR UPDATE SKIP LOCKED; a hash chain per workflow plus Merkle checkpoints for the global order; LISTEN/NOTIFY.
// Every value goes in as a query parameter; the only identifiers in SQL text are the checked schema name and
// the channel derived from it.
import type { KillSwitchName } from '../../../../protocol/workflow';
import type { Tier } from '../../policy/schema';
import { pidAlive } from '../pid';
import { isHeld } from '../recheck';
import { parseView } from '../rows';
import type { AuditCheckpoint, BreakerDecision, BreakerRow, ControlStore, CreateOptions, Decided, DurableAction, EventDraft, ExportedEvent, IncidentMemory, Lease, ListOptions, MemoryListOptions, StoreChange, WorkflowView } from '../types';
import { createCheckpoint } from './checkpoint';
import { appendOnEventsIn, commitDecisionIn, commitIn, recheckIfHeld } from './commit';
import { channelOf, createPool, schemaOf, transaction, type PgStoreOptions, type Pool } from './connect';
import * as controls from './controls';
import { exportLog } from './export';
import { NotifyFeed } from './feed';
import { createWorkflow } from './intake';
import * as memories from './memories';
import { migrate } from './migrations';
import * as queue from './queue';
import * as reads from './reads';
import { verifyLog } from './verify';

export type { PgStoreOptions };

/** Connects, brings the schema up to date (migrations in one transaction, under an advisory lock) and returns the store. */
export async function openPostgresStore(options: PgStoreOptions): Promise<PostgresControlStore> {
  const store = new PostgresControlStore(options);
  try {
    await migrate(store.pool, store.schema);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export class PostgresControlStore implements ControlStore {
  readonly kind = 'postgres' as const;
  readonly pool: Pool;
  readonly schema: string;
  private readonly channel: string;
  private readonly feed: NotifyFeed;

  constructor(options: PgStoreOptions) {
    this.schema = schemaOf(options);
    this.channel = channelOf(this.schema);
    this.pool = createPool(options);
    this.feed = new NotifyFeed(options, this.channel);
  }

  commit(action: DurableAction): Promise<WorkflowView> {
    return transaction(this.pool, (c) => commitIn(c, this.channel, action));
  }

  commitDecision(workflowId: string, now: number, choose: (view: WorkflowView) => Decided): Promise<WorkflowView> {
    return transaction(this.pool, (c) => commitDecisionIn(c, this.channel, workflowId, now, choose));
  }

  appendOnEvents(workflowId: string, type: string, now: number, choose: (logged: readonly unknown[]) => readonly EventDraft[]): Promise<number> {
    return transaction(this.pool, (c) => appendOnEventsIn(c, this.channel, workflowId, type, now, choose));
  }

  createWorkflow(raw: unknown, options: CreateOptions) {
    return createWorkflow(this.pool, this.channel, raw, options);
  }

  view(id: string) {
    return reads.view(this.pool, id);
  }

  list(options?: ListOptions) {
    return reads.list(this.pool, options);
  }

  countByState() {
    return reads.countByState(this.pool);
  }

  events(workflowId: string) {
    return reads.events(this.pool, workflowId);
  }

  replay(workflowId: string) {
    return reads.replay(this.pool, workflowId);
  }

  toolCall(key: string) {
    return reads.toolCall(this.pool, key);
  }

  toolCalls(workflowId: string) {
    return reads.toolCalls(this.pool, workflowId);
  }

  snapshot(workflowId: string) {
    return reads.snapshot(this.pool, workflowId);
  }

  settledWithDoneCalls(workspace: string, tool: string, since: number) {
    return reads.settledWithDoneCalls(this.pool, workspace, tool, since);
  }

  lease(owner: string, now: number, visibilityMs: number, q?: string) {
    return queue.lease(this.pool, owner, now, visibilityMs, q);
  }

  extendLease(lease: Lease, until: number) {
    return queue.extendLease(this.pool, lease, until);
  }

  release(lease: Lease, at: number) {
    return queue.release(this.pool, lease, at);
  }

  finish(lease: Lease) {
    return queue.finish(this.pool, lease);
  }

  releaseOwner(owner: string) {
    return queue.releaseOwner(this.pool, owner);
  }

  reclaimDeadOwners(isAlive: (pid: number) => boolean = pidAlive) {
    return queue.reclaimDeadOwners(this.pool, isAlive);
  }

  nextReadyAt(q?: string) {
    return queue.nextReadyAt(this.pool, q);
  }

  queued() {
    return queue.count(this.pool, 'queued');
  }

  leasesHeld() {
    return queue.count(this.pool, 'leased');
  }

  recoveryCandidates(now: number, q?: string) {
    return queue.recoveryCandidates(this.pool, now, q);
  }

  tier(root: string) {
    return controls.tier(this.pool, root);
  }

  /** As store/sqlite/tiers.ts: the change is logged, then each step the old tier held is rechecked (its own commit). */
  async setTier(root: string, tier: Tier, by: string, now: number): Promise<number> {
    await controls.saveTier(this.pool, this.channel, root, tier, by, now);
    const why = `tier changed to ${tier} by ${by}`;
    let rechecked = 0;
    for (const text of await controls.waitingViews(this.pool, root)) {
      const view = parseView(text);
      if (!isHeld(view)) continue;
      if (await transaction(this.pool, (c) => recheckIfHeld(c, this.channel, view.id, why, now))) rechecked++;
    }
    return rechecked;
  }

  killSwitches() {
    return controls.killSwitches(this.pool);
  }

  async engagedSwitches(): Promise<ReadonlySet<KillSwitchName>> {
    return new Set((await this.killSwitches()).filter((s) => s.engaged).map((s) => s.name));
  }

  setKillSwitch(name: KillSwitchName, engaged: boolean, by: string, reason: string, now: number) {
    return controls.setKillSwitch(this.pool, this.channel, name, engaged, by, reason, now);
  }

  breaker(name: string) {
    return controls.breaker(this.pool, name);
  }

  breakers() {
    return controls.breakers(this.pool);
  }

  updateBreaker<T>(name: string, now: number, decide: (row: BreakerRow) => BreakerDecision<T>): Promise<T> {
    return controls.updateBreaker(this.pool, this.channel, name, now, decide);
  }

  saveMemory(workspace: string, memory: IncidentMemory, now: number) {
    return memories.saveMemory(this.pool, workspace, memory, now);
  }

  memoriesFor(workspace: string, alertname: string, limit: number) {
    return memories.memoriesFor(this.pool, workspace, alertname, limit);
  }

  listMemories(options?: MemoryListOptions) {
    return memories.listMemories(this.pool, options);
  }

  getMemory(idOrWorkflowId: string) {
    return memories.getMemory(this.pool, idOrWorkflowId);
  }

  forgetMemory(idOrWorkflowId: string, by: string, now: number) {
    return memories.forgetMemory(this.pool, this.channel, idOrWorkflowId, by, now);
  }

  settledWithoutMemory(workspace: string | null, limit: number) {
    return memories.settledWithoutMemory(this.pool, workspace, limit);
  }

  verifyLog() {
    return verifyLog(this.pool);
  }

  checkpoint(now: number): Promise<AuditCheckpoint | null> {
    return createCheckpoint(this.pool, now);
  }

  exportLog(now: number): AsyncIterable<ExportedEvent> {
    return exportLog(this.pool, now);
  }

  /** The highest seq committed. A commit that begins after a read takes seqs above everything allocated before it, so the head grows past that read. */
  async head(): Promise<number> {
    return Number((await this.pool.query('SELECT coalesce(max(seq), 0) AS s FROM events')).rows[0]?.s ?? 0);
  }

  subscribe(listener: (change: StoreChange) => void): Promise<() => void> {
    return this.feed.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.feed.close();
    await this.pool.end();
  }
}
