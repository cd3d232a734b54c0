// Verifying the Postgres log: every chain (contiguous, linked, each hash recomputed, seq growing along it, events
// in the chain they claim), every recorded head, and every checkpoint (linked, heads only moving forward, the
// Merkle root recomputed, each recorded head still the event it was). Events are read chain by chain, in pages,
// all inside one read-only snapshot.
import { EventRowSchema, type EventRow } from '../rows';
import type { LogVerification } from '../types';
import { eventHash, GENESIS_HASH } from './chain';
import { CheckpointHeadRow, CheckpointRow, HeadRow } from './checkpoint';
import { readSnapshot, type Pool, type Sql } from './connect';
import { checkpointHash, merkleRoot, sortHeads, type Head } from './merkle';

const PAGE = 1000;

class Problem extends Error {
  constructor(
    readonly seq: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** All in one snapshot: heads read first and events read after must agree even while other engines commit. */
export function verifyLog(pool: Pool): Promise<LogVerification> {
  return readSnapshot(pool, verifyIn);
}

async function verifyIn(c: Sql): Promise<LogVerification> {
  const checkpoints = (await c.query('SELECT * FROM checkpoints ORDER BY id')).rows.map((r) => CheckpointRow.parse(r));
  const deltas = (await c.query('SELECT checkpoint_id, chain, seq, hash FROM checkpoint_heads ORDER BY checkpoint_id')).rows.map((r) => CheckpointHeadRow.parse(r));
  const recorded = new Map((await c.query('SELECT chain, seq, hash FROM chain_heads')).rows.map((r) => HeadRow.parse(r)).map((h) => [h.chain, h]));
  // What each checkpoint says an event's hash was: still true, or history was rewritten after it.
  const promised = new Map(deltas.map((d) => [`${d.chain}\u0000${d.seq}`, d]));
  let events = 0;
  const chains = new Set<string>();
  try {
    let cur = null as Cursor | null;
    const endChain = () => {
      if (!cur) return;
      const head = recorded.get(cur.chain);
      if (head?.seq !== cur.seq || head.hash !== cur.hash) {
        throw new Problem(null, `chain ${cur.chain} ends at event ${cur.seq} but its head records event ${head?.seq ?? 0}: the newest events were deleted or the head was edited`);
      }
    };
    for await (const row of eventsByChain(c)) {
      if (cur?.chain !== row.chain) {
        endChain();
        cur = { chain: row.chain, seq: 0, hash: GENESIS_HASH, global: 0 };
        chains.add(row.chain);
      }
      checkEvent(cur, row);
      const promise = promised.get(`${row.chain}\u0000${row.chain_seq}`);
      if (promise && promise.hash !== row.hash) throw new Problem(row.seq, `event ${row.chain_seq} of chain ${row.chain} differs from what checkpoint ${promise.checkpoint_id} recorded: history was rewritten`);
      promised.delete(`${row.chain}\u0000${row.chain_seq}`);
      cur = { chain: row.chain, seq: row.chain_seq, hash: row.hash, global: row.seq };
      events++;
    }
    endChain();
    for (const head of recorded.values()) {
      if (head.seq > 0 && !chains.has(head.chain)) throw new Problem(null, `chain ${head.chain}'s head records event ${head.seq} but the chain has no events: they were deleted`);
    }
    for (const d of promised.values()) {
      throw new Problem(null, `checkpoint ${d.checkpoint_id} records event ${d.seq} of chain ${d.chain}, which is missing: events were deleted`);
    }
    verifyCheckpoints(checkpoints, deltas);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    return { ok: false, events, problem: error.message, firstBadSeq: error.seq, chains: chains.size, checkpoints: checkpoints.length };
  }
  return { ok: true, events, problem: null, firstBadSeq: null, chains: chains.size, checkpoints: checkpoints.length };
}

interface Cursor {
  readonly chain: string;
  readonly seq: number;
  readonly hash: string;
  readonly global: number;
}

function checkEvent(cur: Cursor, row: EventRow): void {
  const where = `event ${row.chain_seq} of chain ${row.chain}`;
  if (row.chain_seq !== cur.seq + 1) throw new Problem(row.seq, `expected event ${cur.seq + 1} of chain ${row.chain} but found ${row.chain_seq}: events were deleted or renumbered`);
  if (row.prev_hash !== cur.hash) throw new Problem(row.seq, `${where} does not link to the previous event's hash: events were deleted, reordered or edited`);
  const fields = { chain: row.chain, chainSeq: row.chain_seq, seq: row.seq, workflowId: row.workflow_id, type: row.type, from: row.from_state, to: row.to_state, actor: row.actor, attempt: row.attempt, at: row.at };
  if (eventHash(cur.hash, fields, row.data) !== row.hash) throw new Problem(row.seq, `${where} was edited: its content does not match its hash`);
  if (row.seq <= cur.global) throw new Problem(row.seq, `${where} has global seq ${row.seq}, not above the previous event's ${cur.global}`);
  const system = row.chain.startsWith('~');
  if (system ? row.workflow_id !== null : row.workflow_id !== row.chain) throw new Problem(row.seq, `${where} names workflow ${row.workflow_id}, not its chain's`);
}

function verifyCheckpoints(checkpoints: ReadonlyArray<ReturnType<typeof CheckpointRow.parse>>, deltas: ReadonlyArray<ReturnType<typeof CheckpointHeadRow.parse>>): void {
  const heads = new Map<string, Head>();
  let prevHash = GENESIS_HASH;
  let d = 0;
  checkpoints.forEach((cp, i) => {
    if (cp.id !== i + 1) throw new Problem(null, `expected checkpoint ${i + 1} but found ${cp.id}: checkpoints were deleted or renumbered`);
    if (cp.prevHash !== prevHash) throw new Problem(null, `checkpoint ${cp.id} does not link to the previous checkpoint's hash`);
    for (; d < deltas.length && deltas[d]!.checkpoint_id === cp.id; d++) {
      const h = deltas[d]!;
      if ((heads.get(h.chain)?.seq ?? 0) >= h.seq) throw new Problem(null, `checkpoint ${cp.id} moves chain ${h.chain} back to event ${h.seq}`);
      heads.set(h.chain, { chain: h.chain, seq: h.seq, hash: h.hash });
    }
    const all = sortHeads(heads.values());
    const events = all.reduce((n, h) => n + h.seq, 0);
    if (merkleRoot(all) !== cp.root || all.length !== cp.chains || events !== cp.events) throw new Problem(null, `checkpoint ${cp.id} does not match the heads it records: its root, chains or events were edited`);
    if (checkpointHash(cp) !== cp.hash) throw new Problem(null, `checkpoint ${cp.id} was edited: its content does not match its hash`);
    prevHash = cp.hash;
  });
  if (d < deltas.length) throw new Problem(null, `heads recorded for checkpoint ${deltas[d]!.checkpoint_id}, which does not exist`);
}

/** Every event, grouped by chain in chain order, in pages (keyset, so a page never rescans the ones before). */
async function* eventsByChain(c: Sql): AsyncGenerator<EventRow> {
  let after: [string, number] | null = null;
  for (;;) {
    const res: { rows: unknown[] } = after
      ? await c.query('SELECT * FROM events WHERE (chain, chain_seq) > ($1, $2) ORDER BY chain, chain_seq LIMIT $3', [after[0], after[1], PAGE])
      : await c.query('SELECT * FROM events ORDER BY chain, chain_seq LIMIT $1', [PAGE]);
    const rows = res.rows.map((r) => EventRowSchema.parse(r));
    yield* rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = [last.chain, last.chain_seq];
  }
}
