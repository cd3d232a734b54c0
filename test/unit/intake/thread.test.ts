import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../engine/control/db/open';
import { IntakeThread, type IntakeThreadOptions } from '../../../engine/control/intake';
import type { AcceptResult } from '../../../engine/control/intake/accept';
import { tempDir } from '../../helpers/tmp';
import { AUTH, counts, TOKEN, webhook } from './fixtures';
import { request } from './http';
import { connect } from './sockets';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

/** The intake on its own thread and connection, over a database the test also holds open (as the engine does). */
async function start(extra: Partial<IntakeThreadOptions> = {}) {
  const dir = tempDir('rba-intake-thread-');
  const dbFile = path.join(dir, 'engine.sqlite');
  const db = openDatabase(dbFile);
  const accepted: AcceptResult[] = [];
  const logs: string[] = [];
  const thread = new IntakeThread({ dbFile, workspace: path.join(dir, 'ws'), token: TOKEN, port: 0, log: (m) => logs.push(m), onAccepted: (r) => accepted.push(r), ...extra });
  const { port } = await thread.listen();
  open.push(async () => {
    await thread.close();
    db.close();
  });
  return { db, port, thread, accepted, logs };
}
const post = (port: number, body: unknown, p = '/webhook') => request(port, { path: p, headers: AUTH, body: JSON.stringify(body) });

describe('the intake on its own thread', () => {
  it('accepts, dedups, records resolved and queues exactly as the in-process intake, into the shared database', async () => {
    const { db, port, accepted, logs } = await start();
    const first = await post(port, webhook(['aa01', 'aa02']));
    expect(first.json).toMatchObject({ accepted: 2, duplicates: 0, resolved: 0, ignored: 0 });
    const ids = (first.json as { workflows: string[] }).workflows;
    expect((await post(port, webhook(['aa01']), '/alerts')).json).toEqual({ accepted: 0, workflows: [ids[0]], duplicates: 1, resolved: 0, ignored: 0 });
    expect((await post(port, webhook(['aa02', 'zz99'], 'resolved'))).json).toEqual({ accepted: 0, workflows: [ids[1]], duplicates: 0, resolved: 1, ignored: 1 });
    // Written by the thread's connection, read by the engine's.
    expect(db.prepare('SELECT DISTINCT state FROM workflows').all()).toEqual([{ state: 'RECEIVED' }]);
    expect(counts(db)).toMatchObject({ workflows: 2, tasks: 2 });
    const health = await request(port, { method: 'GET', path: '/healthz' });
    expect(health.json).toMatchObject({ status: 'ok', queued: 2, workflows: { RECEIVED: 2 } });
    // The engine hears of new work (to wake its workers); a pure re-send stores nothing and says nothing.
    await new Promise((r) => setTimeout(r, 50));
    expect(accepted.map((r) => [r.accepted, r.resolved])).toEqual([
      [2, 0],
      [0, 1],
    ]);
    expect(logs).toContain('intake: 2 new, 0 re-sent, 0 resolved, 0 ignored');
  });

  it('refuses as before (token, media type, size, queue bound) and stores nothing for a refused request', async () => {
    const { db, port } = await start({ maxBodyBytes: 4096, maxQueued: 1, retryAfterSeconds: 7 });
    const body = JSON.stringify(webhook(['cc01']));
    expect((await request(port, { body })).status).toBe(401);
    expect((await request(port, { headers: { ...AUTH, 'content-type': 'text/plain' }, body })).status).toBe(415);
    expect((await request(port, { headers: AUTH, body: 'x'.repeat(5000) })).status).toBe(413);
    expect(counts(db)).toEqual({ workflows: 0, events: 0, tasks: 0 });
    expect((await post(port, webhook(['dd01']))).status).toBe(200);
    const full = await post(port, webhook(['dd02', 'dd03']));
    expect(full.status).toBe(429);
    expect(full.headers['retry-after']).toBe('7');
    expect(counts(db).workflows).toBe(1);
    // A full queue still answers a re-send and a resolved notification (they start nothing), and refuses a payload
    // that holds a new alert beside them, whole.
    expect((await post(port, webhook(['dd01']))).json).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await post(port, { ...webhook(['dd01', 'dd02']) })).status).toBe(429);
    expect((await post(port, webhook(['dd01'], 'resolved'))).json).toMatchObject({ resolved: 1 });
    expect((await post(port, webhook(['dd09'], 'resolved'))).json).toMatchObject({ ignored: 1 });
    expect(counts(db).workflows).toBe(1);
  });

  it('keeps the connection limits, and reports their counts from the thread', async () => {
    const { port, thread } = await start({ limits: { maxUnauthenticatedConnections: 2, maxConnections: 16 } });
    const sockets = await Promise.all([connect(port), connect(port), connect(port)]);
    await sockets[0]!.closed; // the oldest idle one made room for the third
    const stats = await thread.connectionStats();
    expect(stats).toMatchObject({ accepted: 3, evicted: 1, unauthenticated: 2 });
    for (const s of sockets) s.socket.destroy();
    await expect(new IntakeThread({ dbFile: 'x', workspace: 'w', token: TOKEN, limits: { maxConnections: 2, maxUnauthenticatedConnections: 2 } }).listen()).rejects.toThrow(
      /maxUnauthenticatedConnections \(2\) must be below maxConnections/,
    );
  });

  it('answers while the engine holds the write lock, and stores the alert once it is released', async () => {
    const { db, port } = await start();
    db.exec('BEGIN IMMEDIATE');
    const pending = post(port, webhook(['ee01']));
    await new Promise((r) => setTimeout(r, 200));
    expect(counts(db).workflows).toBe(0);
    db.exec('COMMIT');
    const answer = await pending;
    expect(answer.json).toMatchObject({ accepted: 1 });
    expect(counts(db).workflows).toBe(1);
  });
});
