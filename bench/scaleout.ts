// `npm run bench -- scaleout [--quick] [--rate N] [--seconds N] [--replicas N] [--setups postgres,sqlite]`:
// `serve` replicas under a fixed alert rate while a random replica is SIGKILLed (and restarted at once) every 10 s.
//   postgres: N replicas (default 3) of `serve --store postgres://…` on one throwaway PostgreSQL 15
//             (test/support/postgres.ts), alerts spread over the live replicas;
//   sqlite:   one `serve` on its SQLite file, as a single machine runs it today (killed and restarted the same way).
// Real processes from the dist build (`node scripts/build.mjs` first), each alert's runbook step a real shell read
// (curl of this benchmark's marker server, which counts the requests). A POST that fails (its replica was killed)
// is retried on the next live replica; an alert counts as accepted at its first 200. After the sending window:
// every accepted alert must be one workflow that settles (missing = accepted but no workflow; unsettled = its workflow
// had not settled when the settle limit passed, with the states it was in;
// duplicated = an alert with two workflows, or a step run more often than the log started it), each hash chain
// must verify. Reports accepted/s, intake latency p50/p95/p99 (per successful POST), settle time (workflow
// created -> settled, from the log) and the counts; writes bench/results/scaleout.json.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openControlStore } from '../engine/control/store/open';
import type { ControlStore } from '../engine/control/store/types';
import { startPostgres } from '../test/support/postgres';
import { percentile } from './lib/workflowBench';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const quick = process.argv.includes('--quick');
const RATE = arg('rate', quick ? 10 : 20);
const SECONDS = arg('seconds', quick ? 20 : 60);
const REPLICAS = arg('replicas', 3);
const KILL_EVERY_MS = 10_000;
const CONCURRENCY = 4;
const SETTLE_LIMIT_MS = 900_000;
const setupsAt = process.argv.indexOf('--setups');
const SETUPS = (setupsAt > 0 ? process.argv[setupsAt + 1]! : 'postgres,sqlite').split(',');
const TOKEN = 'scaleout-bench-token-0123456789abcdef';
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

interface Replica {
  name: string;
  child: ChildProcess;
  port: number | null;
  log: string;
}

function markerServer() {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const id = /^\/mark\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    if (id) hits.set(id, (hits.get(id) ?? 0) + 1);
    res.writeHead(id ? 200 : 404, { 'content-type': 'text/plain' }).end(id ? `marked ${id}\n` : '');
  });
  server.keepAliveTimeout = 1000;
  return {
    hits,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port))),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function runbook(markerPort: number): string {
  return [
    '---',
    'title: Scale-out check',
    'alert: ScaleOutCheck',
    '---',
    '',
    '# Scale-out check',
    '',
    '## Diagnosis',
    '',
    '```sh',
    `curl -fsS http://127.0.0.1:${markerPort}/mark/$ALERT_ID`,
    '```',
    '',
    '## Verification',
    '',
    '```sh',
    'test -d runbooks',
    '```',
    '',
  ].join('\n');
}

const alertOf = (id: string) =>
  JSON.stringify({ alertname: 'ScaleOutCheck', labels: { alertname: 'ScaleOutCheck', alert_id: id, severity: 'warning' }, annotations: { summary: `scale-out ${id}` }, startsAt: '2026-12-01T10:00:00Z' });

async function runSetup(kind: 'postgres' | 'sqlite', replicas: number, storeUrl: string | null) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `rba-scaleout-${kind}-`));
  const ws = path.join(root, 'ws');
  fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
  const marker = markerServer();
  const markerPort = await marker.listen();
  fs.writeFileSync(path.join(ws, 'runbooks', 'scale-out-check.md'), runbook(markerPort));
  const tokenFile = path.join(root, 'intake.token');
  fs.writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const sqliteFile = path.join(root, 'engine.sqlite');
  const live: Replica[] = [];

  const launch = (name: string): Replica => {
    const home = path.join(root, name.replace(/#\d+$/, ''));
    fs.mkdirSync(home, { recursive: true });
    const args = ['bin/runbook-agent.js', 'serve', '--workspace', ws, '--token-file', tokenFile, '--port', '0', '--concurrency', String(CONCURRENCY), '--max-queued', '1000000', '--allow-host', `127.0.0.1:${markerPort}`];
    args.push(...(storeUrl ? ['--store', storeUrl, '--db', path.join(home, 'index.sqlite')] : ['--db', sqliteFile]));
    const child = spawn(process.execPath, args, { env: { ...process.env, XDG_CONFIG_HOME: home, RUNBOOK_AGENT_MODEL: path.join(root, 'no-model') }, stdio: ['ignore', 'pipe', 'pipe'] });
    const r: Replica = { name, child, port: null, log: '' };
    const keep = (b: Buffer) => {
      r.log = (r.log + b.toString()).slice(-8000);
      const m = r.port === null ? /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(r.log) : null;
      if (m) r.port = Number(m[1]);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    return r;
  };
  const waitListening = async (r: Replica) => {
    for (const deadline = Date.now() + 180_000; r.port === null; await new Promise((res) => setTimeout(res, 100))) {
      if (r.child.exitCode !== null || r.child.signalCode !== null || Date.now() > deadline) throw new Error(`${r.name} did not start (exit ${r.child.exitCode ?? r.child.signalCode ?? 'timeout'}):\n${r.log}`);
    }
  };
  for (let i = 0; i < replicas; i++) live.push(launch(`replica-${i}#0`));
  await Promise.all(live.map(waitListening));

  const accepted = new Map<string, Set<string>>();
  const latencies: number[] = [];
  let retries = 0;
  let failedPosts = 0;
  let sent = 0;
  let next = 0;
  const post = async (id: string): Promise<void> => {
    const body = alertOf(id);
    for (let attempt = 0; attempt < 400; attempt++) {
      const up = live.filter((r) => r.port !== null && r.child.exitCode === null && r.child.signalCode === null);
      const r = up.length > 0 ? up[(next++) % up.length]! : null;
      if (r) {
        const t0 = performance.now();
        try {
          const res = await fetch(`http://127.0.0.1:${r.port}/alerts`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(30_000) });
          const answer = (await res.json()) as { workflows?: string[] };
          if (res.status === 200) {
            latencies.push(performance.now() - t0);
            const ids = accepted.get(id) ?? new Set<string>();
            for (const w of answer.workflows ?? []) ids.add(w);
            accepted.set(id, ids);
            return;
          }
        } catch {
          // killed under the request, or not up yet
        }
        failedPosts++;
      }
      retries++;
      await new Promise((res) => setTimeout(res, 100));
    }
  };

  // The sending window: RATE alerts a second, on a fixed schedule (late ticks catch up), with kills every 10 s.
  const posts: Promise<void>[] = [];
  const kills: Array<{ at: number; replica: string }> = [];
  const started = performance.now();
  let generation = 1;
  const killer = setInterval(() => {
    // A random replica that is up (listening); one still starting is left to start (none up: no kill this time).
    const up = live.map((r, i) => (r.port !== null && r.child.exitCode === null && r.child.signalCode === null ? i : -1)).filter((i) => i >= 0);
    if (up.length === 0) {
      kills.push({ at: round((performance.now() - started) / 1000), replica: '(none up: skipped)' });
      return;
    }
    const victimAt = up[Math.floor(Math.random() * up.length)]!;
    const victim = live[victimAt]!;
    kills.push({ at: round((performance.now() - started) / 1000), replica: victim.name });
    // Restarted at once; a start that fails (e.g. the dist build was being rewritten) is tried again.
    const restart = (tries: number) => {
      const again = launch(victim.name.replace(/#\d+$/, `#${generation++}`));
      live[victimAt] = again;
      void waitListening(again).catch((e: Error) => {
        console.error(e.message);
        if (tries > 1) restart(tries - 1);
      });
    };
    victim.child.kill('SIGKILL');
    victim.child.once('exit', () => restart(3));
  }, KILL_EVERY_MS);
  const total = RATE * SECONDS;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
    while (sent < due) posts.push(post(`${kind}-${sent++}`));
    await new Promise((res) => setTimeout(res, 5));
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(posts);
  const acceptSeconds = (performance.now() - started) / 1000;
  clearInterval(killer);

  // Everything accepted settles (or the limit passes); then the counts, from the store itself.
  const store: ControlStore = await openControlStore(storeUrl ?? `sqlite:${sqliteFile}`);
  let views = await store.list({ limit: 1_000_000 });
  const settled = (vs: typeof views) => vs.filter((v) => ['COMPLETED', 'ESCALATED', 'CANCELLED', 'RESOLVED'].includes(v.state)).length;
  for (const deadline = Date.now() + SETTLE_LIMIT_MS; settled(views) < accepted.size && Date.now() < deadline; ) {
    await new Promise((res) => setTimeout(res, 1000));
    views = await store.list({ limit: 1_000_000 });
  }
  const drainedSeconds = (performance.now() - started) / 1000;
  const byId = new Map(views.map((v) => [v.id, v]));
  let missing = 0;
  const unsettled: Record<string, number> = {};
  let duplicatedWorkflows = 0;
  let unloggedRuns = 0;
  let reruns = 0;
  const settleMs: number[] = [];
  const states: Record<string, number> = {};
  for (const [alert, ids] of accepted) {
    if (ids.size > 1) duplicatedWorkflows++;
    const v = byId.get([...ids][0]!);
    if (!v) {
      missing++;
      continue;
    }
    if (!['COMPLETED', 'ESCALATED'].includes(v.state)) {
      unsettled[v.state] = (unsettled[v.state] ?? 0) + 1;
      continue;
    }
    states[v.state] = (states[v.state] ?? 0) + 1;
    settleMs.push(Date.parse(v.updatedAt) - Date.parse(v.createdAt));
    const calls = (await store.toolCalls(v.id)).filter((c) => JSON.stringify(c.input).includes('/mark/'));
    const starts = calls.reduce((n, c) => n + c.attempts, 0);
    const runs = marker.hits.get(alert) ?? 0;
    if (runs > starts) unloggedRuns += runs - starts;
    if (starts > 1) reruns += starts - 1;
  }
  const chain = await store.verifyLog();
  const sorted = latencies.sort((a, b) => a - b);
  const settleSorted = settleMs.sort((a, b) => a - b);
  const result = {
    setup: kind === 'postgres' ? `${replicas} × serve --store postgres (PostgreSQL ${pgVersion})` : '1 × serve on SQLite',
    replicas,
    workersPerReplica: CONCURRENCY,
    ratePerSecond: RATE,
    seconds: SECONDS,
    sent: total,
    accepted: accepted.size,
    acceptedPerSecond: round(accepted.size / acceptSeconds, 2),
    sendWindowSeconds: round(sendSeconds),
    failedPostsRetried: failedPosts,
    intakeLatencyMs: { p50: round(percentile(sorted, 50), 2), p95: round(percentile(sorted, 95), 2), p99: round(percentile(sorted, 99), 2), max: round(sorted.at(-1) ?? NaN, 2) },
    settleMs: { p50: round(percentile(settleSorted, 50)), p95: round(percentile(settleSorted, 95)), p99: round(percentile(settleSorted, 99)), max: round(settleSorted.at(-1) ?? NaN) },
    allSettledAfterSeconds: round(drainedSeconds),
    settledPerSecond: round(settleMs.length / drainedSeconds, 2),
    states,
    missing,
    unsettledAtLimit: unsettled,
    duplicatedWorkflows,
    stepsRunUnlogged: unloggedRuns,
    stepsRerunAfterKill: reruns,
    kills,
    logVerifies: chain.ok,
    chains: chain.chains,
    events: chain.events,
    retriesWaitingForAReplica: retries,
  };
  for (const r of live) r.child.kill('SIGTERM');
  await Promise.all(live.map((r) => (r.child.exitCode === null && r.child.signalCode === null ? new Promise((res) => r.child.once('exit', res)) : null)));
  await store.close();
  await marker.close();
  fs.rmSync(root, { recursive: true, force: true });
  return result;
}

let pgVersion = '';

async function main(): Promise<void> {
  if (!fs.existsSync('dist/cli.js')) throw new Error('build first: node scripts/build.mjs');
  const loadavgBefore = os.loadavg().map((n) => round(n, 2));
  const results: Record<string, unknown> = {};
  const t0 = performance.now();
  if (SETUPS.includes('postgres')) {
    const pg = await startPostgres();
    if (!pg) {
      results.postgres = { skipped: 'no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install: bash scripts/setup-postgres.sh)' };
    } else {
      pgVersion = pg.version;
      try {
        results.postgres = await runSetup('postgres', REPLICAS, pg.url);
      } finally {
        await pg.stop();
      }
    }
    console.log(JSON.stringify(results.postgres, null, 2));
  }
  if (SETUPS.includes('sqlite')) {
    results.sqlite = await runSetup('sqlite', 1, null);
    console.log(JSON.stringify(results.sqlite, null, 2));
  }
  const out = {
    benchmark: 'scaleout',
    quick,
    measuredAt: new Date().toISOString(),
    node: process.versions.node,
    cpus: os.cpus().length,
    loadavgBefore,
    seconds: round((performance.now() - t0) / 1000),
    method:
      'fixed alert rate for the window; a random replica SIGKILLed and restarted every 10 s; a failed POST retried on the next live replica; accepted = first 200; settle = workflow created -> settled, from the log; every replica and the client on this one machine',
    ...results,
  };
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync('bench/results/scaleout.json', `${JSON.stringify(out, null, 2)}\n`);
  const bad = Object.values(results).some((r) => {
    const x = r as { missing?: number; unsettledAtLimit?: Record<string, number>; duplicatedWorkflows?: number; stepsRunUnlogged?: number; logVerifies?: boolean };
    return (x.missing ?? 0) > 0 || Object.keys(x.unsettledAtLimit ?? {}).length > 0 || (x.duplicatedWorkflows ?? 0) > 0 || (x.stepsRunUnlogged ?? 0) > 0 || x.logVerifies === false;
  });
  process.exitCode = bad ? 1 : 0;
}

void main();
