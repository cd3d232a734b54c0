import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../engine/control/db/open';
import { tempDir } from '../helpers/tmp';
import { PROGRAMS, budget, freePort, logsOf, startAlertmanager, startPrometheus, startServe, stopStarted, waitFor } from '../support/processes';

const missing = [PROGRAMS.prometheus, PROGRAMS.alertmanager].filter((f) => !fs.existsSync(f));
const FIXTURES = path.resolve('test/fixtures/monitoring');
const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');

afterEach(stopStarted);

describe.skipIf(missing.length > 0)(`Prometheus -> Alertmanager -> runbook-agent serve${missing.length ? ` (skipped: ${missing.join(', ')} not installed; run scripts/setup-monitoring.sh)` : ''}`, () => {
  it('a firing rule becomes a workflow with its labels; SIGTERM exits 0 and leaves no lease held', { timeout: 150_000 }, async () => {
    const root = tempDir('rba-monitoring-');
    const workspace = path.join(root, 'ws');
    fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
    const dbFile = path.join(root, 'engine.sqlite');
    const tokenFile = path.join(root, 'secrets', 'intake.token');

    const left = budget(130_000); // every wait below, together: about 15 s on 2 busy cores
    const model = fs.existsSync(modelDir) ? modelDir : path.join(root, 'no-model');
    const serve = startServe(root, model, ['--workspace', workspace, '--db', dbFile, '--port', '0', '--token-file', tokenFile, '--concurrency', '2']);
    const all = [serve];
    const logs = () => logsOf(all);
    const servePort = await waitFor('serve to listen', left(), () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(serve.log.text)?.[1], logs);
    expect(serve.log.text).toContain(tokenFile);
    expect(serve.log.text).not.toContain(fs.readFileSync(tokenFile, 'utf8').trim());

    const amPort = await freePort();
    all.push(startAlertmanager(root, amPort, `http://127.0.0.1:${servePort}/webhook`, tokenFile));
    all.push(startPrometheus(root, await freePort(), FIXTURES, { __ALERTMANAGER__: `127.0.0.1:${amPort}` }));

    const db = openDatabase(dbFile, { readonly: true });
    try {
      const row = await waitFor('the alert to reach the database', left(), () =>
        db.prepare("SELECT id, json_extract(view, '$.request') AS request FROM workflows WHERE json_extract(view, '$.request.labels.alertname') = 'DemoLogVolumeFillingUp'").get() as
          | { id: string; request: string }
          | undefined,
      logs);
      const request = JSON.parse(row.request);
      expect(request).toMatchObject({
        source: 'alertmanager',
        status: 'firing',
        title: 'Log volume of checkout is filling up',
        labels: { alertname: 'DemoLogVolumeFillingUp', severity: 'warning', service: 'checkout', threshold_mb: '10' },
        annotations: { runbook_url: 'runbooks/log-volume-filling-up.md' },
        idempotencyKey: expect.stringMatching(/^alert:[0-9a-f]+:/),
      });
      // serve's own workers take it from the queue: the runbook's diagnostics run, the write waits (read-only tier).
      const state = await waitFor('the workflow to wait for a person', left(), () => {
        const s = (db.prepare('SELECT state FROM workflows WHERE id = ?').get(row.id) as { state: string }).state;
        return ['WAITING_FOR_PERSON', 'COMPLETED', 'ESCALATED'].includes(s) ? s : null;
      }, logs);
      expect(state).toBe('WAITING_FOR_PERSON');
      // Prometheus re-sends the firing alert every second; it still has one workflow.
      expect((db.prepare("SELECT count(*) AS n FROM workflows").get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.log.text).toContain('serve: stopped');
    const after = openDatabase(dbFile, { readonly: true });
    try {
      expect(after.prepare('SELECT count(*) AS n FROM tasks WHERE lease_owner IS NOT NULL').get()).toEqual({ n: 0 });
    } finally {
      after.close();
    }
  });
});
