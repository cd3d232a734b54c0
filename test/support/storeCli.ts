// What the `serve --store` tests share (serve.postgres.*.test.ts): why they skip, the built CLI in its own process,
// one test's settings (token, environment, the processes it started), and a `serve --store` replica from the dist
// build, started on a free port against the shared store.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresServer } from './postgres';
import { logsOf, start, stopStarted, waitFor, type Started } from './processes';

/** The skip reason when postgresBin() found no server binaries. */
export const POSTGRES_MISSING = process.env.RBA_POSTGRES_BIN
  ? `no initdb and postgres in RBA_POSTGRES_BIN=${process.env.RBA_POSTGRES_BIN}`
  : 'no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install: bash scripts/setup-postgres.sh)';

/**
 * One throwaway PostgreSQL for the `describe` it is called in: started before its tests, stopped after them with
 * every process they started. Call it only where postgresBin() found the binaries (inside describe.skipIf).
 */
export function usePostgres(): () => PostgresServer {
  let pg: PostgresServer | undefined;
  beforeAll(async () => {
    pg = (await startPostgres())!;
  }, 180_000);
  afterAll(async () => {
    await stopStarted();
    await pg?.stop();
  });
  return () => pg!;
}

export interface Cli {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real CLI in its own process (asynchronous, so two can run at once). */
export function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Cli> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/runbook-agent.js', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ReplicaSetup {
  /** Each replica's settings and local database go to root/NAME. */
  readonly root: string;
  readonly ws: string;
  readonly tokenFile: string;
  /** The control store's postgres:// URL. */
  readonly url: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every process the test started (the replica is added), for failure messages. */
  readonly started: Started[];
}

export interface Replica {
  readonly name: string;
  readonly p: Started;
  readonly port: number;
}

/** `serve --store` (concurrency 2, and `extra` options) on a free port; resolves once it listens. */
export async function startReplica(s: ReplicaSetup, name: string, extra: readonly string[] = []): Promise<Replica> {
  const home = path.join(s.root, name);
  fs.mkdirSync(home, { recursive: true });
  const args = ['bin/runbook-agent.js', 'serve', '--workspace', s.ws, '--db', path.join(home, 'engine.sqlite'), '--token-file', s.tokenFile, '--port', '0', '--concurrency', '2', '--store', s.url, ...extra];
  const p = start(name, process.execPath, args, { ...s.env, XDG_CONFIG_HOME: home });
  s.started.push(p);
  const port = await waitFor(`${name} to listen`, 120_000, () => {
    if (p.child.exitCode !== null) throw new Error(`${name} exited:\n${p.log.text}`);
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(p.log.text);
    return m ? Number(m[1]) : null;
  }, () => logsOf(s.started, 3000));
  return { name, p, port };
}

/** POSTs one plain alert to a replica's intake; returns the workflow it started. */
export async function postAlert(port: number, token: string, alert: unknown): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/alerts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(alert) });
  const body = (await res.json()) as { workflows?: string[] };
  if (res.status !== 200 || !body.workflows?.[0]) throw new Error(`POST /alerts answered ${res.status}: ${JSON.stringify(body)}`);
  return body.workflows[0];
}

export interface StoreTest extends ReplicaSetup {
  readonly token: string;
  /** The newest lines of every process started, for failure messages. */
  readonly logs: () => string;
  /** The CLI with this test's environment; throws with the logs unless it exits with `expected`. */
  readonly run: (args: string[], expected?: number) => Promise<Cli>;
}

/**
 * One test's settings around a workspace `ws` under `root`: the intake token (written to root/intake.token), an
 * environment without a model (RUNBOOK_AGENT_MODEL points nowhere) plus `env`, and the list of started processes.
 */
export function storeTest(o: { root: string; ws: string; url: string; token: string; env?: NodeJS.ProcessEnv }): StoreTest {
  const tokenFile = path.join(o.root, 'intake.token');
  fs.writeFileSync(tokenFile, `${o.token}\n`, { mode: 0o600 });
  const env = { ...process.env, XDG_CONFIG_HOME: o.root, RUNBOOK_AGENT_MODEL: path.join(o.root, 'no-model'), ...o.env };
  const started: Started[] = [];
  const logs = () => logsOf(started, 3000);
  const run = async (args: string[], expected = 0) => {
    const r = await cli(args, env);
    if (r.code !== expected) throw new Error(`runbook-agent ${args.join(' ')} exited ${r.code}, not ${expected}:\n${r.stdout}\n${r.stderr}\n${logs()}`);
    return r;
  };
  return { root: o.root, ws: o.ws, tokenFile, url: o.url, env, started, token: o.token, logs, run };
}
