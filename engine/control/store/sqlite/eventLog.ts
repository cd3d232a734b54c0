import type { Db } from '../../db/open';
import type { Actor, ChainVerification, WorkflowEvent, WorkflowState } from '../../../../protocol/workflow';
import { canonicalJson, sha256 } from '../../workflow/canonical';
import { iso } from '../../workflow/clock';
import { sql } from './sql';

export const GENESIS_HASH = '0'.repeat(64);

export interface EventRecord {
  readonly workflowId: string | null;
  readonly type: string;
  readonly from: WorkflowState | null;
  readonly to: WorkflowState | null;
  readonly actor: Actor;
  readonly attempt: number;
  readonly at: number;
  readonly data: unknown;
}

interface Row {
  seq: number;
  workflow_id: string | null;
  type: string;
  from_state: string | null;
  to_state: string | null;
  actor: string;
  attempt: number;
  at: number;
  data: string;
  prev_hash: string;
  hash: string;
}

/** The hash covers every column but itself, including seq, so an edited, moved or renumbered event shows. */
function hashOf(prev: string, seq: number, e: { workflowId: string | null; type: string; from: string | null; to: string | null; actor: string; attempt: number; at: number }, dataText: string): string {
  return sha256(`${prev}\n${canonicalJson([seq, e.workflowId, e.type, e.from, e.to, e.actor, e.attempt, e.at])}\n${dataText}`);
}

/** Appends one event; must run inside the caller's write transaction so the event and the state it explains commit together. */
export function appendEvent(db: Db, e: EventRecord): number {
  const head = sql(db, 'SELECT seq, hash FROM event_log_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  const prev = head?.hash ?? GENESIS_HASH;
  const seq = (head?.seq ?? 0) + 1;
  const dataText = canonicalJson(e.data ?? null);
  const hash = hashOf(prev, seq, e, dataText);
  sql(db, 
    `INSERT INTO workflow_events (seq, workflow_id, type, from_state, to_state, actor, attempt, at, data, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(seq, e.workflowId, e.type, e.from, e.to, e.actor, e.attempt, e.at, dataText, prev, hash);
  sql(db, 'INSERT INTO event_log_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash').run(seq, hash);
  return seq;
}

/**
 * Walks the whole chain: an edited event no longer matches its hash, a deleted or reordered one breaks the
 * seq sequence or the prev_hash link, and a deleted tail no longer reaches the recorded head.
 */
export function verifyChain(db: Db): ChainVerification {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const bad = (seq: number | null, problem: string): ChainVerification => ({ ok: false, events: count, problem, firstBadSeq: seq });
  for (const row of sql(db, 'SELECT * FROM workflow_events ORDER BY seq').iterate() as IterableIterator<Row>) {
    if (row.seq !== expectedSeq) return bad(row.seq, `expected event ${expectedSeq} but found ${row.seq}: events were deleted or renumbered`);
    if (row.prev_hash !== prev) return bad(row.seq, `event ${row.seq} does not link to the previous event's hash: events were deleted, reordered or edited`);
    const e = { workflowId: row.workflow_id, type: row.type, from: row.from_state, to: row.to_state, actor: row.actor, attempt: row.attempt, at: row.at };
    if (hashOf(prev, row.seq, e, row.data) !== row.hash) return bad(row.seq, `event ${row.seq} was edited: its content does not match its hash`);
    prev = row.hash;
    expectedSeq++;
    count++;
  }
  const head = sql(db, 'SELECT seq, hash FROM event_log_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  if ((head?.seq ?? 0) !== count || (head?.hash ?? GENESIS_HASH) !== prev) {
    return bad(count + 1, `the log ends at event ${count} but its head records event ${head?.seq ?? 0}: the newest events were deleted or the head was edited`);
  }
  return { ok: true, events: count, problem: null, firstBadSeq: null };
}

export function toWireEvent(row: Row): WorkflowEvent {
  return {
    seq: row.seq,
    workflowId: row.workflow_id,
    type: row.type,
    from: row.from_state as WorkflowState | null,
    to: row.to_state as WorkflowState | null,
    actor: row.actor as Actor,
    attempt: row.attempt,
    at: iso(row.at),
    data: JSON.parse(row.data) as unknown,
    hash: row.hash,
  };
}

export function eventsOf(db: Db, workflowId: string): WorkflowEvent[] {
  return (sql(db, 'SELECT * FROM workflow_events WHERE workflow_id = ? ORDER BY seq').all(workflowId) as Row[]).map(toWireEvent);
}
