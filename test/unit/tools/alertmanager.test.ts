import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { withSilenceExpiry } from '../../../engine/entry/agent/silenceView';
import { alertmanagerSilenceTool, expireSilence, SilenceInput, type SilenceOutput } from '../../../engine/execution/tools/alertmanager';
import { createTools } from '../../../engine/execution/tools/catalogue';
import { TOOL } from '../../../engine/execution/tools/names';
import { classifiedRejection } from '../../helpers/classified';
import { closedPort, serve, type Seen } from './server';

const call = { key: 'feedfacefeedface0123456789abcdef0123456789abcdef0123456789abcdef', workflowId: 'wf-1', stepId: 'silence-alert' };
const good = { matchers: [{ name: 'alertname', value: 'DiskFull' }, { name: 'instance', value: 'db-1:9100' }], comment: 'while the disk is cleaned' };

/** The first problem zod reports for this input, path and message. */
function problem(input: unknown): string {
  const r = SilenceInput.safeParse(input);
  expect(r.success).toBe(false);
  const i = r.error!.issues[0]!;
  return `${i.path.join('.')}: ${i.message}`;
}

describe('alertmanager_silence input', () => {
  it('takes labels, a bounded duration (default 60 minutes) and a comment', () => {
    expect(SilenceInput.parse(good)).toEqual({ ...good, durationMinutes: 60 });
    expect(SilenceInput.parse({ ...good, durationMinutes: 1440 }).durationMinutes).toBe(1440);
  });

  it('refuses huge, zero, negative and fractional durations with a clear error', () => {
    expect(problem({ ...good, durationMinutes: 100_000 })).toMatch(/^durationMinutes: at most 1440 minutes \(24 hours\)/);
    expect(problem({ ...good, durationMinutes: 1441 })).toMatch(/at most 1440 minutes/);
    expect(problem({ ...good, durationMinutes: 0 })).toBe('durationMinutes: at least 1 minute');
    expect(problem({ ...good, durationMinutes: -5 })).toBe('durationMinutes: at least 1 minute');
    expect(problem({ ...good, durationMinutes: 1.5 })).toMatch(/^durationMinutes: whole minutes/);
    expect(problem({ ...good, durationMinutes: '60' })).toMatch(/^durationMinutes:/);
  });

  it('refuses label values that are not plain strings', () => {
    const withValue = (value: unknown) => ({ ...good, matchers: [{ name: 'alertname', value: 'DiskFull' }, { name: 'instance', value }] });
    expect(problem(withValue('db-1\nalertname=".*"'))).toBe('matchers.1.value: a label value must be plain text without control characters or line breaks');
    expect(problem(withValue('a\u0000b'))).toMatch(/plain text/);
    expect(problem(withValue(''))).toMatch(/^matchers.1.value: an empty value would match alerts without the label/);
    expect(problem(withValue('x'.repeat(1001)))).toBe('matchers.1.value: a label value is at most 1000 characters');
    expect(problem(withValue(42))).toMatch(/^matchers.1.value:/);
    expect(problem(withValue({ $regex: '.*' }))).toMatch(/^matchers.1.value:/);
  });

  it('takes equality matchers only: no isRegex, no other fields, Prometheus label names', () => {
    expect(problem({ ...good, matchers: [{ name: 'alertname', value: '.*', isRegex: true }] })).toMatch(/^matchers.0: Unrecognized key/);
    expect(problem({ ...good, matchers: [{ name: 'alertname', value: 'x' }, { name: 'bad-name', value: 'x' }] })).toMatch(/^matchers.1.name: a label name is letters, digits and underscores/);
    expect(problem({ ...good, matchers: [{ name: '1st', value: 'x' }] })).toMatch(/label name/);
  });

  it('needs the alertname, each label once, at most 30 labels, and nothing else', () => {
    expect(problem({ ...good, matchers: [{ name: 'severity', value: 'critical' }] })).toMatch(/^matchers: a silence must name the alert \(an alertname label\)/);
    expect(problem({ ...good, matchers: [] })).toBe('matchers: a silence needs at least one label');
    expect(problem({ ...good, matchers: [{ name: 'alertname', value: 'a' }, { name: 'alertname', value: 'b' }] })).toBe('matchers: each label at most once');
    const many = Array.from({ length: 31 }, (_, i) => ({ name: i === 0 ? 'alertname' : `l${i}`, value: 'v' }));
    expect(problem({ ...good, matchers: many })).toBe('matchers: a silence takes at most 30 labels');
    expect(problem({ ...good, startsAt: '2020-01-01T00:00:00Z' })).toMatch(/Unrecognized key/);
    expect(problem({ ...good, comment: '' })).toMatch(/^comment:/);
    expect(problem({ ...good, comment: 'x'.repeat(1001) })).toMatch(/^comment:/);
  });
});

/** Answers the silence API the way Alertmanager 0.25 does, from the silences it holds. */
function alertmanager(held: Array<Record<string, unknown>>, override?: (req: Seen, res: http.ServerResponse) => boolean) {
  return (req: Seen, res: http.ServerResponse): void => {
    if (override?.(req, res)) return;
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.pathname.endsWith('/api/v2/silences')) return json(200, held);
    if (req.method === 'POST' && url.pathname.endsWith('/api/v2/silences')) {
      const id = `0000000${held.length}-aaaa-4bbb-8ccc-dddddddddddd`;
      held.push({ ...(JSON.parse(req.body) as object), id, status: { state: 'active' } });
      return json(200, { silenceID: id });
    }
    const m = /\/api\/v2\/silence\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'DELETE' && m) {
      const s = held.find((x) => x.id === m[1]);
      if (!s) return json(500, 'silence not found');
      s.status = { state: 'expired' };
      return json(200, '');
    }
    json(404, 'not found');
  };
}

describe('alertmanager_silence', () => {
  it('exists only with an Alertmanager URL, as a write', () => {
    expect(createTools({ workspace: '/srv/ws' }).map((t) => t.name)).not.toContain(TOOL.alertmanagerSilence);
    const tool = createTools({ workspace: '/srv/ws', alertmanagerUrl: 'http://am:9093' }).find((t) => t.name === TOOL.alertmanagerSilence);
    expect(tool).toMatchObject({ risk: 'write', toolClass: 'network' });
    expect(() => createTools({ workspace: '/srv/ws', alertmanagerUrl: 'ftp://am' })).toThrow(/alertmanagerUrl/);
  });

  it('describes exactly what it silences, where and for how long', () => {
    const tool = alertmanagerSilenceTool({ alertmanagerUrl: 'http://user:secret@am.internal:9093/' });
    const input = tool.input.parse(good);
    expect(tool.describe!(input)).toBe('silence alertname="DiskFull", instance="db-1:9100" in Alertmanager am.internal:9093 for 60 minutes');
    expect(tool.assess!(input).risk).toBe('write');
  });

  it('posts equality matchers, the duration and a comment naming the workflow and the call; Basic auth from the URL', async () => {
    const held: Array<Record<string, unknown>> = [];
    const srv = await serve(alertmanager(held));
    const tool = alertmanagerSilenceTool({ alertmanagerUrl: `http://ana:pw@127.0.0.1:${srv.port}/am/` });
    const before = Date.now();
    const out = (await tool.run(tool.input.parse({ ...good, durationMinutes: 15 }), new AbortController().signal, call)).output as SilenceOutput;
    expect(out.silenceId).toBe('00000000-aaaa-4bbb-8ccc-dddddddddddd');
    expect(out.url).toBe(`http://127.0.0.1:${srv.port}/am/#/silences/${out.silenceId}`);
    expect(out.text).toContain(out.url);
    expect(out.url).not.toContain('pw');
    const post = srv.seen.find((s) => s.method === 'POST')!;
    expect(post.url).toBe('/am/api/v2/silences');
    expect(post.headers.authorization).toBe(`Basic ${Buffer.from('ana:pw').toString('base64')}`);
    const body = JSON.parse(post.body) as { matchers: unknown; startsAt: string; endsAt: string; createdBy: string; comment: string };
    expect(body.matchers).toEqual([
      { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
      { name: 'instance', value: 'db-1:9100', isRegex: false, isEqual: true },
    ]);
    expect(body.createdBy).toBe('runbook-agent');
    expect(body.comment).toBe('while the disk is cleaned (runbook-agent: workflow wf-1) [call feedfacefeedface]');
    expect(Date.parse(body.startsAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(body.endsAt) - Date.parse(body.startsAt)).toBe(15 * 60_000);
  });

  it('a re-run of the same call finds its silence instead of making a second', async () => {
    const held: Array<Record<string, unknown>> = [];
    const srv = await serve(alertmanager(held));
    const tool = alertmanagerSilenceTool({ alertmanagerUrl: srv.base });
    const input = tool.input.parse(good);
    const first = (await tool.run(input, new AbortController().signal, call)).output as SilenceOutput;
    const second = (await tool.run(input, new AbortController().signal, call)).output as SilenceOutput;
    expect(second.silenceId).toBe(first.silenceId);
    expect(held).toHaveLength(1);
    // Another call (another workflow or step) makes its own.
    await tool.run(input, new AbortController().signal, { ...call, key: '0'.repeat(64) });
    expect(held).toHaveLength(2);
  });

  it('a refused silence is a permanent failure with what Alertmanager said; an overloaded one may pass; nothing listening is transient', async () => {
    const srv = await serve(alertmanager([], (req, res) => {
      if (req.method !== 'POST') return false;
      if (req.headers['x-test'] === undefined && JSON.parse(req.body).comment.includes('busy')) res.writeHead(503, { 'retry-after': '3' }).end('busy');
      else res.writeHead(400, { 'content-type': 'application/json' }).end('"silence invalid: invalid label matcher 0: invalid label value"');
      return true;
    }));
    const tool = alertmanagerSilenceTool({ alertmanagerUrl: srv.base });
    const refused = await classifiedRejection(tool.run(tool.input.parse(good), new AbortController().signal, call));
    expect(refused.failureClass).toBe('permanent');
    expect(refused.message).toMatch(/the silence was refused \(HTTP 400\): .*invalid label value/);
    const busy = await classifiedRejection(tool.run(tool.input.parse({ ...good, comment: 'busy' }), new AbortController().signal, call));
    expect(busy.failureClass).toBe('transient');
    expect(busy.retryAfterMs).toBe(3000);
    const closed = alertmanagerSilenceTool({ alertmanagerUrl: `http://127.0.0.1:${await closedPort()}` });
    expect((await classifiedRejection(closed.run(closed.input.parse(good), new AbortController().signal, call))).failureClass).toBe('transient');
  });

  it('expires by id: expired, gone when unknown, refused ids never sent', async () => {
    const held: Array<Record<string, unknown>> = [{ id: 'abc-1', status: { state: 'active' } }];
    const srv = await serve(alertmanager(held));
    expect(await expireSilence(srv.base, 'abc-1', new AbortController().signal)).toEqual({ outcome: 'expired' });
    expect(srv.seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/v2/silence/abc-1' });
    expect((await expireSilence(srv.base, 'nope', new AbortController().signal)).outcome).toBe('gone');
    const before = srv.seen.length;
    expect((await classifiedRejection(expireSilence(srv.base, '../silences', new AbortController().signal))).message).toMatch(/not a silence id/);
    expect(srv.seen).toHaveLength(before);
  });
});

describe('the panel on a silence step', () => {
  const steps = [
    { id: 'silence-alert', tool: TOOL.alertmanagerSilence, output: 'Silence s-1 created …: http://am/#/silences/s-1' },
    { id: 'other', tool: TOOL.shell, output: 'ok' },
  ];
  const event = (data: Record<string, unknown>) => ({ type: 'silence_expired', at: '2026-12-02T09:00:00.000Z', data });

  it('adds what became of the silence once the workflow settled, and nothing before', () => {
    expect(withSilenceExpiry(steps, [])).toEqual(steps);
    const expired = withSilenceExpiry(steps, [event({ stepId: 'silence-alert', silenceId: 's-1', outcome: 'expired' })]);
    expect(expired[0]!.output).toBe('Silence s-1 created …: http://am/#/silences/s-1\nExpired at 2026-12-02T09:00:00.000Z, when the workflow settled.');
    expect(expired[1]).toEqual(steps[1]);
    const failed = withSilenceExpiry(steps, [event({ stepId: 'silence-alert', silenceId: 's-1', outcome: 'failed', detail: 'alertmanager am: ECONNREFUSED' })]);
    expect(failed[0]!.output).toMatch(/\nCould not be expired when the workflow settled \(.*\): alertmanager am: ECONNREFUSED\. It ends on its own at its end time/);
    // The last word counts: a failure, then an expiry.
    const both = withSilenceExpiry(steps, [event({ stepId: 'silence-alert', outcome: 'failed', detail: 'x' }), event({ stepId: 'silence-alert', outcome: 'expired' })]);
    expect(both[0]!.output).toMatch(/\nExpired at /);
  });
});
