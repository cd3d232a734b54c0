// Rows as storage returns them, parsed at the boundary. Both adapters use the same column names; numbers may
// come back as strings (Postgres bigint) and booleans as 0/1 (SQLite), so both are coerced here.
import { z } from 'zod';
import { Actor, KillSwitchName, ToolCallStatus, WorkflowState } from '../../../protocol/workflow';
import type { WorkflowView } from '../workflow/view';
import type { BreakerRow, KillSwitchRow } from './types';

const int = z.coerce.number().int();
const nullableInt = z.union([z.null(), int]);
const bool = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1);

export const BreakerRowSchema = z
  .object({ name: z.string(), state: z.enum(['closed', 'open', 'half-open']), consecutive_failures: int, opened_at: nullableInt, probe_started_at: nullableInt })
  .transform((r): BreakerRow => ({ name: r.name, state: r.state, consecutiveFailures: r.consecutive_failures, openedAt: r.opened_at, probeStartedAt: r.probe_started_at }));

export const KillSwitchRowSchema = z
  .object({ name: KillSwitchName, engaged: bool, changed_by: z.string(), changed_at: int, reason: z.string() })
  .transform((r): KillSwitchRow => ({ name: r.name, engaged: r.engaged, changedBy: r.changed_by, changedAt: r.changed_at, reason: r.reason }));

/** A stored view: checked for the fields every reader relies on; the rest is the reducer's own output. */
export const ViewSchema = z
  .looseObject({ id: z.string(), state: WorkflowState, title: z.string(), planVersion: int, stepIndex: int, createdAt: int, updatedAt: int })
  .transform((v) => v as unknown as WorkflowView);

export function parseView(text: string): WorkflowView {
  return ViewSchema.parse(JSON.parse(text));
}

export const EventRowSchema = z.object({
  seq: int,
  chain: z.string(),
  chain_seq: int,
  workflow_id: z.string().nullable(),
  type: z.string(),
  from_state: WorkflowState.nullable(),
  to_state: WorkflowState.nullable(),
  actor: Actor,
  attempt: int,
  at: int,
  data: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});
export type EventRow = z.infer<typeof EventRowSchema>;

export const ToolCallRowSchema = z.object({
  key: z.string(),
  step_id: z.string(),
  tool: z.string(),
  input: z.string(),
  status: ToolCallStatus,
  attempts: int,
  result: z.string().nullable(),
  error: z.string().nullable(),
  intended_at: int,
  finished_at: nullableInt,
});

export const SnapshotRowSchema = z.object({
  plan_version: int,
  chunk_id: z.string(),
  doc_id: z.string(),
  doc_version: z.string(),
  score: z.coerce.number(),
  stale: bool,
  location: z.string().nullable(),
});

export const LeaseRowSchema = z.object({ workflow_id: z.string(), deliveries: int });
export const CountSchema = z.object({ n: int });
export const MaybeTimeSchema = z.object({ t: nullableInt });
