import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, counts, startServer, TOKEN, webhook } from './fixtures';
import { request } from './http';

let open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});
async function server(extra = {}) {
  const s = await startServer(extra);
  open.push(s.close);
  return s;
}
const post = (port: number, body: unknown, path = '/webhook') => request(port, { path, headers: AUTH, body: JSON.stringify(body) });

describe('HTTP intake', () => {
  it('queues a webhook, returns the same workflow for a re-send, records resolved, ignores an unknown resolved', async () => {
    const { db, port } = await server();
    const first = await post(port, webhook(['aa01', 'aa02']));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ accepted: 2, duplicates: 0, resolved: 0, ignored: 0 });
    const ids = (first.json as { workflows: string[] }).workflows;
    expect(new Set(ids).size).toBe(2);

    const again = await post(port, webhook(['aa01']), '/alerts');
    expect(again.json).toEqual({ accepted: 0, workflows: [ids[0]], duplicates: 1, resolved: 0, ignored: 0 });

    const resolved = await post(port, webhook(['aa02', 'zz99'], 'resolved'));
    expect(resolved.json).toEqual({ accepted: 0, workflows: [ids[1]], duplicates: 0, resolved: 1, ignored: 1 });
    const view = JSON.parse((db.prepare('SELECT view FROM workflows WHERE id = ?').get(ids[1]) as { view: string }).view);
    expect(view.alertResolvedAt).toEqual(expect.any(Number));
    // Queue-first: nothing planned or ran; the workflows wait for a worker.
    expect(db.prepare('SELECT DISTINCT state FROM workflows').all()).toEqual([{ state: 'RECEIVED' }]);
    expect(counts(db)).toMatchObject({ workflows: 2, tasks: 2 });
  });

  it('accepts a plain JSON alert and an array of them', async () => {
    const { port } = await server();
    const r = await post(port, [{ alertname: 'HighErrorRate', severity: 'critical', startsAt: '2026-11-24T03:00:00Z' }, { title: 'queue backlog' }], '/alerts');
    expect(r.json).toMatchObject({ accepted: 2, duplicates: 0 });
  });

  it('answers health without a token', async () => {
    const { port } = await server();
    await post(port, webhook(['bb01']));
    const r = await request(port, { method: 'GET', path: '/healthz' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ok', queued: 1, workflows: { RECEIVED: 1 }, uptime: expect.any(Number) });
  });

  it('refuses with a JSON error naming the problem, and stores nothing', async () => {
    const { db, port } = await server({ maxBodyBytes: 4096 });
    const body = JSON.stringify(webhook(['cc01']));
    const cases: Array<[Parameters<typeof request>[1], number, RegExp]> = [
      [{ body }, 401, /bearer token/],
      [{ headers: { ...AUTH, authorization: `Bearer ${TOKEN}x` }, body }, 401, /bearer token/],
      [{ headers: { ...AUTH, authorization: `Basic ${TOKEN}` }, body }, 401, /bearer token/],
      [{ path: '/nope', headers: AUTH, body }, 404, /no route/],
      [{ method: 'GET', path: '/alerts', headers: AUTH }, 405, /use POST/],
      [{ method: 'DELETE', path: '/healthz' }, 405, /use GET/],
      [{ headers: { ...AUTH, 'content-type': 'text/plain' }, body }, 415, /application\/json/],
      [{ headers: { ...AUTH, 'content-type': 'application/json; charset=latin1' }, body }, 415, /utf-8/],
      [{ headers: AUTH, body: body.slice(0, 40) }, 400, /invalid JSON/],
      [{ headers: AUTH, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, 400, /UTF-8/],
      [{ headers: AUTH, body: JSON.stringify({ alertname: 'x', labels: { severity: 3 } }) }, 400, /labels\.severity/],
      [{ headers: AUTH, body: '{"alertname":"x","labels":{"__proto__":{"polluted":"yes"}}}' }, 400, /labels\.__proto__/],
      [{ headers: AUTH, body: 'x'.repeat(5000) }, 413, /larger than 4096 bytes/],
      [{ headers: AUTH, body: `[${' '.repeat(5000)}]`, chunked: true }, 413, /larger than 4096 bytes/],
    ];
    for (const [send, status, message] of cases) {
      const r = await request(port, send);
      expect({ status: r.status, error: (r.json as { error?: string })?.error }).toEqual({ status, error: expect.stringMatching(message) });
    }
    expect(counts(db)).toEqual({ workflows: 0, events: 0, tasks: 0 });
  });

  it('answers 429 with Retry-After when the queue is full, and stores none of the payload', async () => {
    const { db, port } = await server({ maxQueued: 2, retryAfterSeconds: 7 });
    expect((await post(port, webhook(['dd01']))).status).toBe(200);
    const full = await post(port, webhook(['dd02', 'dd03']));
    expect(full.status).toBe(429);
    expect(full.headers['retry-after']).toBe('7');
    expect((full.json as { error: string }).error).toMatch(/queue full/);
    expect(counts(db).workflows).toBe(1);
    // A re-send of a known alert needs no queue slot.
    expect((await post(port, webhook(['dd01']))).json).toMatchObject({ duplicates: 1 });
  });
});
