// `npm run bench -- intake [--quick]`: alerts at a fixed rate (50/s for 60 s; 10 s with --quick) into a real
// intake server, then a burst that the queue bound must refuse in part. The server and its workers run in a
// child process, as `runbook-agent serve` does; the workers run each alert's one step through a real /bin/sh
// child (the harness tools). Reports accepted, rejected (429), intake latency percentiles and a reconciliation:
// every accepted workflow exists and settles, and the counts match. Writes bench/results/intake.json.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { openDatabase } from '../engine/db/open';
import { IntakeServer } from '../engine/intake';
import { leasesHeld, releaseOwnerLeases } from '../engine/workflow/queue';
import { verifyChain } from '../engine/workflow/eventLog';
import { harnessTools } from '../engine/workflow/harness/tools';
import { Orchestrator } from '../engine/workflow/orchestrator';
import { FixedPlanner } from '../engine/workflow/planner';
import { percentile, round } from './lib/workflowBench';

const quick = process.argv.includes('--quick');
const RATE = 50;
const SECONDS = quick ? 10 : 60;
const BURST = quick ? 600 : 1500;
const BURST_IN_FLIGHT = 64;
const MAX_QUEUED = 100;
const WORKERS = 4;
const TOKEN = 'bench-token-0123456789abcdef';
const PLAN = { intake: [{ id: 'check', tool: 'check_status', input: { target: '{{instance}}' }, expect: 'ok' }] };

/** The child: what `serve` runs, with the harness tools in place of the workspace's shell. */
/** `baseline`: no workers and no queue bound, to separate the intake's own cost from sharing a process with workers. */
async function serverProcess(dir: string, baseline: boolean): Promise<void> {
  const db = openDatabase(path.join(dir, 'engine.sqlite'));
  const workspace = path.join(dir, 'ws');
  fs.mkdirSync(workspace, { recursive: true });
  const orchestrator = new Orchestrator({ db, tools: harnessTools(dir), planner: new FixedPlanner(PLAN), queue: workspace, concurrency: WORKERS, pollMs: 50 });
  if (!baseline) orchestrator.start();
  const server = new IntakeServer({ db, workspace, token: TOKEN, port: 0, maxQueued: baseline ? 1e9 : MAX_QUEUED, retryAfterSeconds: 1 });
  const { port } = await server.listen();
  // The intake shares its event loop with the workers: their delay is what a request waits behind.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  process.send!({ port });
  process.once('message', async () => {
    loop.disable();
    const eventLoopDelayMs = { p50: round(loop.percentile(50) / 1e6, 2), p99: round(loop.percentile(99) / 1e6, 2), max: round(loop.max / 1e6, 2) };
    await server.close();
    await orchestrator.stop();
    releaseOwnerLeases(db, orchestrator.owner);
    const held = leasesHeld(db);
    db.close();
    process.send!({ stopped: true, held, eventLoopDelayMs }, () => process.exit(0));
  });
}

interface Sent {
  fingerprint: string;
  status: number;
  ms: number;
  id: string | null;
  phase: 'steady' | 'burst';
}

const agent = new http.Agent({ keepAlive: true, maxSockets: BURST_IN_FLIGHT });

function send(port: number, n: number, phase: Sent['phase']): Promise<Sent> {
  const fingerprint = `${phase}-${n.toString(16).padStart(6, '0')}`;
  const body = JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'runbook-agent',
    alerts: [{ status: 'firing', labels: { alertname: 'BenchAlert', runbook: 'intake', instance: fingerprint }, annotations: { summary: `bench ${fingerprint}` }, startsAt: '2026-11-24T00:00:00Z', fingerprint }],
  });
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/webhook', agent, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const id = res.statusCode === 200 ? ((JSON.parse(text) as { workflows: string[] }).workflows[0] ?? null) : null;
        resolve({ fingerprint, status: res.statusCode ?? 0, ms: performance.now() - t0, id, phase });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Open loop: each request leaves at its slot whether or not earlier ones were answered (no coordinated omission). */
async function steady(port: number, seconds = SECONDS): Promise<Sent[]> {
  const t0 = performance.now();
  const pending: Array<Promise<Sent>> = [];
  for (let i = 0; i < RATE * seconds; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(port, i, 'steady'));
  }
  return Promise.all(pending);
}

async function burst(port: number): Promise<Sent[]> {
  const out: Sent[] = [];
  let next = 0;
  const lane = async () => {
    while (next < BURST) out.push(await send(port, next++, 'burst'));
  };
  await Promise.all(Array.from({ length: BURST_IN_FLIGHT }, lane));
  return out;
}

function summary(rows: Sent[]) {
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  const by = (s: number) => rows.filter((r) => r.status === s).length;
  return { sent: rows.length, accepted: by(200), rejected429: by(429), other: rows.length - by(200) - by(429), latencyMs: { p50: round(percentile(ms, 50), 2), p95: round(percentile(ms, 95), 2), p99: round(percentile(ms, 99), 2), max: round(ms[ms.length - 1] ?? NaN, 2) } };
}

function serverChild(dir: string, baseline: boolean) {
  const child = fork(__filename, ['--server', dir, baseline ? 'baseline' : 'full'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const message = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));
  return { child, message };
}

/** The same steady load against a server without workers (its own database). */
interface Stopped {
  held: number;
  eventLoopDelayMs: Record<string, number>;
}

async function baselineRun(dir: string): Promise<{ rows: Sent[]; stopped: Stopped }> {
  fs.mkdirSync(dir);
  const { child, message } = serverChild(dir, true);
  try {
    const { port } = await message<{ port: number }>();
    const rows = await steady(port, Math.min(SECONDS, 10));
    child.send('stop');
    return { rows, stopped: await message<Stopped>() };
  } finally {
    if (child.exitCode === null && !child.killed) child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-bench-intake-'));
  const loadBefore = os.loadavg();
  const baseline = await baselineRun(path.join(dir, 'baseline'));
  const baselineRows = baseline.rows;
  console.log('baseline', JSON.stringify(summary(baselineRows)));
  const { child, message } = serverChild(dir, false);
  try {
    const { port } = await message<{ port: number }>();
    const steadyRows = await steady(port);
    console.log('steady', JSON.stringify(summary(steadyRows)));
    const burstRows = await burst(port);
    console.log('burst', JSON.stringify(summary(burstRows)));
    const rows = [...steadyRows, ...burstRows];

    // Reconciliation, read from the database the server writes.
    const db = openDatabase(path.join(dir, 'engine.sqlite'), { readonly: true });
    const unsettled = () => (db.prepare("SELECT count(*) AS n FROM workflows WHERE state NOT IN ('COMPLETED', 'ESCALATED')").get() as { n: number }).n;
    const tDrain = performance.now();
    for (let waited = 0; unsettled() > 0 && waited < 300_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
    const drainSeconds = (performance.now() - tDrain) / 1000;
    const accepted = rows.filter((r) => r.status === 200);
    const ids = new Set(accepted.map((r) => r.id));
    const state = db.prepare('SELECT state FROM workflows WHERE id = ?');
    const states: Record<string, number> = {};
    let missing = 0;
    for (const id of ids) {
      const s = (state.get(id) as { state: string } | undefined)?.state;
      if (!s) missing++;
      else states[s] = (states[s] ?? 0) + 1;
    }
    const key = db.prepare('SELECT count(*) AS n FROM workflows WHERE intake_key LIKE ?');
    const rejectedStored = rows.filter((r) => r.status === 429 && (key.get(`alert:${r.fingerprint}:%`) as { n: number }).n > 0).length;
    const stored = (db.prepare('SELECT count(*) AS n FROM workflows').get() as { n: number }).n;
    const chain = verifyChain(db);
    db.close();

    child.send('stop');
    const stop = await message<Stopped>();
    const reconciliation = {
      acceptedResponses: accepted.length,
      distinctAcceptedIds: ids.size,
      storedWorkflows: stored,
      acceptedMissingFromDatabase: missing,
      acceptedByFinalState: states,
      unsettledAfterDrain: ids.size - (states.COMPLETED ?? 0) - (states.ESCALATED ?? 0) - missing,
      rejectedButStored: rejectedStored,
      countsMatch: stored === ids.size && ids.size === accepted.length && missing === 0 && rejectedStored === 0,
      drainSecondsAfterLastRequest: round(drainSeconds, 2),
      hashChainIntact: chain.ok,
      leasesHeldAfterShutdown: stop.held,
    };
    const out = {
      benchmark: 'intake',
      quick,
      measuredAt: new Date().toISOString(),
      node: process.versions.node,
      cpus: os.cpus().length,
      loadavgBefore: loadBefore.map((x) => round(x, 2)),
      loadavgAfter: os.loadavg().map((x) => round(x, 2)),
      setup: `server + ${WORKERS} workers in a child process; queue bound ${MAX_QUEUED}; one step per alert through /bin/sh (harness check_status); client: keep-alive, up to ${BURST_IN_FLIGHT} sockets; event-loop delay sampled every 5 ms, so 5 ms means none`,
      baselineWithoutWorkers: { ratePerSecond: RATE, seconds: Math.min(SECONDS, 10), ...summary(baselineRows), serverEventLoopDelayMs: baseline.stopped.eventLoopDelayMs },
      steady: { ratePerSecond: RATE, seconds: SECONDS, ...summary(steadyRows) },
      burst: { alerts: BURST, inFlight: BURST_IN_FLIGHT, ...summary(burstRows) },
      total: summary(rows),
      serverEventLoopDelayMs: stop.eventLoopDelayMs,
      reconciliation,
    };
    console.log(JSON.stringify(reconciliation));
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/intake.json', `${JSON.stringify(out, null, 2)}\n`);
    console.log('wrote bench/results/intake.json');
    if (!reconciliation.countsMatch || reconciliation.unsettledAfterDrain !== 0) process.exitCode = 1;
  } finally {
    agent.destroy();
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--server') void serverProcess(process.argv[3]!, process.argv[4] === 'baseline');
else void main();
