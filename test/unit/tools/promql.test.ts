import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { promqlTool, type PromqlOutput } from '../../../engine/execution/tools/promql';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { closedPort, serve, type Seen } from './server';
import { classifiedRejection } from '../../helpers/classified';

const call = { key: 'k', workflowId: 'wf', stepId: 's' };

const series = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ metric: { __name__: 'up', instance: `10.0.0.${i}:9100`, job: 'node' }, value: [1714658400, '1'] }));

/** Answers /api/v1/query the way Prometheus does, by query text. */
function prometheus(req: Seen, res: http.ServerResponse): void {
  const url = new URL(req.url, 'http://x');
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  if (!url.pathname.endsWith('/api/v1/query')) return json(404, { status: 'error', errorType: 'not_found', error: url.pathname });
  const q = url.searchParams.get('query');
  if (q === 'up') return json(200, { status: 'success', data: { resultType: 'vector', result: series(2) } });
  if (q === 'count(up)') return json(200, { status: 'success', data: { resultType: 'scalar', result: [1714658400, '2'] } });
  if (q === 'many') return json(200, { status: 'success', data: { resultType: 'vector', result: series(150) } });
  if (q === 'overloaded') return json(503, { status: 'error', errorType: 'unavailable', error: 'too many queries' }, { 'retry-after': '2' });
  if (q === 'limited') return json(429, { status: 'error', errorType: 'unavailable', error: 'rate limited' });
  return json(400, { status: 'error', errorType: 'bad_data', error: `1:${(q ?? '').length}: parse error: unexpected end of input` });
}

async function query(base: string, input: Record<string, unknown>): Promise<PromqlOutput> {
  const t = promqlTool({ prometheusUrl: base });
  return (await t.run(t.input.parse(input), new AbortController().signal, call)).output as PromqlOutput;
}

describe('promql_query', () => {
  it('returns a vector with its series count', async () => {
    const srv = await serve(prometheus);
    const out = await query(srv.base, { query: 'up' });
    expect(out).toMatchObject({ resultType: 'vector', series: 2, truncated: false });
    expect(out.result).toEqual(series(2));
    expect(srv.seen[0]!.method).toBe('GET');
  });

  it('counts a scalar as one series', async () => {
    const srv = await serve(prometheus);
    expect(await query(srv.base, { query: 'count(up)' })).toEqual({ resultType: 'scalar', series: 1, result: [1714658400, '2'], truncated: false });
  });

  it('keeps at most 100 series but reports how many there were', async () => {
    const srv = await serve(prometheus);
    const out = await query(srv.base, { query: 'many' });
    expect(out.series).toBe(150);
    expect(out.result).toHaveLength(100);
    expect(out.truncated).toBe(true);
  });

  it('passes the evaluation time and keeps a path prefix in the configured URL', async () => {
    const srv = await serve(prometheus);
    await query(`${srv.base}/prometheus/`, { query: 'up', time: '2024-05-02T14:00:00Z' });
    const url = new URL(srv.seen[0]!.url, 'http://x');
    expect(url.pathname).toBe('/prometheus/api/v1/query');
    expect(url.searchParams.get('time')).toBe('2024-05-02T14:00:00Z');
    expect(url.searchParams.get('query')).toBe('up');
  });

  it('sends credentials in the configured URL as Basic auth', async () => {
    const srv = await serve(prometheus);
    await query(`http://reader:p%40ss@127.0.0.1:${srv.port}`, { query: 'up' });
    expect(srv.seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('reader:p@ss').toString('base64')}`);
  });

  it('turns a Prometheus error answer into a permanent failure with its type and message', async () => {
    const srv = await serve(prometheus);
    const e = await classifiedRejection(query(srv.base, { query: 'rate(up[5m]' }));
    expect(e.failureClass).toBe('permanent');
    expect(e.message).toBe('prometheus: bad_data: 1:11: parse error: unexpected end of input');
  });

  it('treats 503 and 429 as transient, with Retry-After', async () => {
    const srv = await serve(prometheus);
    const busy = await classifiedRejection(query(srv.base, { query: 'overloaded' }));
    expect(busy.failureClass).toBe('transient');
    expect(busy.retryAfterMs).toBe(2000);
    expect((await classifiedRejection(query(srv.base, { query: 'limited' }))).failureClass).toBe('transient');
  });

  it('treats a refused connection as transient', async () => {
    const port = await closedPort();
    expect((await classifiedRejection(query(`http://127.0.0.1:${port}`, { query: 'up' }))).failureClass).toBe('transient');
  });

  it('is an idempotent network read that quotes values for PromQL strings and describes itself by its query', () => {
    const t = promqlTool({ prometheusUrl: 'http://prom:9090' });
    expect(t).toMatchObject({ name: 'promql_query', risk: 'read', toolClass: 'network', idempotent: true });
    expect(t.describe!({ query: 'up{job="node"}' })).toBe('up{job="node"}');
    expect(t.quote!('a"b\\c')).toBe('a\\"b\\\\c');
    expect(t.input.safeParse({ query: '' }).success).toBe(false);
    expect(t.input.safeParse({ query: 'x'.repeat(10_001) }).success).toBe(false);
    expect(t.input.safeParse({ query: 'up', step: '1m' }).success).toBe(false);
  });
});
