/** Workflow shapes shared by the engine, the CLI's --json output and (later) the panel. */
import { z } from 'zod';

/**
 * The design's states, plus WAITING_FOR_PERSON for approvals and kill switches, and CANCELLED for a workflow a
 * person stopped. COMPLETED and CANCELLED end a workflow (a person may still retry it from a step); ESCALATED
 * and WAITING_FOR_PERSON wait for a person.
 */
export const WorkflowState = z.enum([
  'RECEIVED',
  'PLANNED',
  'EXECUTING',
  'WAITING_FOR_TOOL',
  'VALIDATING',
  'FAILED',
  'WAITING_FOR_PERSON',
  'ESCALATED',
  'COMPLETED',
  'CANCELLED',
]);
export type WorkflowState = z.infer<typeof WorkflowState>;

export const Actor = z.enum(['engine', 'tool', 'person']);
export type Actor = z.infer<typeof Actor>;

export const Usage = z.object({
  steps: z.number().int().nonnegative(),
  toolCalls: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

export const WorkflowSummary = z.object({
  id: z.string(),
  intakeKey: z.string().nullable(),
  title: z.string(),
  state: WorkflowState,
  reason: z.string().nullable(),
  stepIndex: z.number().int().nonnegative(),
  stepCount: z.number().int().nonnegative(),
  usage: Usage,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorkflowSummary = z.infer<typeof WorkflowSummary>;

export const ToolCallStatus = z.enum(['intended', 'done', 'failed', 'unknown']);
export type ToolCallStatus = z.infer<typeof ToolCallStatus>;

export const ToolCallRecord = z.object({
  key: z.string(),
  stepId: z.string(),
  tool: z.string(),
  status: ToolCallStatus,
  attempts: z.number().int().nonnegative(),
  input: z.unknown(),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  intendedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ToolCallRecord = z.infer<typeof ToolCallRecord>;

export const WorkflowEvent = z.object({
  seq: z.number().int().positive(),
  workflowId: z.string().nullable(),
  type: z.string(),
  from: WorkflowState.nullable(),
  to: WorkflowState.nullable(),
  actor: Actor,
  attempt: z.number().int().nonnegative(),
  at: z.string(),
  data: z.unknown(),
  hash: z.string(),
});
export type WorkflowEvent = z.infer<typeof WorkflowEvent>;

export const SnapshotHit = z.object({
  chunkId: z.string(),
  docId: z.string(),
  docVersion: z.string(),
  score: z.number(),
  /** The chunk came from an index entry whose file had changed on disk when the planner saw it. */
  stale: z.boolean(),
  /** Where the chunk was when the planner saw it (absent in snapshots taken before this was recorded). */
  root: z.string().optional(),
  startLine: z.number().int().optional(),
  endLine: z.number().int().optional(),
  heading: z.string().optional(),
});
export type SnapshotHit = z.infer<typeof SnapshotHit>;

export const WorkflowDetail = z.object({
  workflow: WorkflowSummary,
  request: z.unknown(),
  plan: z.unknown().nullable(),
  toolCalls: z.array(ToolCallRecord),
  snapshot: z.array(SnapshotHit),
  events: z.array(WorkflowEvent),
});
export type WorkflowDetail = z.infer<typeof WorkflowDetail>;

/**
 * What a workflow in WAITING_FOR_PERSON waits for. `inputHash` binds an approval to the exact input shown:
 * if the plan or the command changes, an approval given for the old one does not apply.
 */
export const Waiting = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('approval'),
    stepId: z.string(),
    stepIndex: z.number().int().nonnegative(),
    tool: z.string(),
    input: z.unknown(),
    inputHash: z.string(),
    /** What exactly will run, as a person reads it (the command, the URL). */
    describe: z.string(),
    risk: z.enum(['read', 'write']),
    /** Why it is a write (the classifier's reasons). */
    reasons: z.array(z.string()),
    /** Why the policy gate wants a person (rule or tier). */
    policy: z.string(),
    /** No approval runs it until the workspace's tier allows writes (read-only tier). */
    held: z.boolean().default(false),
    rationale: z.string().optional(),
    source: z.unknown().optional(),
  }),
  z.object({ kind: z.literal('question'), stepId: z.string(), stepIndex: z.number().int().nonnegative(), name: z.string(), question: z.string(), expects: z.literal('number').optional() }),
  /** A runbook instruction that is not a command: a person does it and says done or skipped (with a note). */
  z.object({ kind: z.literal('checklist'), stepId: z.string(), stepIndex: z.number().int().nonnegative(), name: z.string(), item: z.string() }),
  z.object({ kind: z.literal('kill_switch'), stepId: z.string(), stepIndex: z.number().int().nonnegative(), switch: z.string() }),
  z.object({ kind: z.literal('trust'), stepId: z.string(), stepIndex: z.number().int().nonnegative(), message: z.string() }),
]);
export type Waiting = z.infer<typeof Waiting>;

/**
 * The checklist item a plan gets, after its diagnostics, when nothing settled which runbook answers the alert (only
 * search chose it): a person ticks it, or names another runbook (the `use-runbook` decision re-plans from that one).
 */
export const CONFIRM_RUNBOOK_STEP = 'confirm-runbook';

export const BreakerStateName = z.enum(['closed', 'open', 'half-open']);
export const BreakerState = z.object({
  name: z.string(),
  state: BreakerStateName,
  consecutiveFailures: z.number().int().nonnegative(),
  openedAt: z.string().nullable(),
});
export type BreakerState = z.infer<typeof BreakerState>;

export const ToolClass = z.enum(['shell', 'network', 'file', 'model', 'other']);
export type ToolClass = z.infer<typeof ToolClass>;

/** A kill switch stops new tool calls: 'writes' covers every write tool, the others a tool class. */
export const KillSwitchName = z.enum(['writes', 'network', 'shell']);
export type KillSwitchName = z.infer<typeof KillSwitchName>;

export const ChainVerification = z.object({
  ok: z.boolean(),
  events: z.number().int().nonnegative(),
  problem: z.string().nullable(),
  firstBadSeq: z.number().int().nullable(),
});
export type ChainVerification = z.infer<typeof ChainVerification>;
