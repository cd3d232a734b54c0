// engine/control/otel/exported.ts and shipStore.ts, the `serve --store` trace shipper: whether a trace is due (plain
// data), and that a settled workflow's trace is sent once however many shippers watch one store, again once after a
// later event, never for its own `trace_exported` records, and that a collector's 500 is logged, recorded and tried a
// bounded number of times. Two connections to one SQLite file stand in for two replicas (the feed is the store's own);
// test/integration/serve.postgres.otlp.test.ts runs the same against PostgreSQL with real replicas.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { traceIdOf } from '../../../engine/control/otel/ids';
import { claimToLog, failureToLog, TRACE_EXPORTED_EVENT, tracedEvents, traceVerdict } from '../../../engine/control/otel/exported';
import { storeRecord, StoreTraceShipper } from '../../../engine/control/otel/shipStore';
import { workflowSpans } from '../../../engine/control/otel/trace';
import { openSqliteStore, SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { panelView } from '../../../engine/entry/agent/panelView';
import { incidentReport } from '../../../engine/planning/observe/report';
import { flatten, type OtlpRequest } from './otlp';
import { otlpReceiver } from './receiver';
import { tracedWorkflow } from './workflow';

const T0 = Date.UTC(2026, 0, 1);
const WS = '/ws/team';

describe('whether a trace is due (plain data)', () => {
  const claim = (upTo: number) => ({ upTo, state: 'COMPLETED', try: 1 });
  const failed = (upTo: number, failedAt: number) => ({ upTo, outcome: 'failed', detail: 'x', failedAt });

  it('is due when nothing covers this many events; a standing claim of this or a later version covers it', () => {
    expect(traceVerdict([], 5, T0)).toBe('due');
    expect(traceVerdict([claim(5)], 5, T0)).toBe('claimed');
    expect(traceVerdict([claim(7)], 5, T0)).toBe('claimed');
    // A later event (a person resolved it): the old claim says nothing about the new version.
    expect(traceVerdict([claim(5)], 6, T0)).toBe('due');
    // Records without a version are someone else's data, not a claim.
    expect(traceVerdict([null, 'x', { state: 'COMPLETED' }], 5, T0)).toBe('due');
  });

  it('tries a failed send again after a while, a few times, and starts over for a new version', () => {
    const tries = { maxTries: 3, retryAfterMs: 10_000 };
    expect(traceVerdict([claim(5), failed(5, T0)], 5, T0 + 1000, tries)).toBe('wait');
    expect(traceVerdict([claim(5), failed(5, T0)], 5, T0 + 10_000, tries)).toBe('due');
    // The retry's claim stands until it fails too.
    expect(traceVerdict([claim(5), failed(5, T0), claim(5)], 5, T0 + 20_000, tries)).toBe('claimed');
    const three = [claim(5), failed(5, T0), claim(5), failed(5, T0 + 10_000), claim(5), failed(5, T0 + 20_000)];
    expect(traceVerdict(three, 5, T0 + 60_000, tries)).toBe('given-up');
    expect(traceVerdict(three, 6, T0 + 60_000, tries)).toBe('due');
    // An older version's failure, answered after a newer claim, does not undo the newer claim.
    expect(traceVerdict([claim(5), claim(6), failed(5, T0)], 6, T0, tries)).toBe('claimed');
  });

  it('claims only while due, counting the try; a failure record answers the claim', () => {
    expect(claimToLog([], 4, T0, 'ESCALATED')).toEqual([{ type: TRACE_EXPORTED_EVENT, data: { upTo: 4, state: 'ESCALATED', try: 1 } }]);
    expect(claimToLog([claim(4)], 4, T0, 'ESCALATED')).toEqual([]);
    expect(claimToLog([claim(4), failed(4, T0)], 4, T0 + 60_000, 'ESCALATED')).toEqual([{ type: TRACE_EXPORTED_EVENT, data: { upTo: 4, state: 'ESCALATED', try: 2 } }]);
    expect(failureToLog(4, 'y'.repeat(600), T0)).toEqual([{ type: TRACE_EXPORTED_EVENT, data: { upTo: 4, outcome: 'failed', detail: 'y'.repeat(500), failedAt: T0 } }]);
    expect(tracedEvents([{ type: 'created' }, { type: TRACE_EXPORTED_EVENT }, { type: 'escalated' }])).toEqual([{ type: 'created' }, { type: 'escalated' }]);
  });
});

describe('a trace_exported record in the log', () => {
  it('is no step, span or claim in the panel, the incident summary or the trace', async () => {
    const f = await tracedWorkflow();
    const store = new SqliteControlStore(f.db);
    const before = { panel: panelView(f.db, f.id, null), report: incidentReport(f.db, f.id), trace: workflowSpans((await storeRecord(store, f.id))!) };
    const state = (await store.view(f.id))!.state;
    await store.appendOnEvents(f.id, TRACE_EXPORTED_EVENT, T0 + 3_600_000, (logged) => claimToLog(logged, 20, T0, state));
    await store.appendOnEvents(f.id, TRACE_EXPORTED_EVENT, T0 + 3_600_000, () => failureToLog(20, 'collector broke', T0));
    expect((await store.events(f.id)).filter((e) => e.type === TRACE_EXPORTED_EVENT)).toHaveLength(2);
    const after = { panel: panelView(f.db, f.id, null), report: incidentReport(f.db, f.id), trace: workflowSpans((await storeRecord(store, f.id))!) };
    // Only the workflow's last-updated time moves.
    expect({ ...after.panel, workflow: { ...after.panel.workflow, updatedAt: '' } }).toEqual({ ...before.panel, workflow: { ...before.panel.workflow, updatedAt: '' } });
    expect(after.report).toEqual(before.report);
    const shape = (spans: typeof before.trace) => spans.map((s) => ({ id: s.spanContext().spanId, name: s.name, start: s.startTime, end: s.endTime, events: s.events.length }));
    expect(shape(after.trace)).toEqual(shape(before.trace));
    f.db.close();
  });
});

// ---- through a real store ----

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-trace-ship-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
let n = 0;

async function twoConnections(): Promise<[SqliteControlStore, SqliteControlStore]> {
  const file = path.join(root, `store-${++n}.sqlite`);
  const a = await openSqliteStore(file, { pollMs: 20 });
  const b = await openSqliteStore(file, { pollMs: 20 });
  cleanup.push(() => a.close(), () => b.close());
  return [a, b];
}

async function escalated(store: SqliteControlStore, key: string, workspace = WS): Promise<string> {
  const w = (await store.createWorkflow({ source: 'test', title: `disk full ${key}`, labels: { target: key }, idempotencyKey: key }, { now: T0, workspace })).workflow;
  await store.commit({ workflowId: w.id, now: T0 + 1, events: [{ type: 'escalated', to: 'ESCALATED', data: { reason: 'test' } }], next: { kind: 'settled' } });
  return w.id;
}

/** A collector that answers every POST with `status`, counting them. */
async function collectorAnswering(status: number): Promise<{ url: string; posts: string[] }> {
  const posts: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts.push(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"code":13,"message":"collector broke"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, posts };
}

async function until<T>(what: string, f: () => T | null | undefined | false | Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 400));

describe('StoreTraceShipper over one store, two shippers', () => {
  it('sends a settled workflow once, again once after a person resolves it, and never for its own records', async () => {
    const [a, b] = await twoConnections();
    const collector = await otlpReceiver();
    cleanup.push(() => collector.close());
    const lines: string[] = [];
    const start = (store: SqliteControlStore) => StoreTraceShipper.start({ store, workspace: WS, endpoint: collector.url, headers: {}, everyMs: 60_000, log: (m) => lines.push(m) });
    // Settled before the shippers start: the start sweep finds it.
    const early = await escalated(a, 'early');
    const shippers = [await start(a), await start(b)];
    cleanup.push(async () => {
      for (const s of shippers) await s.stop();
    });
    // Settled while they watch: the change feed finds it; one elsewhere and one not settled are not sent.
    const late = await escalated(b, 'late');
    await escalated(a, 'other', '/ws/other');
    const open = (await a.createWorkflow({ source: 'test', title: 'still running', labels: { target: 'open' }, idempotencyKey: 'open' }, { now: T0, workspace: WS })).workflow.id;
    const traces = () => collector.received.filter((r) => r.path === '/v1/traces').map((r) => flatten(JSON.parse(r.body) as OtlpRequest));
    await until('two traces', () => traces().length >= 2);
    await settle();
    expect(traces().map((t) => t.spans[0]!.traceId).sort()).toEqual([traceIdOf(early), traceIdOf(late)].sort());

    // A person resolves the escalation: the trace is stale and sent again, once, with the same span ids and more.
    await a.commitDecision(late, T0 + 5000, () => ({ events: [{ type: 'resolved', to: 'COMPLETED', actor: 'person', data: { reason: 'resolved by ana: fixed', by: 'ana' } }] }));
    await until('the resolved trace', () => traces().length >= 3);
    await settle();
    expect(traces()).toHaveLength(3);
    const [first, again] = traces().filter((t) => t.spans[0]!.traceId === traceIdOf(late));
    expect(again!.spans.find((s) => s.name === 'invoke_agent runbook-agent')!.attributes['runbook_agent.workflow.state']).toBe('COMPLETED');
    expect(first!.spans.find((s) => s.name === 'invoke_agent runbook-agent')!.spanId).toBe(again!.spans.find((s) => s.name === 'invoke_agent runbook-agent')!.spanId);
    // What was sent is what the store's record gives now: the claims are not part of the trace.
    const built = workflowSpans((await storeRecord(a, late))!);
    expect(again!.spans.map((s) => s.spanId).sort()).toEqual(built.map((s) => s.spanContext().spanId).sort());

    // One claim per version in the log, none for the others; sweeps add nothing more.
    const claims = async (id: string) => (await a.events(id)).filter((e) => e.type === TRACE_EXPORTED_EVENT).map((e) => e.data);
    expect(await claims(late)).toEqual([
      { upTo: 2, state: 'ESCALATED', try: 1 },
      { upTo: 3, state: 'COMPLETED', try: 1 },
    ]);
    expect(await claims(early)).toEqual([{ upTo: 2, state: 'ESCALATED', try: 1 }]);
    expect(await claims(open)).toEqual([]);
    for (const s of shippers) s.sweep();
    await settle();
    expect(traces()).toHaveLength(3);
    expect(lines.filter((l) => /sent to the OTLP endpoint/.test(l))).toHaveLength(3);
    expect((await a.view(late))!.state).toBe('COMPLETED');
    expect((await a.verifyLog()).ok).toBe(true);
  });

  it('logs and records a collector’s 500, tries a bounded number of times across shippers, and leaves the workflow as it was', async () => {
    const [a, b] = await twoConnections();
    const collector = await collectorAnswering(500);
    const lines: string[] = [];
    const start = (store: SqliteControlStore) =>
      StoreTraceShipper.start({ store, workspace: WS, endpoint: collector.url, headers: {}, everyMs: 50, retryAfterMs: 100, maxTries: 2, log: (m) => lines.push(m) });
    const shippers = [await start(a), await start(b)];
    cleanup.push(async () => {
      for (const s of shippers) await s.stop();
    });
    const id = await escalated(a, 'broken');
    const recorded = async () => (await a.events(id)).filter((e) => e.type === TRACE_EXPORTED_EVENT).map((e) => e.data as Record<string, unknown>);
    await until('two failed tries', async () => (await recorded()).filter((d) => d.outcome === 'failed').length >= 2);
    await new Promise((r) => setTimeout(r, 600));
    expect(collector.posts).toHaveLength(2);
    const data = await recorded();
    expect(data.map((d) => [d.upTo, d.outcome ?? 'claim', d.try ?? null])).toEqual([
      [2, 'claim', 1],
      [2, 'failed', null],
      [2, 'claim', 2],
      [2, 'failed', null],
    ]);
    expect(String(data[1]!.detail)).toMatch(/OTLP export to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed/);
    expect(lines.filter((l) => l.startsWith(`trace of ${id} not sent (try 1 of 2, a later sweep tries again)`))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(`trace of ${id} not sent (try 2 of 2, given up until the workflow changes)`))).toHaveLength(1);
    const view = (await a.view(id))!;
    expect(view.state).toBe('ESCALATED');
    expect(await a.replay(id)).toEqual(view);
    expect((await a.verifyLog()).ok).toBe(true);
  });
});
