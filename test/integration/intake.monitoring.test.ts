import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../engine/db/open';
import { tempDir } from '../helpers/tmp';

const PROMETHEUS = '/usr/bin/prometheus';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const missing = [PROMETHEUS, ALERTMANAGER].filter((f) => !fs.existsSync(f));
const FIXTURES = path.resolve('test/fixtures/monitoring');
const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A child whose output is kept, so a failure shows what each process said. */
function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const log = { text: '' };
  const keep = (b: Buffer) => (log.text = (log.text + b.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, child, log, exited };
}

/** Polls `probe` until it returns a value, for at most `ms`; the error names what never happened. */
async function waitFor<T>(what: string, ms: number, probe: () => T | null | undefined, logs: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting ${ms / 1000}s for ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function fill(template: string, out: string, values: Record<string, string>): string {
  let text = fs.readFileSync(path.join(FIXTURES, template), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.replaceAll(k, v);
  fs.writeFileSync(out, text);
  return out;
}

describe.skipIf(missing.length > 0)(`Prometheus -> Alertmanager -> runbook-agent serve${missing.length ? ` (skipped: ${missing.join(', ')} not installed; run scripts/setup-monitoring.sh)` : ''}`, () => {
  it('a firing rule becomes a workflow with its labels; SIGTERM exits 0 and leaves no lease held', { timeout: 150_000 }, async () => {
    const root = tempDir('rba-monitoring-');
    const workspace = path.join(root, 'ws');
    fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
    const dbFile = path.join(root, 'engine.sqlite');
    const tokenFile = path.join(root, 'secrets', 'intake.token');

    const serve = start('serve', process.execPath, ['bin/runbook-agent.js', 'serve', '--workspace', workspace, '--db', dbFile, '--port', '0', '--token-file', tokenFile, '--concurrency', '2'], {
      ...process.env,
      XDG_CONFIG_HOME: root,
      RUNBOOK_AGENT_MODEL: fs.existsSync(modelDir) ? modelDir : path.join(root, 'no-model'),
    });
    const all = [serve];
    const logs = () => all.map((p) => `--- ${p.name} (exit ${p.child.exitCode ?? 'running'}):\n${p.log.text.slice(-4000)}`).join('\n');
    const servePort = await waitFor('serve to listen', 60_000, () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(serve.log.text)?.[1], logs);
    expect(serve.log.text).toContain(tokenFile);
    expect(serve.log.text).not.toContain(fs.readFileSync(tokenFile, 'utf8').trim());

    const amPort = await freePort();
    const amConfig = fill('alertmanager.yml', path.join(root, 'alertmanager.yml'), { __WEBHOOK_URL__: `http://127.0.0.1:${servePort}/webhook`, __TOKEN_FILE__: tokenFile });
    all.push(
      start('alertmanager', ALERTMANAGER, [
        `--config.file=${amConfig}`,
        `--storage.path=${path.join(root, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ]),
    );
    const promPort = await freePort();
    fs.copyFileSync(path.join(FIXTURES, 'rules.yml'), path.join(root, 'rules.yml'));
    const promConfig = fill('prometheus.yml', path.join(root, 'prometheus.yml'), { __ALERTMANAGER__: `127.0.0.1:${amPort}` });
    all.push(start('prometheus', PROMETHEUS, [`--config.file=${promConfig}`, `--storage.tsdb.path=${path.join(root, 'prom-data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--rules.alert.resend-delay=1s']));

    const db = openDatabase(dbFile, { readonly: true });
    try {
      const row = await waitFor('the alert to reach the database', 90_000, () =>
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
      const state = await waitFor('the workflow to wait for a person', 60_000, () => {
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
