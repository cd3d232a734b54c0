import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INTAKE_LIMITS } from '../../../engine/control/intake';
import { resolveLimits } from '../../../engine/control/intake/limits';
import { AUTH, startServer, webhook } from './fixtures';
import { request } from './http';
import { connect, until, viaAgent, type Watched } from './sockets';

// Each test waits for the server to act ("eventually closed"); none asserts how long it took.
const open: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});
async function server(limits = {}) {
  const s = await startServer({ limits });
  open.push(s.close);
  return s;
}
function track(...sockets: Watched[]): Watched[] {
  open.push(() => sockets.forEach((w) => w.socket.destroy()));
  return sockets;
}
async function connectMany(port: number, n: number): Promise<Watched[]> {
  const out: Watched[] = [];
  for (let i = 0; i < n; i++) out.push(await connect(port));
  return track(...out);
}
/** Only the limit under test acts: the others are far away. */
const LONG = { idleTimeoutMs: 120_000, keepAliveTimeoutMs: 120_000, headersTimeoutMs: 120_000, requestTimeoutMs: 120_000 };
const post = (port: number, fp: string) => request(port, { path: '/alerts', headers: AUTH, body: JSON.stringify(webhook([fp])) });

describe('intake limits: options', () => {
  it('takes the defaults, overrides one at a time, and refuses limits that cannot work', () => {
    expect(resolveLimits()).toEqual(DEFAULT_INTAKE_LIMITS);
    expect(resolveLimits({ idleTimeoutMs: 250, maxConnections: undefined })).toEqual({ ...DEFAULT_INTAKE_LIMITS, idleTimeoutMs: 250 });
    expect(() => resolveLimits({ maxConnections: 0 })).toThrow(/maxConnections must be a positive integer, got 0/);
    expect(() => resolveLimits({ idleTimeoutMs: 1.5 })).toThrow(/idleTimeoutMs must be a positive integer/);
    expect(() => resolveLimits({ maxConnections: 10, maxUnauthenticatedConnections: 10 })).toThrow(/must be below maxConnections \(10\)/);
    expect(() => resolveLimits({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow(/headersTimeoutMs \(5000\) must not exceed requestTimeoutMs \(1000\)/);
  });
});

describe('intake limits: idle and slow connections', () => {
  it('closes the oldest idle unauthenticated connection for a new one; an authenticated keep-alive connection keeps its slot', async () => {
    const { port, server: intake } = await server({ ...LONG, maxUnauthenticatedConnections: 4, maxConnections: 8 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    open.push(() => agent.destroy());
    const first = await viaAgent(agent, port, { method: 'POST', path: '/alerts', headers: AUTH, body: JSON.stringify(webhook(['lim01'])) });
    expect(first.status).toBe(200);

    const idle = await connectMany(port, 10);
    await until(() => intake.connectionStats().accepted >= 11);
    // Six made room for the four newest: the oldest went first, and none of them was sent anything.
    await until(() => idle.filter((w) => w.isClosed()).length >= 6);
    expect(idle.map((w) => w.isClosed())).toEqual([true, true, true, true, true, true, false, false, false, false]);
    expect(idle.map((w) => w.received())).toEqual(Array(10).fill(''));
    expect(intake.connectionStats()).toMatchObject({ unauthenticated: 4, evicted: 6, dropped: 0 });

    // A new client still gets a slot, and the authenticated connection was not the one closed for it.
    expect((await request(port, { method: 'GET', path: '/healthz' })).status).toBe(200);
    const again = await viaAgent(agent, port, { method: 'POST', path: '/alerts', headers: AUTH, body: JSON.stringify(webhook(['lim02'])) });
    expect(again).toMatchObject({ status: 200, reused: true });
  });

  it('a request with the token in progress is never closed for room; one still sending its headers counts as idle', async () => {
    const { port, server: intake, db } = await server({ ...LONG, maxUnauthenticatedConnections: 3, maxConnections: 8 });
    const [a, b, c] = await connectMany(port, 3);
    // `a` sent its headers with the token and has not sent its body yet.
    const body = JSON.stringify(webhook(['inprogress01']));
    a!.socket.write(`POST /alerts HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    // `c` is half-way through its headers (slowloris): not in a request yet, so it counts as idle.
    c!.socket.write('POST /alerts HTTP/1.1\r\nHost: x\r\n');
    await until(() => intake.connectionStats().unauthenticated === 2);
    const [d, e, f] = await connectMany(port, 3);
    await until(() => intake.connectionStats().evicted >= 2);
    await until(() => b!.isClosed() && c!.isClosed());
    expect([a, b, c, d, e, f].map((w) => w!.isClosed())).toEqual([false, true, true, false, false, false]);
    a!.socket.write(body);
    await until(() => /\r\n\r\n\{.*\}$/s.test(a!.received()));
    expect(a!.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*"accepted":1/);
    expect((db.prepare('SELECT count(*) AS n FROM workflows').get() as { n: number }).n).toBe(1);
  });

  it('past maxConnections Node refuses a new connection at once, and the refusal is counted', async () => {
    const { port, server: intake } = await server({ ...LONG, maxUnauthenticatedConnections: 1, maxConnections: 3 });
    const agents = [0, 1, 2].map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    open.push(() => agents.forEach((a) => a.destroy()));
    // Three clients with the token keep their connections: every slot is taken by a trusted connection.
    for (const [i, agent] of agents.entries()) {
      expect((await viaAgent(agent, port, { method: 'POST', path: '/alerts', headers: AUTH, body: JSON.stringify(webhook([`full0${i}`])) })).status).toBe(200);
    }
    const [refused] = await connectMany(port, 1);
    await refused!.closed;
    expect(refused!.received()).toBe('');
    await until(() => intake.connectionStats().dropped === 1);
    expect(intake.connectionStats()).toMatchObject({ open: 3, unauthenticated: 0, evicted: 0 });
  });

  it('closes connections that send nothing, or stop half-way, after the idle limit', async () => {
    const { port, server: intake } = await server({ idleTimeoutMs: 200 });
    const silent = await connectMany(port, 20);
    const stalled = await connectMany(port, 5);
    for (const w of stalled) w.socket.write('POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Ty');
    await Promise.all([...silent, ...stalled].map((w) => w.closed));
    await until(() => intake.connectionStats().open === 0);
    expect(intake.connectionStats()).toMatchObject({ timedOut: 25, evicted: 0, open: 0 });
    // Closed for inactivity: no answer, just the end of the connection.
    expect(silent.every((w) => w.received() === '')).toBe(true);
    // The server still answers.
    expect((await request(port, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });

  it('closes a kept-alive connection after the keep-alive limit', async () => {
    const { port } = await server({ keepAliveTimeoutMs: 100 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    open.push(() => agent.destroy());
    const r = await viaAgent(agent, port, { method: 'POST', path: '/alerts', headers: AUTH, body: JSON.stringify(webhook(['ka01'])) });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/"accepted":1/);
    await new Promise<void>((resolve) => (r.socket.destroyed ? resolve() : r.socket.once('close', () => resolve())));
  });

  it('cuts slowloris headers with 408 at the headers limit, though bytes keep arriving', async () => {
    const { port, server: intake } = await server({ ...LONG, headersTimeoutMs: 300, requestTimeoutMs: 600, timeoutCheckIntervalMs: 50 });
    const slow = await connectMany(port, 10);
    for (const w of slow) w.socket.write('POST /alerts HTTP/1.1\r\nHost: x\r\n');
    // Header lines keep arriving and the idle limit is far away: only the headers limit can cut these.
    let n = 0;
    const drip = setInterval(() => {
      for (const w of slow) if (!w.isClosed()) w.socket.write(`X-Drip-${n}: ${'a'.repeat(8)}\r\n`);
      n += 1;
    }, 20);
    open.push(() => clearInterval(drip));
    await Promise.all(slow.map((w) => w.closed));
    clearInterval(drip);
    await until(() => intake.connectionStats().open === 0);
    for (const w of slow) expect(w.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(intake.connectionStats()).toMatchObject({ open: 0, evicted: 0 });
    expect((await post(port, 'slow01')).status).toBe(200);
  });

  it('cuts an authenticated body that trickles in at the request limit', async () => {
    const { port, db } = await server({ ...LONG, headersTimeoutMs: 300, requestTimeoutMs: 600, timeoutCheckIntervalMs: 50 });
    const [w] = await connectMany(port, 1);
    const body = JSON.stringify(webhook(['trickle01']));
    w!.socket.write(`POST /alerts HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    let i = 0;
    const drip = setInterval(() => {
      if (!w!.isClosed() && i < body.length - 1) w!.socket.write(body[i++]!);
    }, 20);
    open.push(() => clearInterval(drip));
    await w!.closed;
    clearInterval(drip);
    expect(w!.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect((db.prepare('SELECT count(*) AS n FROM workflows').get() as { n: number }).n).toBe(0);
  });
});
