import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INTAKE_LIMITS } from '../../engine/control/intake';
import { AUTH, startServer, webhook } from '../unit/intake/fixtures';
import { request } from '../unit/intake/http';
import { connect, until, viaAgent, type Watched } from '../unit/intake/sockets';

/**
 * The flood: thousands of idle connections (a quarter of them stuck half-way through their headers) against the
 * default connection caps, on loopback, in this process. Both ends of every connection are file descriptors of
 * this process, so the flood is sized from `ulimit -n`: 40% of it, at most 8,000 (with `ulimit -n` 20000 here:
 * 8,000 connections, so at most ~8,000 client + ~1,100 server descriptors at once). The request timeouts are
 * pushed far away so that only the connection cap acts; the timeouts have their own tests
 * (test/unit/intake/limits.test.ts). Nothing asserts how long anything took.
 */
const FD_LIMIT = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
const FLOOD = Math.min(8000, Math.floor(FD_LIMIT * 0.4));
const CAP = Math.min(DEFAULT_INTAKE_LIMITS.maxUnauthenticatedConnections, Math.floor(FLOOD / 4));
const BATCH = 250;

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('HTTP intake under a flood of idle connections', () => {
  it(`answers /healthz and an authenticated POST during and after ${FLOOD} idle connections (ulimit -n ${FD_LIMIT})`, { timeout: 180_000 }, async () => {
    const s = await startServer({
      limits: { maxUnauthenticatedConnections: CAP, idleTimeoutMs: 600_000, headersTimeoutMs: 600_000, requestTimeoutMs: 600_000, keepAliveTimeoutMs: 600_000 },
    });
    cleanup.push(s.close);
    const { port, server: intake } = s;
    const flood: Watched[] = [];
    cleanup.push(() => flood.forEach((w) => w.socket.destroy()));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanup.push(() => agent.destroy());
    const post = (fp: string) => request(port, { path: '/alerts', headers: AUTH, body: JSON.stringify(webhook([fp])) });
    const health = () => request(port, { method: 'GET', path: '/healthz' });

    // Alertmanager-like: one kept-alive connection that authenticated before the flood.
    expect((await viaAgent(agent, port, { method: 'POST', path: '/alerts', headers: AUTH, body: JSON.stringify(webhook(['before'])) })).status).toBe(200);

    let during: Promise<Array<{ status: number }>> | null = null;
    for (let start = 0; start < FLOOD; start += BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(BATCH, FLOOD - start) }, () => connect(port)));
      batch.forEach((w, i) => {
        // Every fourth one is a slowloris: a request line and one header, then nothing.
        if ((start + i) % 4 === 0) w.socket.write('POST /alerts HTTP/1.1\r\nHost: flood\r\n');
      });
      flood.push(...batch);
      // Wait for the server to take them, so the kernel's accept queue never overflows (a dropped SYN is retried later).
      await until(() => intake.connectionStats().accepted >= flood.length + 1);
      // Half-way: a health check and an alert, while the rest of the flood arrives.
      if (during === null && flood.length >= FLOOD / 2) during = Promise.all([health(), post('during1'), health(), post('during2')]);
    }
    expect((await during!).map((r) => r.status)).toEqual([200, 200, 200, 200]);

    // After the flood, with its newest connections still open: a new client gets a slot.
    expect((await post('after')).json).toMatchObject({ accepted: 1 });
    const h = await health();
    expect(h.status).toBe(200);
    // before, during1, during2, after: queued, none lost.
    expect(h.json).toMatchObject({ status: 'ok', queued: 4 });
    // The authenticated connection from before the flood was never one of those closed.
    expect(await viaAgent(agent, port, { method: 'POST', path: '/alerts', headers: AUTH, body: JSON.stringify(webhook(['before2'])) })).toMatchObject({ status: 200, reused: true });

    const stats = intake.connectionStats();
    expect(stats.unauthenticated).toBeLessThanOrEqual(CAP);
    expect(stats.evicted).toBeGreaterThanOrEqual(FLOOD - CAP);
    expect(stats.dropped).toBe(0);
    expect(stats.open).toBeLessThan(CAP + 10);
    // The oldest idle ones were closed first: the first batch is gone, the last batch is still open.
    await until(() => flood.filter((w) => w.isClosed()).length >= FLOOD - CAP);
    expect(flood.slice(0, BATCH).every((w) => w.isClosed())).toBe(true);
    expect(flood.slice(-BATCH).some((w) => w.isClosed())).toBe(false);
    // Closed without a word: nothing was ever sent to a flood connection.
    expect(flood.every((w) => w.received() === '')).toBe(true);
  });
});
