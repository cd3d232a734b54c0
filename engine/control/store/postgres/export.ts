// The audit export's global order: checkpoint by checkpoint (each seals what committed before it), and inside one
// checkpoint by global seq, which each event's hash covers and which grows along every chain. So the order is a
// linearisation of every chain's own order that anyone can re-check from the export and the checkpoints.
import { z } from 'zod';
import { EventRowSchema } from '../rows';
import type { ExportedEvent } from '../types';
import { createCheckpoint } from './checkpoint';
import type { Pool } from './connect';
import { wireEvent } from './reads';

const PAGE = 1000;
const Windowed = EventRowSchema.extend({ checkpoint_id: z.coerce.number().int() });

export async function* exportLog(pool: Pool, now: number): AsyncGenerator<ExportedEvent> {
  const sealed = await createCheckpoint(pool, now);
  if (!sealed) return;
  let after: [number, number] = [0, 0];
  let position = 0;
  for (;;) {
    // Each checkpoint's window of a chain: the events after the head the previous checkpoint recorded for it.
    const res = await pool.query(
      `WITH windows AS (
         SELECT checkpoint_id, chain, seq AS upto, coalesce(lag(seq) OVER (PARTITION BY chain ORDER BY checkpoint_id), 0) AS after
         FROM checkpoint_heads WHERE checkpoint_id <= $1)
       SELECT w.checkpoint_id, e.* FROM windows w JOIN events e ON e.chain = w.chain AND e.chain_seq > w.after AND e.chain_seq <= w.upto
       WHERE (w.checkpoint_id, e.seq) > ($2, $3) ORDER BY w.checkpoint_id, e.seq LIMIT $4`,
      [sealed.id, after[0], after[1], PAGE],
    );
    const rows = res.rows.map((r) => Windowed.parse(r));
    for (const r of rows) {
      position++;
      yield { ...wireEvent(r), position, chain: r.chain, chainSeq: r.chain_seq, prevHash: r.prev_hash, checkpoint: r.checkpoint_id };
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = [last.checkpoint_id, last.seq];
  }
}
