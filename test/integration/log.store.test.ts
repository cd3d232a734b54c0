// `log verify --store URL` (issue #13): the built CLI, in its own process, verifies the control store's log (one
// hash chain per workflow and per system concern, the recorded heads, the Merkle checkpoints) on a throwaway
// PostgreSQL. Workflows are made through the store API (intake, a planned event, a kill switch on its system chain,
// a checkpoint); the CLI reports the log intact (text and --json, as the store's own verifyLog says). Then one
// event's data is edited directly in Postgres: the CLI exits 1 naming the event's global seq, its chain and its
// place in the chain. A URL that is no postgres:// URL is a usage error (exit 2); an unreachable server exits 1
// saying which store (password hidden) could not be opened. Skipped, saying why (never passed), when no PostgreSQL
// binaries are installed; the URL checks need no server and always run.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresControlStore } from '../../engine/control/store/postgres/store';
import { postgresBin, startPostgres, type PostgresServer } from '../support/postgres';
import { freePort } from '../support/processes';
import { cli, POSTGRES_MISSING as missing } from '../support/storeCli';

const bin = postgresBin();
if (bin === null && process.env.RBA_REQUIRE_POSTGRES === '1') {
  it('has PostgreSQL installed (RBA_REQUIRE_POSTGRES=1)', () => {
    throw new Error(missing);
  });
}

const T0 = Date.UTC(2026, 11, 1, 10);
const alert = (key: string) => ({ source: 'test', title: `disk full ${key}`, idempotencyKey: key });
const planned = { events: [{ type: 'planned' as const, to: 'PLANNED' as const, data: { plan: { summary: '', steps: [] }, planVersion: 1 } }] };

describe('log verify --store: URLs it refuses or cannot reach', () => {
  it('a URL that is not postgres:// is a usage error; an unreachable server exits 1 naming the store, password hidden', { timeout: 60_000 }, async () => {
    const env = { ...process.env };
    const notPostgres = await cli(['log', 'verify', '--store', 'mysql://u@127.0.0.1:3306/db'], env);
    expect(notPostgres.code, notPostgres.stderr).toBe(2);
    expect(notPostgres.stderr).toMatch(/runbook-agent log: --store supports PostgreSQL only/);
    expect(notPostgres.stderr).toMatch(/usage: runbook-agent log verify \[--db FILE \| --store postgres:\/\/USER@HOST:PORT\/DB\] \[--json\]/);
    const notUrl = await cli(['log', 'verify', '--store', 'not a url', '--json'], env);
    expect(notUrl.code, notUrl.stderr).toBe(2);
    expect(notUrl.stderr).toMatch(/--store must be a URL like postgres:\/\/USER@HOST:PORT\/DB/);
    expect(notUrl.stdout).toBe('');
    const both = await cli(['log', 'verify', '--db', '/nonexistent.sqlite', '--store', 'postgres://u@127.0.0.1:5432/db'], env);
    expect(both.code, both.stderr).toBe(2);
    expect(both.stderr).toMatch(/give --db FILE or --store URL, not both/);

    const port = await freePort(); // nothing listens there
    const unreachable = await cli(['log', 'verify', '--store', `postgres://rba:s3cret-pw@127.0.0.1:${port}/postgres`], env);
    expect(unreachable.code, unreachable.stderr).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`runbook-agent log: cannot open the control store at postgres://rba:\\*\\*\\*@127\\.0\\.0\\.1:${port}/postgres: .*ECONNREFUSED`));
    expect(unreachable.stderr).not.toContain('s3cret-pw');
    expect(unreachable.stdout).toBe('');
  });
});

describe.skipIf(bin === null)(bin === null ? `log verify --store (SKIPPED: ${missing})` : 'log verify --store', () => {
  let server: PostgresServer;
  let store: PostgresControlStore;
  beforeAll(async () => {
    server = (await startPostgres())!;
    store = await openPostgresStore({ connectionString: server.url, max: 2 });
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('reports the store log intact (text and --json), then an edited event with exit 1, naming where the chain broke', { timeout: 120_000 }, async () => {
    const url = server.url;
    const env = { ...process.env };
    const ids: string[] = [];
    for (const key of ['a', 'b', 'c']) ids.push((await store.createWorkflow(alert(key), { now: T0 })).workflow.id);
    await store.commit({ workflowId: ids[1]!, now: T0 + 1, ...planned });
    await store.setKillSwitch('writes', true, 'lead', 'maintenance window', T0 + 2);
    expect(await store.checkpoint(T0 + 3)).not.toBeNull();
    await store.commit({ workflowId: ids[2]!, now: T0 + 4, ...planned }); // after the checkpoint: covered by its chain only

    const expected = await store.verifyLog();
    expect(expected).toMatchObject({ ok: true, chains: 4, checkpoints: 1 });

    const text = await cli(['log', 'verify', '--store', url], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.trim()).toBe(`event log intact: ${expected.events} events in 4 chain(s), 1 checkpoint(s) (control store ${url})`);
    const json = await cli(['log', 'verify', '--store', url, '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, events: expected.events, problem: null, firstBadSeq: null, chains: 4, checkpoints: 1 });

    // Someone with the database's password edits the data of the first event of workflow b (the append-only
    // trigger is a guard against mistakes, not against its owner).
    const victim = ids[1]!;
    const c = new pg.Client({ connectionString: url, options: '-c search_path=runbook_agent' });
    await c.connect();
    let seq: number;
    try {
      seq = Number((await c.query('SELECT seq FROM events WHERE chain = $1 AND chain_seq = 1', [victim])).rows[0]!.seq);
      await c.query('ALTER TABLE events DISABLE TRIGGER USER');
      const edited = await c.query(`UPDATE events SET data = '{"tampered":true}' WHERE chain = $1 AND chain_seq = 1`, [victim]);
      expect(edited.rowCount).toBe(1);
      await c.query('ALTER TABLE events ENABLE TRIGGER USER');
    } finally {
      await c.end();
    }

    const problem = `event 1 of chain ${victim} was edited: its content does not match its hash`;
    const broken = await cli(['log', 'verify', '--store', url], env);
    expect(broken.code, broken.stdout).toBe(1);
    expect(broken.stderr.trim()).toBe(`event log BROKEN at event ${seq}: ${problem}`);
    expect(broken.stdout).toBe('');
    const brokenJson = await cli(['log', 'verify', '--store', url, '--json'], env);
    expect(brokenJson.code, brokenJson.stderr).toBe(1);
    const report = JSON.parse(brokenJson.stdout) as { ok: boolean; firstBadSeq: number; problem: string };
    expect(report).toMatchObject({ ok: false, firstBadSeq: seq, problem });
    expect(report).toEqual({ ...(await store.verifyLog()) });
  });
});
