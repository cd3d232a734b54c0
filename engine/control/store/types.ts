// The control-store boundary: everything the workflow runtime (orchestrator, intake, person actions, CLI, panel)
// needs from durable storage, as one ASYNC interface with two adapters (sqlite/, postgres/) and one conformance
// suite (test/store/conformance.ts). Like a LangGraph checkpointer: callers never see SQL; an adapter is right
// when the suite passes against it. Shared shapes are imported from where the engine keeps them.
import type { BreakerState, KillSwitchName, SnapshotHit, ToolCallRecord, WorkflowEvent, WorkflowState, WorkflowSummary } from '../../../protocol/workflow';
import type { ChainVerification } from '../../../protocol/workflow';
import type { Tier } from '../policy/schema';
import type { Budget } from '../workflow/budget';
import type { Next, Write } from '../workflow/core/types';
import type { Lease } from './sqlite/queue';
import type { EventDraft } from '../workflow/reducer';
import type { ToolCallRow } from './sqlite/toolCalls';
import type { WorkflowView } from '../workflow/view';
import type { Forgotten, IncidentMemory, StoredMemory } from '../../memory/incidents/incident';

export type { Forgotten, IncidentMemory, StoredMemory };
export type { BreakerState, EventDraft, KillSwitchName, Lease, Next, SnapshotHit, Tier, ToolCallRecord, ToolCallRow, WorkflowEvent, WorkflowView, Write };

/**
 * One durable action: exactly what the decision core's `Outcome` says ({events, writes, next}) for one workflow,
 * committed in ONE transaction: each draft goes through the real reducer (applyEvent) and onto the hash chain,
 * the view is written, the writes land, and the task gets its next slot. With `leaseToken` the commit is refused
 * with LeaseLost (engine/control/workflow/errors) unless that token still holds the workflow's task (fencing).
 */
export interface DurableAction {
  readonly workflowId: string;
  readonly now: number;
  readonly leaseToken?: string;
  /** May be empty: then only the fencing check and `next` apply (e.g. a task put back until later). */
  readonly events: readonly EventDraft[];
  readonly writes?: readonly Write[];
  /**
   * The task's next slot, as the orchestrator's apply() treats it: `continue` keeps a held lease (without a lease:
   * runnable now), `later` makes it runnable at `at` and drops the lease, `settled` takes it off the queue.
   * Omitted: the task is left as it is (archive, resolve).
   */
  readonly next?: Next;
}

/** What a decision over the current view commits (see ControlStore.commitDecision): a DurableAction's body. */
export type Decided = Pick<DurableAction, 'events' | 'writes' | 'next'>;

/** Options of createWorkflow, as engine/control/store/sqlite/intake.ts takes them (a time instead of a clock). */
export interface CreateOptions {
  readonly now: number;
  /** Intake refuses with Backpressure beyond this many queued workflows (default DEFAULT_MAX_QUEUED). */
  readonly maxQueued?: number;
  readonly budget?: Partial<Budget>;
  /** The workspace folder: its runbooks, its tools' working folder, its queue. */
  readonly workspace?: string;
}

export interface CreateResult {
  readonly workflow: WorkflowView;
  /** false when the idempotency key was seen before: the existing workflow is returned (a resolved notification is recorded on it). */
  readonly created: boolean;
}

export interface ListOptions {
  readonly state?: WorkflowState;
  readonly limit?: number;
}

export type SnapshotRow = SnapshotHit & { readonly planVersion: number };

/** What recovery at start-up looks at (Orchestrator.recover). */
export interface RecoveryCandidates {
  /** Unsettled workflows without a task: put back in the queue. */
  readonly orphans: readonly string[];
  /** Workflows in WAITING_FOR_TOOL whose task's lease is free or expired (of `queue` when given): their call was interrupted. */
  readonly interrupted: readonly string[];
  /** Unsettled workflows in all. */
  readonly unsettled: number;
}

export interface KillSwitchRow {
  readonly name: KillSwitchName;
  readonly engaged: boolean;
  readonly changedBy: string;
  readonly changedAt: number;
  readonly reason: string;
}

/** A circuit breaker's persisted row (engine/control/workflow/breaker.ts), times in ms. */
export interface BreakerRow {
  readonly name: string;
  readonly state: 'closed' | 'open' | 'half-open';
  readonly consecutiveFailures: number;
  readonly openedAt: number | null;
  readonly probeStartedAt: number | null;
}

/** What a breaker rule decides on the current row: its answer, and the row to store (a state change is logged). */
export interface BreakerDecision<T> {
  readonly result: T;
  readonly next?: BreakerRow;
}

/** A commitment to every event committed so far: the global chain's head (SQLite), or a Merkle checkpoint over all chain heads (Postgres). */
export interface AuditCheckpoint {
  readonly id: number;
  readonly at: number;
  /** Events covered. */
  readonly events: number;
  /** Chains covered (1 for SQLite's single chain). */
  readonly chains: number;
  /** The Merkle root of the chain heads (Postgres) or the head hash (SQLite). */
  readonly root: string;
  /** Hash of this checkpoint, covering the previous one's (Postgres) or equal to root (SQLite). */
  readonly hash: string;
}

export interface LogVerification extends ChainVerification {
  readonly chains: number;
  readonly checkpoints: number;
}

/** One event of the audit export, in the export's global order (position 1, 2, ...). */
export interface ExportedEvent extends WorkflowEvent {
  readonly position: number;
  /** The chain it belongs to: '*' for SQLite's one chain, the workflow id or a system chain (`~kill_switch`, ...) for Postgres. */
  readonly chain: string;
  readonly chainSeq: number;
  readonly prevHash: string;
  /** The checkpoint that first covers it (Postgres), null for SQLite where the chain itself is the order. */
  readonly checkpoint: number | null;
}

export interface MemoryListOptions {
  /** One workspace's memories; all when omitted. */
  readonly workspace?: string;
  /** Default 1000. */
  readonly limit?: number;
}

/** A change someone committed: `head` afterwards, and the workflows it touched (none for kill switches, tiers, breakers). */
export interface StoreChange {
  readonly head: number;
  readonly workflowIds: readonly string[];
  /** The feed lost its connection and may have missed commits: re-read what you show (head is 0 then). */
  readonly missed?: boolean;
}

export interface ControlStore {
  readonly kind: 'sqlite' | 'postgres';

  // ---- writes of the workflow runtime ----
  /** Commits one durable action (see DurableAction); returns the view after it. */
  commit(action: DurableAction): Promise<WorkflowView>;
  /**
   * A decision that must see the workflow as it is when it commits (a person's: approve, answer, reject, cancel,
   * ...): reads the view under the commit's own lock, lets `choose` (pure, synchronous, e.g. the core's
   * decidePerson) say what to commit, and commits that in the SAME transaction, as commit() without a lease
   * (`continue` queues the task runnable now and drops any lease, so a worker picks it up). Two decisions on one
   * workflow at once are serialised: the second sees the first's outcome (two approvals give one). A throw from
   * `choose` commits nothing and is rethrown; UnknownWorkflow when there is no such workflow.
   */
  commitDecision(workflowId: string, now: number, choose: (view: WorkflowView) => Decided): Promise<WorkflowView>;
  /**
   * Validates an alert (AlertRequest) and creates its workflow, queued, in one transaction; the same idempotency
   * key returns the existing workflow (exactly one, also under concurrent intake), and a resolved notification
   * for it is recorded there (`alert_resolved`, re-queued when it waits in VALIDATING). InvalidRequest,
   * NothingToDo, Backpressure as engine/control/store/sqlite/intake.ts.
   */
  createWorkflow(raw: unknown, options: CreateOptions): Promise<CreateResult>;
  /**
   * Appends what `choose` (pure, synchronous) decides on the data of the workflow's events of `type`, in log order,
   * read under the commit's own lock as commitDecision does: two appends on one workflow are serialised, so a record
   * that must be logged once (a silence's expiry, by whichever replica got there first) is never logged twice. An
   * empty answer commits nothing. Returns how many events were appended; UnknownWorkflow when there is no such workflow.
   */
  appendOnEvents(workflowId: string, type: string, now: number, choose: (logged: readonly unknown[]) => readonly EventDraft[]): Promise<number>;

  // ---- reads ----
  view(id: string): Promise<WorkflowView | null>;
  list(options?: ListOptions): Promise<WorkflowSummary[]>;
  countByState(): Promise<Partial<Record<WorkflowState, number>>>;
  events(workflowId: string): Promise<WorkflowEvent[]>;
  /** The view rebuilt from the workflow's events alone (UnknownWorkflow when it has none). */
  replay(workflowId: string): Promise<WorkflowView>;
  toolCall(key: string): Promise<ToolCallRow | null>;
  toolCalls(workflowId: string): Promise<ToolCallRecord[]>;
  snapshot(workflowId: string): Promise<SnapshotRow[]>;
  /** Completed, escalated or cancelled workflows of `workspace` with a call of `tool` done at or after `since` (the silence sweep). */
  settledWithDoneCalls(workspace: string, tool: string, since: number): Promise<string[]>;

  // ---- the queue ----
  /** Leases the oldest ready task (of `queue` when given) for `visibilityMs`; an expired lease is ready again (redelivery). */
  lease(owner: string, now: number, visibilityMs: number, queue?: string): Promise<Lease | null>;
  /** false when the lease was lost. */
  extendLease(lease: Lease, until: number): Promise<boolean>;
  /** Puts the task back, runnable at `at`, if the lease still holds it. */
  release(lease: Lease, at: number): Promise<boolean>;
  /** Takes the task off the queue (its workflow settled or vanished), if the lease still holds it. */
  finish(lease: Lease): Promise<boolean>;
  /** Frees every lease of `owner` (after its workers stopped). */
  releaseOwner(owner: string): Promise<number>;
  /** Frees leases of engine processes on this host that no longer exist. */
  reclaimDeadOwners(isAlive?: (pid: number) => boolean): Promise<number>;
  /** When the next task becomes ready (a retry, an expiring lease), null for an empty queue. */
  nextReadyAt(queue?: string): Promise<number | null>;
  queued(): Promise<number>;
  leasesHeld(): Promise<number>;
  recoveryCandidates(now: number, queue?: string): Promise<RecoveryCandidates>;

  // ---- tiers, kill switches, breakers (each change is an event in the log) ----
  tier(root: string): Promise<Tier>;
  /** Sets a workspace's tier; steps the old tier held go back to the engine (`rechecked`). Returns how many. */
  setTier(root: string, tier: Tier, by: string, now: number): Promise<number>;
  killSwitches(): Promise<KillSwitchRow[]>;
  engagedSwitches(): Promise<ReadonlySet<KillSwitchName>>;
  setKillSwitch(name: KillSwitchName, engaged: boolean, by: string, reason: string, now: number): Promise<void>;
  breaker(name: string): Promise<BreakerRow>;
  breakers(): Promise<BreakerState[]>;
  /** Reads the row, lets `decide` (pure, synchronous) choose, stores its `next` in the same transaction; a state change is logged. */
  updateBreaker<T>(name: string, now: number, decide: (row: BreakerRow) => BreakerDecision<T>): Promise<T>;

  // ---- incident memory (engine/memory/incidents: "last time" for an alert) ----
  /**
   * Stores the memory of one settled workflow, made storable first (storableMemory: redacted, printable, capped), so
   * no writer stores a secret; the workflow's row is replaced (an upsert on its workflow id: two replicas remembering
   * the same workflow leave one row). Returns the memory id, or null, storing nothing, when a person forgot this
   * workflow's memory (checked in the same transaction: a forgotten memory never comes back).
   */
  saveMemory(workspace: string, memory: IncidentMemory, now: number): Promise<string | null>;
  /** Candidates for an alert: the workspace's memories of `alertname`, newest first, then up to `limit` of its other recent ones. */
  memoriesFor(workspace: string, alertname: string, limit: number): Promise<StoredMemory[]>;
  /** Every memory (of one workspace, or all), newest settled first. */
  listMemories(options?: MemoryListOptions): Promise<StoredMemory[]>;
  /** One memory by its id (`mem-…`) or its workflow's id. */
  getMemory(idOrWorkflowId: string): Promise<StoredMemory | null>;
  /**
   * Deletes the memory and, in the same transaction, appends a global `memory_forgotten` event (which memory and
   * workflow, by whom; never the content) to the hash-chained log. UnknownMemory when there is no such memory.
   */
  forgetMemory(idOrWorkflowId: string, by: string, now: number): Promise<Forgotten>;
  /** Settled workflows (of `workspace`, or of all: null) with no memory for their current state and never forgotten, most recently updated first: what catch-up remembers. */
  settledWithoutMemory(workspace: string | null, limit: number): Promise<string[]>;

  // ---- the audit ----
  /** Verifies every hash chain, the recorded heads and (Postgres) every checkpoint. */
  verifyLog(): Promise<LogVerification>;
  /** Commits to everything committed so far (see AuditCheckpoint); null while the log is empty. */
  checkpoint(now: number): Promise<AuditCheckpoint | null>;
  /** Every event up to a checkpoint taken now, in one global order that a verifier can check (see README). */
  exportLog(now: number): AsyncIterable<ExportedEvent>;

  // ---- the change feed ----
  /** A number that grows with every commit: a head read before a commit began is smaller than one read after it returned. */
  head(): Promise<number>;
  /**
   * Wakes `listener` after commits by anyone (this process, another engine, the CLI). Resolves, with the
   * unsubscribe, once every later commit is sure to wake it (SQLite: polling started; Postgres: LISTEN active).
   */
  subscribe(listener: (change: StoreChange) => void): Promise<() => void>;

  close(): Promise<void>;
}
