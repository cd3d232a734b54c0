// Per-chain hash chains. Each event hashes the previous event OF ITS CHAIN (a workflow, or a system concern),
// so commits of different workflows lock different head rows and never serialise on one. Its global `seq` (from
// a sequence, which takes no lock until commit) is inside the hash too, so the export order cannot be rewritten.
import type { EventRecord } from '../sqlite/eventLog';
import { GENESIS_HASH } from '../sqlite/eventLog';
import { canonicalJson, sha256 } from '../../workflow/canonical';
import type { Sql } from './connect';

export { GENESIS_HASH };

export interface ChainedFields {
  readonly chain: string;
  readonly chainSeq: number;
  readonly seq: number;
  readonly workflowId: string | null;
  readonly type: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly actor: string;
  readonly attempt: number;
  readonly at: number;
}

/** Covers every column but the hash itself: an edited, moved, renumbered or re-chained event shows. */
export function eventHash(prev: string, e: ChainedFields, dataText: string): string {
  return sha256(`${prev}\n${canonicalJson([e.chain, e.chainSeq, e.seq, e.workflowId, e.type, e.from, e.to, e.actor, e.attempt, e.at])}\n${dataText}`);
}

export const workflowChain = (workflowId: string) => workflowId;
export const SYSTEM_CHAIN = { killSwitch: '~kill_switch', tier: '~tier', breaker: (name: string) => `~breaker:${name}` } as const;

/**
 * Appends events to `chain` inside the caller's transaction: locks the chain's head row (creating it at seq 0),
 * takes global seqs AFTER the lock (so seqs grow along each chain), inserts, moves the head. Returns the last seq.
 */
export async function appendToChain(c: Sql, chain: string, records: readonly EventRecord[]): Promise<number> {
  let head = await lockHead(c, chain);
  if (!head) {
    await c.query('INSERT INTO chain_heads (chain, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING', [chain, GENESIS_HASH]);
    head = (await lockHead(c, chain))!;
  }
  const seqs = (await c.query('SELECT nextval(\'event_seq\') AS s FROM generate_series(1, $1::int)', [records.length])).rows.map((r: { s: string }) => Number(r.s)).sort((a, b) => a - b);
  let prev = head.hash;
  const values: unknown[] = [];
  const tuples: string[] = [];
  records.forEach((r, i) => {
    const fields: ChainedFields = { chain, chainSeq: head!.seq + i + 1, seq: seqs[i]!, workflowId: r.workflowId, type: r.type, from: r.from, to: r.to, actor: r.actor, attempt: r.attempt, at: r.at };
    const dataText = canonicalJson(r.data ?? null);
    const hash = eventHash(prev, fields, dataText);
    const row = [fields.seq, chain, fields.chainSeq, fields.workflowId, fields.type, fields.from, fields.to, fields.actor, fields.attempt, fields.at, dataText, prev, hash];
    tuples.push(`(${row.map((_, k) => `$${values.length + k + 1}`).join(', ')})`);
    values.push(...row);
    prev = hash;
  });
  await c.query(
    `INSERT INTO events (seq, chain, chain_seq, workflow_id, type, from_state, to_state, actor, attempt, at, data, prev_hash, hash) VALUES ${tuples.join(', ')}`,
    values,
  );
  await c.query('UPDATE chain_heads SET seq = $2, hash = $3 WHERE chain = $1', [chain, head.seq + records.length, prev]);
  return seqs[seqs.length - 1]!;
}

async function lockHead(c: Sql, chain: string): Promise<{ seq: number; hash: string } | null> {
  const row = (await c.query('SELECT seq, hash FROM chain_heads WHERE chain = $1 FOR UPDATE', [chain])).rows[0] as { seq: string; hash: string } | undefined;
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/** Wakes LISTENers when the transaction commits (Postgres delivers NOTIFY at commit, never for a rollback). */
export async function notifyCommit(c: Sql, channel: string, head: number, workflowIds: readonly string[]): Promise<void> {
  await c.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ h: head, w: workflowIds })]);
}
