// The SQLite audit: one global chain (engine/control/store/sqlite/eventLog.ts), so its order is `seq` and its head row is
// already a commitment to everything before it; no separate checkpoints are needed.
import type { Db } from '../../db/open';
import { toWireEvent } from './eventLog';
import { sql } from './sql';
import type { AuditCheckpoint, ExportedEvent } from '../types';

type Row = Parameters<typeof toWireEvent>[0];

export function headCheckpoint(db: Db, now: number): AuditCheckpoint | null {
  const head = sql(db, 'SELECT seq, hash FROM event_log_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  if (!head) return null;
  return { id: head.seq, at: now, events: head.seq, chains: 1, root: head.hash, hash: head.hash };
}

/** Pages by seq (better-sqlite3 cannot run other statements while one iterates). */
export function* exportChain(db: Db, page = 500): Generator<ExportedEvent> {
  let after = 0;
  let position = 0;
  for (;;) {
    const rows = sql(db, 'SELECT * FROM workflow_events WHERE seq > ? ORDER BY seq LIMIT ?').all(after, page) as Array<Row & { prev_hash: string }>;
    for (const row of rows) {
      position++;
      yield { ...toWireEvent(row), position, chain: '*', chainSeq: row.seq, prevHash: row.prev_hash, checkpoint: null };
    }
    if (rows.length < page) return;
    after = rows[rows.length - 1]!.seq;
  }
}
