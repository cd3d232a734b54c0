// `serve --store … --otlp URL` (issue #13): two real replicas (the dist build) on one throwaway PostgreSQL 15 send
// each settled workflow's trace to the stand-in collector the other OTLP tests use. Alerts go to both replicas;
// every completed workflow's trace reaches the collector exactly once across the replicas, with the spans the trace
// built from the store's record has. A person settling a workflow from the CLI (`escalate --store`) gets it sent once
// too, and resolving it later (`resolve --store`) sends it once more (same trace, grown); a cancelled one is not sent,
// as without --store. A collector answering 500 is logged and recorded, tried a few times in all across the
// replicas, and leaves the workflow settled and the log verifying. Skipped, saying why, without PostgreSQL.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_TRACE_TRIES, TRACE_EXPORTED_EVENT } from '../../engine/control/otel/exported';
import { traceIdOf } from '../../engine/control/otel/ids';
import { storeRecord } from '../../engine/control/otel/shipStore';
import { workflowSpans } from '../../engine/control/otel/trace';
import { openPostgresStore, type PostgresControlStore } from '../../engine/control/store/postgres/store';
import type { WorkflowView } from '../../engine/control/store/types';
import { tempDir } from '../helpers/tmp';
import { postgresBin } from '../support/postgres';
import { stopStarted, waitFor } from '../support/processes';
import { postAlert, startReplica, storeTest, usePostgres } from '../support/storeCli';
import { flatten, type OtlpRequest } from '../unit/otel/otlp';
import { otlpReceiver } from '../unit/otel/receiver';

const ALERTS = 6;
const bin = postgresBin();

const RUNBOOK = ['---', 'title: Queue slow', 'alert: QueueSlow', '---', '', '# Queue slow', '', '## Diagnosis', '', '```sh', 'ls runbooks/', '```', '', '## Verification', '', '```sh', 'test -d runbooks', '```', ''].join('\n');
const alertOf = (i: number) => ({ alertname: 'QueueSlow', labels: { alertname: 'QueueSlow', alert_id: `q${i}`, severity: 'warning' }, annotations: { summary: `queue slow q${i}` }, startsAt: '2026-12-01T10:00:00Z' });
const stuckAlert = (id: string) => ({ alertname: 'DemoQueueStuck', labels: { alertname: 'DemoQueueStuck', alert_id: id, severity: 'warning' }, annotations: { summary: `queue stuck ${id}` }, startsAt: '2026-12-01T10:00:00Z' });
const ROOT_SPAN = 'invoke_agent runbook-agent';

function workspace(root: string, withStuck: boolean): string {
  const ws = path.join(root, 'ws');
  fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'runbooks', 'queue-slow.md'), RUNBOOK);
  if (withStuck) {
    // One command, then checklist items: the workflow waits for a person on the first one.
    fs.mkdirSync(path.join(ws, 'queue', 'pending'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'queue', 'pending', 'job-1'), 'job=1\n');
    fs.copyFileSync(path.resolve('test/fixtures/queue-stuck/queue-stuck.md'), path.join(ws, 'runbooks', 'queue-stuck.md'));
  }
  return ws;
}

/** A collector that refuses every POST with HTTP 500 (an OTLP exporter does not retry a 500 itself), counting them. */
async function brokenCollector(): Promise<{ url: string; posts: string[]; close(): Promise<void> }> {
  const posts: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts.push(req.url ?? '');
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":13,"message":"collector broke"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(bin === null)(bin === null ? '--otlp with --store (SKIPPED: no PostgreSQL server binaries; bash scripts/setup-postgres.sh)' : '--otlp with --store', () => {
  const pg = usePostgres();

  it('sends each settled workflow’s trace once across the replicas, from store reads: settled by a worker or from the CLI, and again once when a person resolves it later', { timeout: 600_000 }, async () => {
    const root = tempDir('rba-pgotlp-');
    const ws = workspace(root, true);
    const collector = await otlpReceiver();
    const t = storeTest({ root, ws, url: pg().url, token: 'otlp-store-test-token-0123456789', env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=store-collector-key' } });
    const { url, token, logs, run, started: all } = t;
    const launch = (name: string) => startReplica(t, name, ['--otlp', collector.url]);
    const check: PostgresControlStore = await openPostgresStore({ connectionString: url, max: 2 });
    const traces = () => collector.received.filter((r) => r.path === '/v1/traces').map((r) => ({ headers: r.headers, trace: flatten(JSON.parse(r.body) as OtlpRequest) }));
    const tracesOf = (id: string) => traces().filter((x) => x.trace.spans[0]!.traceId === traceIdOf(id)).map((x) => x.trace);
    const rootState = (trace: ReturnType<typeof tracesOf>[number]) => trace.spans.find((s) => s.name === ROOT_SPAN)!.attributes['runbook_agent.workflow.state'];
    const until = (id: string, what: string, ok: (v: WorkflowView) => boolean) =>
      waitFor(`${id} to ${what}`, 180_000, async () => {
        const v = await check.view(id);
        return v && ok(v) ? v : null;
      }, logs);
    try {
      const replicas = [await launch('replica-a'), await launch('replica-b')];
      const ids: string[] = [];
      for (let i = 0; i < ALERTS; i++) ids.push(await postAlert(replicas[i % 2]!.port, token, alertOf(i)));
      const escalated = await postAlert(replicas[0]!.port, token, stuckAlert('escalate'));
      const cancelled = await postAlert(replicas[1]!.port, token, stuckAlert('cancel'));
      for (const id of ids) {
        const v = await until(id, 'settle', (view) => view.state === 'COMPLETED' || view.state === 'ESCALATED');
        expect(v.state, v.reason ?? '').toBe('COMPLETED');
      }
      // Each completed workflow's trace arrives (the replicas find it on the change feed; no SIGTERM needed).
      await waitFor('the completed workflows’ traces', 60_000, () => ids.every((id) => tracesOf(id).length > 0) || null, logs);

      // ---- settled from the CLI: no replica's worker settled it, and its trace is sent once ----
      for (const id of [escalated, cancelled]) await until(id, 'wait on a checklist item', (v) => v.state === 'WAITING_FOR_PERSON' && v.waiting?.kind === 'checklist');
      await run(['escalate', '--store', url, escalated, '--note', 'paging the queue owners', '--by', 'erin']);
      await run(['cancel', '--store', url, cancelled, '--note', 'duplicate page', '--by', 'erin']);
      await waitFor(`the trace of ${escalated} (escalated from the CLI)`, 60_000, () => tracesOf(escalated).length > 0 || null, logs);
      expect(rootState(tracesOf(escalated)[0]!)).toBe('ESCALATED');

      // ---- resolved later by a person from the CLI: the same trace, grown, sent once more ----
      await run(['resolve', '--store', url, escalated, '--note', 'owners drained it', '--by', 'erin']);
      await waitFor(`the trace of ${escalated} again (resolved from the CLI)`, 60_000, () => tracesOf(escalated).length > 1 || null, logs);
      // Time for a duplicate to show up if either replica were to send one (both watch the feed).
      await new Promise((r) => setTimeout(r, 3000));

      // SIGTERM: each replica waits for the sends it started before it exits.
      for (const r of replicas) {
        r.p.child.kill('SIGTERM');
        expect(await r.p.exited, r.p.log.text).toBe(0);
      }
      expect(traces().map((x) => x.trace.spans[0]!.traceId).sort(), logs()).toEqual([...ids, escalated, escalated].map(traceIdOf).sort());
      for (const x of traces()) expect(x.headers['x-api-key']).toBe('store-collector-key');
      for (const id of ids) {
        const [sent] = tracesOf(id);
        expect(new Set(sent!.spans.map((s) => s.traceId))).toEqual(new Set([traceIdOf(id)]));
        // The same spans the store's record gives now (its only later event is its own `trace_exported` claim).
        const built = workflowSpans((await storeRecord(check, id))!);
        expect(sent!.spans.map((s) => s.spanId).sort()).toEqual(built.map((s) => s.spanContext().spanId).sort());
        expect(sent!.spans.map((s) => s.name)).toContain(ROOT_SPAN);
        // One claim, covering every event of its log but the claim itself.
        const events = await check.events(id);
        expect(events.filter((e) => e.type === TRACE_EXPORTED_EVENT).map((e) => e.data)).toEqual([{ upTo: events.length - 1, state: 'COMPLETED', try: 1 }]);
      }
      const [first, again] = tracesOf(escalated);
      expect([rootState(first!), rootState(again!)]).toEqual(['ESCALATED', 'COMPLETED']);
      const rootOf = (trace: typeof first) => trace!.spans.find((s) => s.name === ROOT_SPAN)!;
      expect(rootOf(again).spanId).toBe(rootOf(first).spanId);
      expect(workflowSpans((await storeRecord(check, escalated))!).map((s) => s.spanContext().spanId).sort()).toEqual(again!.spans.map((s) => s.spanId).sort());
      expect((await check.events(escalated)).filter((e) => e.type === TRACE_EXPORTED_EVENT).map((e) => (e.data as { state: string }).state)).toEqual(['ESCALATED', 'COMPLETED']);
      // As without --store, a cancelled workflow's trace is not sent.
      expect((await check.view(cancelled))!.state).toBe('CANCELLED');
      expect(tracesOf(cancelled)).toEqual([]);
      expect((await check.events(cancelled)).filter((e) => e.type === TRACE_EXPORTED_EVENT)).toEqual([]);

      const said = all.map((p) => p.log.text).join('\n');
      expect(said.match(/trace of \S+ sent to the OTLP endpoint/g)).toHaveLength(ALERTS + 2);
      expect(said).not.toMatch(/not sent/);
      const verified = await check.verifyLog();
      expect(verified.ok, JSON.stringify(verified)).toBe(true);
    } finally {
      await check.close();
      await collector.close();
      await stopStarted();
    }
  });

  it('logs and records a collector’s HTTP 500, tries a few times in all across the replicas, and leaves the workflow settled and the log verifying', { timeout: 600_000 }, async () => {
    const root = tempDir('rba-pgotlp500-');
    const ws = workspace(root, false);
    const collector = await brokenCollector();
    const t = storeTest({ root, ws, url: pg().url, token: 'otlp-store-500-test-token-0123456789' });
    const { url, token, logs, run, started: all } = t;
    const check: PostgresControlStore = await openPostgresStore({ connectionString: url, max: 2 });
    try {
      const replicas = [await startReplica(t, 'replica-c', ['--otlp', collector.url]), await startReplica(t, 'replica-d', ['--otlp', collector.url])];
      const id = await postAlert(replicas[0]!.port, token, alertOf(100));
      const failures = async () => (await check.events(id)).filter((e) => e.type === TRACE_EXPORTED_EVENT && (e.data as { outcome?: string }).outcome === 'failed');
      // The first try when it settles, the rest on the replicas' sweeps (every 15 s, at least 10 s after a failure).
      await waitFor(`${MAX_TRACE_TRIES} failed sends of the trace of ${id}`, 150_000, async () => (await failures()).length >= MAX_TRACE_TRIES || null, logs);
      // A sweep after the last try sends nothing more.
      await new Promise((r) => setTimeout(r, 20_000));
      for (const r of replicas) {
        r.p.child.kill('SIGTERM');
        expect(await r.p.exited, r.p.log.text).toBe(0);
      }
      expect(collector.posts, logs()).toHaveLength(MAX_TRACE_TRIES);
      const recorded = (await check.events(id)).filter((e) => e.type === TRACE_EXPORTED_EVENT).map((e) => e.data as Record<string, unknown>);
      expect(recorded.map((d) => d.outcome ?? `claim ${String(d.try)}`)).toEqual(['claim 1', 'failed', 'claim 2', 'failed', 'claim 3', 'failed']);
      expect(String(recorded[1]!.detail)).toMatch(/OTLP export to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed/);
      const said = all.map((p) => p.log.text).join('\n');
      expect(said.match(new RegExp(`trace of ${id} not sent \\(try \\d of ${MAX_TRACE_TRIES}`, 'g'))).toHaveLength(MAX_TRACE_TRIES);
      expect(said).toMatch(new RegExp(`trace of ${id} not sent \\(try ${MAX_TRACE_TRIES} of ${MAX_TRACE_TRIES}, given up until the workflow changes\\)`));
      expect(said).not.toMatch(/sent to the OTLP endpoint/);
      // The workflow is as it settled, its view still what its log replays to, and every chain verifies.
      const view = (await check.view(id))!;
      expect(view.state, view.reason ?? '').toBe('COMPLETED');
      expect(await check.replay(id)).toEqual(view);
      const verify = await run(['log', 'verify', '--store', url]);
      expect(verify.stdout, verify.stderr).toMatch(/^event log intact: \d+ events/);
    } finally {
      await check.close();
      await collector.close();
      await stopStarted();
    }
  });
});
