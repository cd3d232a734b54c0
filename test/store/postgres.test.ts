// The conformance suite against the Postgres adapter on a real server this file starts (test/support/postgres.ts),
// each store in its own schema; then what only Postgres has: checkpoints, concurrency without one global lock,
// SKIP LOCKED leasing, migrations, verifying while others commit. Skipped, saying why, only when no PostgreSQL
// binaries are installed (scripts/setup-postgres.sh installs them).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseProblem } from '../../engine/control/db/errors';
import { openPostgresStore, type PostgresControlStore } from '../../engine/control/store/postgres/store';
import type { ControlStore, ExportedEvent } from '../../engine/control/store/types';
import { postgresBin, startPostgres, type PostgresServer } from '../support/postgres';
import { conformance, type Adapter } from './conformance';

const T0 = Date.UTC(2026, 0, 1);
let server: PostgresServer;
let n = 0;

const pgOf = (store: ControlStore) => store as PostgresControlStore;

/** A raw connection in the store's schema, as someone with the database's password would have. */
async function raw<T>(store: ControlStore, change: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server.url, options: `-c search_path=${pgOf(store).schema}` });
  await c.connect();
  try {
    return await change(c);
  } finally {
    await c.end();
  }
}

const tamper = (store: ControlStore, sql: string, params: unknown[]) =>
  raw(store, async (c) => {
    await c.query('ALTER TABLE events DISABLE TRIGGER USER');
    await c.query(sql, params);
  });

const open = (schema: string) => openPostgresStore({ connectionString: server.url, schema, max: 4 });

const adapter: Adapter = {
  name: 'postgres',
  fresh: () => open(`t${++n}_${process.pid}`),
  connect: (store) => open(pgOf(store).schema),
  url: (store) => `${server.url}?schema=${pgOf(store).schema}`,
  tamper: {
    editData: (store, id, nth) => tamper(store, `UPDATE events SET data = '{"tampered":true}' WHERE chain = $1 AND chain_seq = $2`, [id, nth]),
    deleteEvent: (store, id, nth) => tamper(store, 'DELETE FROM events WHERE chain = $1 AND chain_seq = $2', [id, nth]),
    deleteNewest: (store, id) => tamper(store, 'DELETE FROM events WHERE chain = $1 AND chain_seq = (SELECT max(chain_seq) FROM events WHERE chain = $1)', [id]),
  },
};

const alert = (key: string) => ({ source: 'test', title: `alert ${key}`, idempotencyKey: key });
const planned = { events: [{ type: 'planned' as const, to: 'PLANNED' as const, data: { plan: { summary: '', steps: [] }, planVersion: 1 } }] };

// Without binaries the suite is reported SKIPPED with the reason in its name (never a silent pass); where Postgres
// must be there (CI after setup-postgres.sh), RBA_REQUIRE_POSTGRES=1 turns the skip into a failure.
const bin = postgresBin();
const missing = process.env.RBA_POSTGRES_BIN
  ? `no initdb and postgres in RBA_POSTGRES_BIN=${process.env.RBA_POSTGRES_BIN}`
  : 'no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install: bash scripts/setup-postgres.sh)';
if (bin === null && process.env.RBA_REQUIRE_POSTGRES === '1') {
  it('has PostgreSQL installed (RBA_REQUIRE_POSTGRES=1)', () => {
    throw new Error(missing);
  });
}

describe.skipIf(bin === null)(bin === null ? `Postgres (SKIPPED: ${missing})` : 'Postgres', () => {
  beforeAll(async () => {
    server = (await startPostgres())!;
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  conformance(adapter);

  describe('Postgres adapter', () => {
    const stores: ControlStore[] = [];
    const fresh = async () => {
      const s = await adapter.fresh();
      stores.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of stores) await s.close();
    });

    it('checkpoints catch history rewritten consistently (a tail deleted and its chain head moved back)', async () => {
      const store = await fresh();
      const w = (await store.createWorkflow(alert('cp'), { now: T0 })).workflow;
      await store.commit({ workflowId: w.id, now: T0, ...planned });
      const cp = (await store.checkpoint(T0))!;
      expect(cp).toMatchObject({ id: 1, events: 2, chains: 1 });
      // After the checkpoint: a commit the chains alone vouch for, then a second checkpoint over it.
      await store.commit({ workflowId: w.id, now: T0, events: [{ type: 'executing', to: 'EXECUTING' }] });
      expect(await store.verifyLog()).toMatchObject({ ok: true, events: 3, chains: 1, checkpoints: 1 });
      expect(await store.checkpoint(T0 + 1)).toMatchObject({ id: 2, events: 3 });
      const exported: ExportedEvent[] = [];
      for await (const e of store.exportLog(T0 + 2)) exported.push(e);
      expect(exported.map((e) => [e.type, e.checkpoint])).toEqual([['created', 1], ['planned', 1], ['executing', 2]]);
      // Rewrite: drop the newest event and move the chain's head back to the one before, so the chain verifies.
      await raw(store, async (c) => {
        await c.query('ALTER TABLE events DISABLE TRIGGER USER');
        await c.query('DELETE FROM events WHERE chain = $1 AND chain_seq = 3', [w.id]);
        await c.query('UPDATE chain_heads SET seq = 2, hash = (SELECT hash FROM events WHERE chain = $1 AND chain_seq = 2) WHERE chain = $1', [w.id]);
      });
      expect(await store.verifyLog()).toMatchObject({ ok: false, problem: expect.stringMatching(/checkpoint 2 records event 3 of chain .*missing/) });
    });

    it('a locked workflow holds up only its own commits: other workflows, checkpoints and leases go on', async () => {
      const store = await fresh();
      const a = (await store.createWorkflow(alert('lock-a'), { now: T0 })).workflow;
      const b = (await store.createWorkflow(alert('lock-b'), { now: T0 + 1 })).workflow;
      const locker = new pg.Client({ connectionString: server.url, options: `-c search_path=${pgOf(store).schema}` });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('SELECT 1 FROM workflows WHERE id = $1 FOR UPDATE', [a.id]);
        await locker.query('SELECT 1 FROM chain_heads WHERE chain = $1 FOR UPDATE', [a.id]);
        await locker.query('SELECT 1 FROM tasks WHERE workflow_id = $1 FOR UPDATE', [a.id]);
        let aDone = false;
        const pending = store.commit({ workflowId: a.id, now: T0, ...planned }).then(() => (aDone = true));
        expect((await store.commit({ workflowId: b.id, now: T0, ...planned })).state).toBe('PLANNED');
        expect(await store.checkpoint(T0)).toMatchObject({ events: 3 }); // a's second event is not committed yet
        expect((await store.lease('w', T0 + 5, 1000))!.workflowId).toBe(b.id); // a's task row is locked: skipped
        expect(await store.lease('w', T0 + 5, 1000)).toBeNull();
        expect(aDone).toBe(false);
        await locker.query('COMMIT');
        await pending;
        expect(aDone).toBe(true);
      } finally {
        await locker.end();
      }
      expect(await store.verifyLog()).toMatchObject({ ok: true, events: 4 });
      expect(await store.checkpoint(T0 + 1)).toMatchObject({ id: 2, events: 4 });
    });

    it('leases each task to exactly one of many concurrent workers (FOR UPDATE SKIP LOCKED)', async () => {
      const store = await fresh();
      const other = await adapter.connect(store);
      stores.push(other);
      for (let i = 0; i < 24; i++) await store.createWorkflow(alert(`skip-${i}`), { now: T0 + i });
      const worker = async (s: ControlStore, name: string) => {
        const got: string[] = [];
        for (let l = await s.lease(name, T0 + 100, 60_000); l; l = await s.lease(name, T0 + 100, 60_000)) got.push(l.workflowId);
        return got;
      };
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => worker(i % 2 ? store : other, `w${i}`)));
      const all = results.flat();
      expect(all).toHaveLength(24);
      expect(new Set(all).size).toBe(24);
      expect(await store.leasesHeld()).toBe(24);
    });

    it('verifies one consistent snapshot while another connection keeps committing', async () => {
      const store = await fresh();
      const other = await adapter.connect(store);
      stores.push(other);
      await store.createWorkflow(alert('live-0'), { now: T0 });
      let stop = false;
      let commits = 0;
      // New chains (workflows) and a growing system chain, committed between any two of verifyLog's reads.
      const writer = (async () => {
        for (let i = 1; !stop; i++) {
          await other.createWorkflow(alert(`live-${i}`), { now: T0 + i });
          await other.setKillSwitch('shell', i % 2 === 1, 'ops', `flip ${i}`, T0 + i);
          commits += 2;
        }
      })();
      try {
        // Bounded by the writer's progress, not by time: verify over and over until it has committed 60 times.
        while (commits < 60) expect(await store.verifyLog()).toMatchObject({ ok: true, problem: null });
      } finally {
        stop = true;
        await writer;
      }
      expect(commits).toBeGreaterThan(0);
      expect(await store.verifyLog()).toMatchObject({ ok: true, events: 1 + commits });
    });

    it('migrates once, under a lock, and refuses a schema newer than this code', async () => {
      const store = await fresh();
      const schema = pgOf(store).schema;
      const [x, y] = await Promise.all([open(schema), open(schema)]);
      await x.close();
      await y.close();
      const versions = await raw(store, async (c) => (await c.query('SELECT version FROM store_migrations ORDER BY version')).rows.map((r: { version: number }) => r.version));
      expect(versions).toEqual([1, 2, 3]);
      await raw(store, (c) => c.query("INSERT INTO store_migrations (version, name) VALUES (99, 'from the future')"));
      const refused = open(schema);
      await expect(refused).rejects.toBeInstanceOf(DatabaseProblem);
      await expect(refused).rejects.toMatchObject({ kind: 'too-new' });
    });

    it('refuses UPDATE, DELETE and TRUNCATE of the event log and the checkpoints through Postgres itself', async () => {
      const store = await fresh();
      await store.createWorkflow(alert('guard'), { now: T0 });
      await store.checkpoint(T0);
      for (const sql of ['UPDATE events SET actor = $1', 'DELETE FROM events WHERE actor <> $1', 'DELETE FROM checkpoints WHERE $1 <> \'\'']) {
        await expect(raw(store, (c) => c.query(sql, ['person']))).rejects.toThrow(/append-only/);
      }
      await expect(raw(store, (c) => c.query('TRUNCATE events'))).rejects.toThrow(/append-only/);
      expect(await store.verifyLog()).toMatchObject({ ok: true, events: 1, checkpoints: 1 });
    });
  });
});
