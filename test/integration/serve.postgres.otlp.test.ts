// `serve --store … --otlp URL` (issue #13): two real replicas (the dist build) on one throwaway PostgreSQL 15 send
// each settled workflow's trace to the stand-in collector the other OTLP tests use. Alerts go to both replicas;
// every workflow completes, and the collector gets its trace exactly once (the replica whose commit settled it
// sends it), with the spans the trace built from the store's record has. Skipped, saying why, without PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceIdOf } from '../../engine/control/otel/ids';
import { storeRecord } from '../../engine/control/otel/shipStore';
import { workflowSpans } from '../../engine/control/otel/trace';
import { openPostgresStore, type PostgresControlStore } from '../../engine/control/store/postgres/store';
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

describe.skipIf(bin === null)(bin === null ? '--otlp with --store (SKIPPED: no PostgreSQL server binaries; bash scripts/setup-postgres.sh)' : '--otlp with --store', () => {
  const pg = usePostgres();

  it('each settled workflow’s trace reaches the collector once, from store reads, whichever replica ran it', { timeout: 600_000 }, async () => {
    const root = tempDir('rba-pgotlp-');
    const ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'runbooks', 'queue-slow.md'), RUNBOOK);
    const collector = await otlpReceiver();
    const t = storeTest({ root, ws, url: pg().url, token: 'otlp-store-test-token-0123456789', env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=store-collector-key' } });
    const { token, logs, started: all } = t;
    const launch = (name: string) => startReplica(t, name, ['--otlp', collector.url]);
    const check: PostgresControlStore = await openPostgresStore({ connectionString: pg().url, max: 2 });
    try {
      const replicas = [await launch('replica-a'), await launch('replica-b')];
      const ids: string[] = [];
      for (let i = 0; i < ALERTS; i++) ids.push(await postAlert(replicas[i % 2]!.port, token, alertOf(i)));
      for (const id of ids) {
        const v = await waitFor(`${id} to settle`, 180_000, async () => {
          const view = await check.view(id);
          return view && (view.state === 'COMPLETED' || view.state === 'ESCALATED') ? view : null;
        }, logs);
        expect(v.state, v.reason ?? '').toBe('COMPLETED');
      }
      // SIGTERM: each replica waits for the sends it started before it exits.
      for (const r of replicas) {
        r.p.child.kill('SIGTERM');
        expect(await r.p.exited, r.p.log.text).toBe(0);
      }
      const traces = collector.received.filter((r) => r.path === '/v1/traces').map((r) => ({ headers: r.headers, trace: flatten(JSON.parse(r.body) as OtlpRequest) }));
      expect(traces.map((t) => t.trace.spans[0]!.traceId).sort(), logs()).toEqual(ids.map(traceIdOf).sort());
      for (const t of traces) expect(t.headers['x-api-key']).toBe('store-collector-key');
      for (const id of ids) {
        const sent = traces.find((t) => t.trace.spans[0]!.traceId === traceIdOf(id))!.trace;
        expect(new Set(sent.spans.map((s) => s.traceId))).toEqual(new Set([traceIdOf(id)]));
        // The same spans the store's record gives now (no event was added after the settle).
        const built = workflowSpans((await storeRecord(check, id))!);
        expect(sent.spans.map((s) => s.spanId).sort()).toEqual(built.map((s) => s.spanContext().spanId).sort());
        expect(sent.spans.map((s) => s.name)).toContain('invoke_agent runbook-agent');
      }
      const said = all.map((p) => p.log.text).join('\n');
      expect(said.match(/trace of \S+ sent to the OTLP endpoint/g)).toHaveLength(ALERTS);
      expect(said).not.toMatch(/not sent/);
    } finally {
      await check.close();
      await collector.close();
      await stopStarted();
    }
  });
});
