// The conformance suite against the SQLite adapter (files in a temporary folder), and what only SQLite has.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquire, failure, success } from '../../engine/control/store/breakerRules';
import { openSqliteStore, type SqliteControlStore } from '../../engine/control/store/sqlite/store';
import type { BreakerDecision, BreakerRow, ControlStore } from '../../engine/control/store/types';
import { openDatabase } from '../../engine/control/db/open';
import { Breakers, DEFAULT_BREAKER, type Admission } from '../../engine/control/workflow/breaker';
import { ManualClock } from '../../engine/control/workflow/clock';
import { conformance, type Adapter } from './conformance';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-store-sqlite-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

const fileOf = (store: ControlStore) => (store as SqliteControlStore).db.name;

/** Raw access to the file, as a tamperer would have it: the append-only triggers go first. */
function raw(store: ControlStore, change: (db: Database.Database) => void): void {
  const db = new Database(fileOf(store));
  try {
    db.exec('DROP TRIGGER IF EXISTS workflow_events_no_update; DROP TRIGGER IF EXISTS workflow_events_no_delete;');
    change(db);
  } finally {
    db.close();
  }
}

const nthSeq = (db: Database.Database, workflowId: string, nth: number) =>
  (db.prepare('SELECT seq FROM workflow_events WHERE workflow_id = ? ORDER BY seq LIMIT 1 OFFSET ?').get(workflowId, nth - 1) as { seq: number }).seq;

const adapter: Adapter = {
  name: 'sqlite',
  fresh: async () => openSqliteStore(path.join(root, `store-${++n}.sqlite`), { pollMs: 20 }),
  connect: async (store) => openSqliteStore(fileOf(store), { pollMs: 20 }),
  url: (store) => `sqlite:${fileOf(store)}`,
  tamper: {
    editData: async (store, id, nth) => raw(store, (db) => db.prepare(`UPDATE workflow_events SET data = '{"tampered":true}' WHERE seq = ?`).run(nthSeq(db, id, nth))),
    deleteEvent: async (store, id, nth) => raw(store, (db) => db.prepare('DELETE FROM workflow_events WHERE seq = ?').run(nthSeq(db, id, nth))),
    deleteNewest: async (store, id) => raw(store, (db) => db.prepare('DELETE FROM workflow_events WHERE seq = (SELECT max(seq) FROM workflow_events WHERE workflow_id = ?)').run(id)),
  },
};

conformance(adapter);

describe('SQLite adapter', () => {
  it('applies the breaker rules exactly as engine/control/workflow/breaker.ts does', async () => {
    const cfg = { ...DEFAULT_BREAKER, failureThreshold: 3, cooldownMs: 1000, probeTimeoutMs: 500 };
    const clock = new ManualClock();
    const today = new Breakers(openDatabase(path.join(root, `breaker-${++n}.sqlite`)), clock, cfg);
    const store = openSqliteStore(path.join(root, `breaker-${++n}.sqlite`));
    const script: Array<['acquire' | 'success' | 'failure', number]> = [
      ['failure', 0], ['failure', 10], ['acquire', 20], ['failure', 30], ['acquire', 40], ['acquire', 1030], ['acquire', 1040],
      ['acquire', 1600], ['failure', 1610], ['acquire', 2700], ['success', 2710], ['acquire', 2720], ['failure', 2730],
    ];
    for (const [op, at] of script) {
      clock.set(at);
      // One rule type for the three: acquire answers an Admission, success and failure answer nothing.
      const rule: (row: BreakerRow) => BreakerDecision<Admission | void> = op === 'acquire' ? acquire(cfg, at) : op === 'failure' ? failure(cfg, at) : success();
      const mine = await store.updateBreaker('tool:t', at, rule);
      const theirs = op === 'acquire' ? today.acquire('tool:t') : op === 'failure' ? today.failure('tool:t') : today.success('tool:t');
      expect(mine, `${op} at ${at}`).toEqual(theirs);
      expect((await store.breakers())[0], `${op} at ${at}`).toEqual(today.state('tool:t'));
    }
    expect(today.state('tool:t')).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
    await store.close();
  });
});
