// The conformance suite against the SQLite adapter (files in a temporary folder).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore, type SqliteControlStore } from '../../engine/control/store/sqlite/store';
import type { ControlStore } from '../../engine/control/store/types';
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
