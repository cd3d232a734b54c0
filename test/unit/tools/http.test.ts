import { describe, expect, it } from 'vitest';
import { httpTool, type HttpOutput } from '../../../engine/execution/tools/http';
import { retryAfterMs } from '../../../engine/execution/net/retryAfter';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { closedPort, serve } from './server';
import { classifiedRejection } from '../../helpers/classified';

const call = { key: 'wf1:step2:attempt', workflowId: 'wf1', stepId: 'step2' };

function tool(allowedHosts: string[], outputCapBytes = 65_536) {
  const t = httpTool({ allowedHosts, outputCapBytes });
  const run = async (input: Record<string, unknown>, signal = new AbortController().signal): Promise<HttpOutput> =>
    (await t.run(t.input.parse(input), signal, call)).output as HttpOutput;
  return { t, run };
}

describe('http_request: allowed hosts', () => {
  it('refuses every request while the allow list is empty, naming the setting', async () => {
    const srv = await serve((_, res) => res.end('ok'));
    const e = await classifiedRejection(tool([]).run({ url: `${srv.base}/` }));
    expect(e.failureClass).toBe('policy');
    expect(e.message).toContain('runbookAgent.tools.allowedHosts');
    expect(srv.seen).toHaveLength(0);
  });

  it('refuses a host that is not listed', async () => {
    const srv = await serve((_, res) => res.end('ok'));
    const e = await classifiedRejection(tool(['example.com', '127.0.0.1:1']).run({ url: `${srv.base}/` }));
    expect(e.failureClass).toBe('policy');
    expect(e.message).toContain(`127.0.0.1:${srv.port}`);
    expect(srv.seen).toHaveLength(0);
  });

  it('allows a listed host on any port, or host:port exactly, without regard to case', async () => {
    const srv = await serve((_, res) => res.end('ok'));
    expect((await tool(['127.0.0.1']).run({ url: `${srv.base}/a` })).status).toBe(200);
    expect((await tool([`127.0.0.1:${srv.port}`]).run({ url: `${srv.base}/b` })).status).toBe(200);
    expect((await tool(['LOCALHOST']).run({ url: `http://localhost:${srv.port}/c` })).status).toBe(200);
    expect(srv.seen.map((s) => s.url)).toEqual(['/a', '/b', '/c']);
  });

  it('returns a redirect instead of following it to a host the list does not name', async () => {
    const srv = await serve((_, res) => {
      res.writeHead(302, { location: 'http://elsewhere.invalid/steal', 'set-cookie': 'sid=abc' }).end();
    });
    const out = await tool(['127.0.0.1']).run({ url: `${srv.base}/go` });
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe('http://elsewhere.invalid/steal');
    expect(out.headers).not.toHaveProperty('set-cookie');
    expect(srv.seen).toHaveLength(1);
  });
});

describe('http_request: outcomes', () => {
  it('returns status, safe headers and the body', async () => {
    const srv = await serve((_, res) => res.writeHead(404, { 'content-type': 'application/json', 'content-length': '25', 'set-cookie': 'sid=1' }).end('{"error":"no such order"}'));
    expect(await tool(['127.0.0.1']).run({ url: `${srv.base}/orders/1` })).toEqual({
      status: 404,
      headers: { 'content-type': 'application/json', 'content-length': '25' },
      body: '{"error":"no such order"}',
      truncated: false,
    });
  });

  it('caps the body and redacts secrets in it', async () => {
    const srv = await serve((req, res) => res.end(req.url === '/big' ? 'x'.repeat(200_000) : 'token=abc123secret\n'));
    const { run } = tool(['127.0.0.1'], 1000);
    const big = await run({ url: `${srv.base}/big` });
    expect(big.body).toHaveLength(1000);
    expect(big.truncated).toBe(true);
    expect((await run({ url: `${srv.base}/secret` })).body).toBe('token=[REDACTED:token]\n');
  });

  it('treats 5xx as transient', async () => {
    const srv = await serve((_, res) => res.writeHead(500).end('boom'));
    const e = await classifiedRejection(tool(['127.0.0.1']).run({ url: `${srv.base}/` }));
    expect(e.failureClass).toBe('transient');
    expect(e.retryAfterMs).toBeUndefined();
  });

  it('treats 429 as transient and honours Retry-After in seconds', async () => {
    const srv = await serve((_, res) => res.writeHead(429, { 'retry-after': '3' }).end());
    const e = await classifiedRejection(tool(['127.0.0.1']).run({ url: `${srv.base}/` }));
    expect(e.failureClass).toBe('transient');
    expect(e.retryAfterMs).toBe(3000);
  });

  it('treats a refused connection as transient', async () => {
    const port = await closedPort();
    const e = await classifiedRejection(tool(['127.0.0.1']).run({ url: `http://127.0.0.1:${port}/` }));
    expect(e.failureClass).toBe('transient');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('rejects with the abort reason when the call is cancelled', async () => {
    const srv = await serve(() => undefined);
    const ac = new AbortController();
    const running = tool(['127.0.0.1']).run({ url: `${srv.base}/hang` }, ac.signal);
    while (srv.seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    const reason = new Error('cancelled');
    ac.abort(reason);
    await expect(running).rejects.toBe(reason);
  });
});

describe('http_request: requests', () => {
  it('sends the call key as Idempotency-Key on writes, and none on reads', async () => {
    const srv = await serve((_, res) => res.end('ok'));
    const { run } = tool(['127.0.0.1']);
    await run({ method: 'POST', url: `${srv.base}/restart`, headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
    await run({ url: `${srv.base}/status` });
    expect(srv.seen[0]).toMatchObject({ method: 'POST', body: '{"n":1}' });
    expect(srv.seen[0]!.headers['idempotency-key']).toBe(call.key);
    expect(srv.seen[0]!.headers['content-type']).toBe('application/json');
    expect(srv.seen[1]!.method).toBe('GET');
    expect(srv.seen[1]!.headers['idempotency-key']).toBeUndefined();
  });

  it('assesses GET and HEAD as reads and other methods as writes', () => {
    const { t } = tool([]);
    expect(t.assess!(t.input.parse({ url: 'https://api.example.com/x' })).risk).toBe('read');
    expect(t.assess!(t.input.parse({ method: 'HEAD', url: 'https://api.example.com/x' })).risk).toBe('read');
    const del = t.assess!(t.input.parse({ method: 'DELETE', url: 'https://api.example.com/x' }));
    expect(del.risk).toBe('write');
    expect(del.reasons.join(' ')).toContain('DELETE');
    expect(t).toMatchObject({ name: 'http_request', risk: 'write', toolClass: 'network', idempotent: false });
  });

  it('describes a call without credentials or header values', () => {
    const { t } = tool([]);
    const text = t.describe!(t.input.parse({ method: 'POST', url: 'https://api.example.com/x?access_token=abc123', headers: { authorization: 'Bearer abc123def456ghi789' }, body: '{}' }));
    expect(text).toBe('POST https://api.example.com/x?access_token=[REDACTED:token] with a 2-byte body');
  });

  it('validates its input', () => {
    const { t } = tool([]);
    const ok = (i: unknown): boolean => t.input.safeParse(i).success;
    expect(t.input.parse({ url: 'http://a.example/' })).toMatchObject({ method: 'GET' });
    expect(ok({ url: 'ftp://a.example/' })).toBe(false);
    expect(ok({ url: 'not a url' })).toBe(false);
    expect(ok({ method: 'TRACE', url: 'http://a.example/' })).toBe(false);
    expect(ok({ url: 'http://a.example/', body: 'x' })).toBe(false);
    expect(ok({ method: 'PUT', url: 'http://a.example/', body: 'x'.repeat(1024 * 1024 + 1) })).toBe(false);
    expect(ok({ url: 'http://a.example/', headers: { 'bad header': 'x' } })).toBe(false);
    expect(ok({ url: 'http://a.example/', follow: true })).toBe(false);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP-dates', () => {
    const now = Date.parse('2024-05-02T14:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Thu, 02 May 2024 14:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Thu, 02 May 2024 13:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
