// Child processes for integration tests that run real programs (Prometheus, Alertmanager, node_exporter,
// `runbook-agent serve`) on loopback: a free port, a child whose output is kept so a failure shows what each
// process said, a bounded wait, config templates, stopping every child a test started, and how each program of
// the monitoring stack is started (its data and configuration in the test's temporary folder).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Debian's programs (scripts/setup-monitoring.sh installs them). */
export const PROGRAMS = {
  prometheus: '/usr/bin/prometheus',
  alertmanager: '/usr/bin/prometheus-alertmanager',
  nodeExporter: '/usr/bin/prometheus-node-exporter',
} as const;

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last 20,000 characters of its stdout and stderr, interleaved. */
  readonly log: { text: string };
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

const started: Started[] = [];

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A child whose output is kept, so a failure shows what each process said. stopStarted() ends it. */
export function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = { text: '' };
  const keep = (b: Buffer) => (log.text = (log.text + b.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', (error) => {
      keep(Buffer.from(`\n[${name} could not start: ${error.message}]\n`));
      resolve(null);
    });
  });
  const p = { name, child, log, exited };
  started.push(p);
  return p;
}

/** Each process's state and the end of its output, for an error message. */
export function logsOf(processes: readonly Started[], chars = 4000): string {
  return processes.map((p) => `--- ${p.name} (exit ${p.child.exitCode ?? p.child.signalCode ?? 'running'}):\n${p.log.text.slice(-chars)}`).join('\n');
}

/** SIGKILLs every child start() made that is still running, and waits until each has exited (at most 10 s). */
export async function stopStarted(): Promise<void> {
  const running = started.splice(0).filter((p) => p.child.exitCode === null && p.child.signalCode === null && p.child.pid !== undefined);
  for (const p of running) p.child.kill('SIGKILL');
  await Promise.race([Promise.all(running.map((p) => p.exited)), new Promise((r) => setTimeout(r, 10_000))]);
}

/** Polls `probe` until it returns a value, for at most `ms`; the error names what never happened. */
export async function waitFor<T>(what: string, ms: number, probe: () => T | null | undefined | Promise<T | null | undefined>, logs: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting ${Math.round(ms / 1000)}s for ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A time budget shared by several waits, so the first that hangs names itself before the test times out: each call says what is left (at least 1 s). */
export function budget(ms: number): () => number {
  const deadline = Date.now() + ms;
  return () => Math.max(1000, deadline - Date.now());
}

/** Writes `template` to `out` with each key replaced by its value; returns `out`. */
function fill(template: string, out: string, values: Record<string, string>): string {
  let text = fs.readFileSync(template, 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.replaceAll(k, v);
  fs.writeFileSync(out, text);
  return out;
}

/** `runbook-agent serve` from the built bundle (dist/), its settings under `root`, with the embedding model in `model`. */
export function startServe(root: string, model: string, args: string[]): Started {
  return start('serve', process.execPath, ['bin/runbook-agent.js', 'serve', ...args], { ...process.env, XDG_CONFIG_HOME: root, RUNBOOK_AGENT_MODEL: model });
}

/** Alertmanager on `port`, sending every alert at once to `webhookUrl` with the bearer token in `tokenFile` (test/fixtures/monitoring/alertmanager.yml). */
export function startAlertmanager(root: string, port: number, webhookUrl: string, tokenFile: string): Started {
  const config = fill(path.resolve('test/fixtures/monitoring/alertmanager.yml'), path.join(root, 'alertmanager.yml'), { __WEBHOOK_URL__: webhookUrl, __TOKEN_FILE__: tokenFile });
  return start('alertmanager', PROGRAMS.alertmanager, [`--config.file=${config}`, `--storage.path=${path.join(root, 'am-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=']);
}

/** Prometheus on `port` with `fixtures`/prometheus.yml (its keys replaced by `values`) and the rules.yml beside it; firing alerts are re-sent every second. */
export function startPrometheus(root: string, port: number, fixtures: string, values: Record<string, string>): Started {
  fs.copyFileSync(path.join(fixtures, 'rules.yml'), path.join(root, 'rules.yml'));
  const config = fill(path.join(fixtures, 'prometheus.yml'), path.join(root, 'prometheus.yml'), values);
  return start('prometheus', PROGRAMS.prometheus, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(root, 'prom-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--rules.alert.resend-delay=1s']);
}
