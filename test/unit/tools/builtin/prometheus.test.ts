// prometheus_alert against a stand-in HTTP API (the integration test runs it against a real Prometheus).
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { prometheusAlertTool, type PrometheusAlertOutput } from '../../../../engine/execution/tools/builtin/prometheus';
import { ClassifiedError } from '../../../../engine/control/workflow/failures';
import { serve, type Seen } from '../server';

const call = { key: 'k', workflowId: 'wf', stepId: 's' };
const NOW = 1_764_496_800; // 2025-11-30T10:00:00Z

function api(req: Seen, res: http.ServerResponse): void {
  const p = new URLSearchParams(req.body);
  const q = p.get('query') ?? '';
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const ok = (resultType: string, result: unknown): void => json(200, { status: 'success', data: { resultType, result } });
  if (req.url.endsWith('/api/v1/query')) {
    if (q.startsWith('disk_free')) return ok('vector', [
      { metric: { mountpoint: '/', instance: 'a:9100' }, value: [NOW, '0.04'] },
      { metric: { mountpoint: '/var', instance: 'b:9100' }, value: [NOW, '0.02'] },
    ]);
    return json(400, { status: 'error', errorType: 'bad_data', error: 'parse error' });
  }
  if (!req.url.endsWith('/api/v1/query_range')) return json(404, { status: 'error', error: 'not found' });
  const step = Number(p.get('step'));
  const points = (n: number, v = (i: number) => String(i)) => Array.from({ length: n }, (_, i) => [Number(p.get('start')) + i * step, v(i)]);
  if (q === 'disk_free{job="node"} < 0.05' || q === 'disk_free{job="node"}') return ok('matrix', [
    { metric: { mountpoint: '/', instance: 'a:9100' }, values: points(300) },
    { metric: { mountpoint: '/var', instance: 'b:9100' }, values: points(3, (i) => ['0.5', '0.01', 'NaN'][i]!) },
  ]);
  if (q === 'other{a=~"("}') return json(400, { status: 'error', errorType: 'bad_data', error: 'invalid regex' });
  if (q === 'ALERTS{alertname="DiskFull"}') {
    const start = Number(p.get('start'));
    return ok('matrix', [
      { metric: { __name__: 'ALERTS', alertname: 'DiskFull', alertstate: 'firing', mountpoint: '/var' }, values: [[start + 600, '1'], [start + 660, '1'], [start + 720, '1'], [start + 3600, '1']] },
    ]);
  }
  return json(503, { status: 'error', errorType: 'unavailable', error: 'busy' });
}

async function run(base: string, input: Record<string, unknown>): Promise<PrometheusAlertOutput> {
  const t = prometheusAlertTool({ prometheusUrl: base, now: () => NOW * 1000 });
  return (await t.run(t.input.parse(input), new AbortController().signal, call)).output as PrometheusAlertOutput;
}

describe('prometheus_alert', () => {
  it('now: the series that fire, the ones agreeing with the alert first', async () => {
    const srv = await serve(api);
    const out = await run(`${srv.base}/prom/`, { view: 'now', expr: 'disk_free < 0.05', labels: { mountpoint: '/var', alertname: 'DiskFull' } });
    expect(out).toMatchObject({ view: 'now', query: 'disk_free < 0.05', resultType: 'vector', series: 2, matching: 1, truncated: false });
    expect(out.shown).toEqual([
      { labels: { mountpoint: '/var', instance: 'b:9100' }, matchesAlert: true, value: '0.02' },
      { labels: { mountpoint: '/', instance: 'a:9100' }, matchesAlert: false, value: '0.04' },
    ]);
    expect(srv.seen[0]).toMatchObject({ method: 'POST', url: '/prom/api/v1/query' });
    expect(Object.fromEntries(new URLSearchParams(srv.seen[0]!.body))).toEqual({ query: 'disk_free < 0.05', time: String(NOW) });
  });

  it('window: the expression over its for, about 120 points, min, max and last', async () => {
    const srv = await serve(api);
    const out = await run(srv.base, { view: 'window', expr: 'disk_free{job="node"} < 0.05', window: '10m' });
    expect(Object.fromEntries(new URLSearchParams(srv.seen[0]!.body))).toEqual({ query: 'disk_free{job="node"} < 0.05', start: String(NOW - 600), end: String(NOW), step: '5' });
    expect(out.range).toEqual({ start: '2025-11-30T09:50:00.000Z', end: '2025-11-30T10:00:00.000Z', step: '5s' });
    expect(out.shown[0]).toMatchObject({ labels: { mountpoint: '/' }, value: '299', min: 0, max: 299, points: 300 });
    expect(out.shown[0]!.values).toHaveLength(120);
    expect(out.shown[0]!.values![119]).toEqual([NOW - 600 + 299 * 5, '299']);
    expect(out.shown[1]).toMatchObject({ value: 'NaN', min: 0.01, max: 0.5, points: 3 });
  });

  it('a range ends now, on its step grid: a window that is not whole steps starts earlier instead of ending early', async () => {
    // Prometheus evaluates start, start + step, ... while <= end: 15m every 8s from now - 900 would end at now - 4,
    // and an alert that began in those 4 seconds would show no series (found against a real Prometheus).
    const srv = await serve(api);
    const window = await run(srv.base, { view: 'window', expr: 'disk_free{job="node"} < 0.05' });
    const asked = Object.fromEntries(new URLSearchParams(srv.seen[0]!.body));
    expect(asked).toEqual({ query: 'disk_free{job="node"} < 0.05', start: String(NOW - 904), end: String(NOW), step: '8' });
    expect((Number(asked.end) - Number(asked.start)) % Number(asked.step)).toBe(0);
    expect(window.range).toEqual({ start: new Date((NOW - 904) * 1000).toISOString(), end: '2025-11-30T10:00:00.000Z', step: '8s' });
    await run(srv.base, { view: 'selectors', expr: 'disk_free{job="node"}', window: '90s' });
    expect(Object.fromEntries(new URLSearchParams(srv.seen[1]!.body))).toMatchObject({ start: String(NOW - 120), end: String(NOW), step: '60' });
  });

  it('selectors: each over the last hour; one Prometheus refuses does not hide the others', async () => {
    const srv = await serve(api);
    const out = await run(srv.base, { view: 'selectors', expr: 'disk_free{job="node"} / ignoring(x) other{a=~"("} > 0', labels: { mountpoint: '/' } });
    expect(out.selectors!.map((s) => [s.query, s.series, s.error ?? null])).toEqual([
      ['disk_free{job="node"}', 2, null],
      ['other{a=~"("}', 0, 'prometheus: bad_data: invalid regex (query: other{a=~"("})'],
    ]);
    expect(out.selectors![0]!.shown[0]).toMatchObject({ labels: { mountpoint: '/' }, matchesAlert: true });
    expect(new URLSearchParams(srv.seen[0]!.body).get('step')).toBe('60');
    expect(Number(new URLSearchParams(srv.seen[0]!.body).get('start'))).toBe(NOW - 3600);
  });

  it('history: ALERTS over 24h, as the stretches it was firing', async () => {
    const srv = await serve(api);
    const out = await run(srv.base, { view: 'history', alertname: 'DiskFull' });
    expect(new URLSearchParams(srv.seen[0]!.body).get('query')).toBe('ALERTS{alertname="DiskFull"}');
    const start = NOW - 86_400;
    const iso = (s: number) => new Date(s * 1000).toISOString();
    expect(out.shown[0]!.intervals).toEqual([
      { from: iso(start + 600), to: iso(start + 720), state: 'firing' },
      { from: iso(start + 3600), to: iso(start + 3600), state: 'firing' },
    ]);
  });

  it('an outage is transient, a bad expression permanent; credentials in the URL become Basic auth', async () => {
    const srv = await serve(api);
    const e1 = await run(srv.base, { view: 'window', expr: 'anything_else' }).catch((e: unknown) => e);
    expect((e1 as ClassifiedError).failureClass).toBe('transient');
    const e2 = await run(srv.base, { view: 'now', expr: 'bad(' }).catch((e: unknown) => e);
    expect((e2 as ClassifiedError).failureClass).toBe('permanent');
    await run(srv.base.replace('http://', 'http://me:s%40cret@'), { view: 'now', expr: 'disk_free' });
    expect(srv.seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('me:s@cret').toString('base64')}`);
  });

  it('describes what it asks', () => {
    const t = prometheusAlertTool({ prometheusUrl: 'http://p:9090' });
    expect(t.describe!({ view: 'now', expr: 'up == 0' })).toBe('PromQL at this instant: up == 0');
    expect(t.describe!({ view: 'window', expr: 'up == 0', window: '1h' })).toBe('PromQL over the last 1h, every 30s: up == 0');
    expect(t.describe!({ view: 'selectors', expr: 'a{x="1"} / b' })).toBe('each selector of the expression over the last 1h, every 60s: a{x="1"}; b');
    expect(t.describe!({ view: 'history', alertname: 'DiskFull' })).toBe('PromQL over the last 24h, every 60s: ALERTS{alertname="DiskFull"}');
    expect(t).toMatchObject({ name: 'prometheus_alert', risk: 'read', idempotent: true, toolClass: 'network' });
  });
});
