// `npm run bench -- intake [--quick] [--phases steady,capacity,...]`: alerts at fixed rates into a real intake, with
// the server and its workers in a child process as `runbook-agent serve` runs them: the intake on its own thread
// with its own SQLite connection (engine/control/intake/thread.ts), 4 workflow workers on the main thread, each alert's one
// step a real /bin/sh child (the harness tools). Phases:
// - baseline: the intake alone (its thread, no workers), 50/s for 10 s;
// - steady: with the workers, 50/s for 60 s (10 s with --quick);
// - inprocess: the layout before issue #14 (the intake on the workers' event loop), 50/s, same duration, for comparison;
// - burst: 1,500 alerts, 64 in flight, against a queue bound of 100 (429s expected);
// - capacity: the highest steady rate that serve sustains: rates step up (then bisect) on a fresh database each,
//   each held for 20 s (8 s with --quick); a rate is sustained when every alert is accepted, intake p99 < 100 ms,
//   and the workers complete alerts as fast as they arrive (completions in the second half of the window ≥ 95% of
//   the rate). For each rate: in-flight workflows L (sampled every 250 ms), time in the system W, throughput λ,
//   and Little's law L = λW checked.
// Reconciliation after steady + burst: every accepted workflow exists and settles, and the counts match.
// Writes bench/results/intake.json.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { openDatabase } from '../engine/control/db/open';
import { IntakeServer, IntakeThread } from '../engine/control/intake';
import { leasesHeld, releaseOwnerLeases } from '../engine/control/store/sqlite/queue';
import { verifyChain } from '../engine/control/store/sqlite/eventLog';
import { harnessTools } from '../test/harness/crash/tools';
import { Orchestrator } from '../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../engine/control/store/sqlite/store';
import { FixedPlanner } from '../engine/control/workflow/planner';
import { percentile, round } from './lib/workflowBench';

const quick = process.argv.includes('--quick');
const phasesArg = process.argv.find((a) => a.startsWith('--phases='))?.slice('--phases='.length);
const PHASES = new Set((phasesArg ?? 'baseline,steady,inprocess,burst,capacity').split(','));
const RATE = 50;
const SECONDS = quick ? 10 : 60;
const BURST = quick ? 600 : 1500;
const BURST_IN_FLIGHT = 64;
const MAX_QUEUED = 100;
const WORKERS = 4;
const CAPACITY_WINDOW_S = quick ? 8 : 20;
const CAPACITY_P99_MS = 100;
const TOKEN = 'bench-token-0123456789abcdef';
const PLAN = { intake: [{ id: 'check', tool: 'check_status', input: { target: '{{instance}}' }, expect: 'ok' }] };

type Mode = 'alone' | 'workers' | 'in-process';

/** The child: what `serve` runs, with the harness tools in place of the workspace's shell. */
async function serverProcess(dir: string, mode: Mode, maxQueued: number): Promise<void> {
  const dbFile = path.join(dir, 'engine.sqlite');
  const db = openDatabase(dbFile);
  // A worker that fails an action sleeps a poll interval: errors here would explain a stall.
  const workerErrors: string[] = [];
  const workspace = path.join(dir, 'ws');
  fs.mkdirSync(workspace, { recursive: true });
  const orchestrator = new Orchestrator({ store: new SqliteControlStore(db), tools: harnessTools(dir), planner: new FixedPlanner(PLAN), queue: workspace, concurrency: WORKERS, pollMs: 250, onError: (e) => workerErrors.push(String(e)) });
  if (mode !== 'alone') await orchestrator.start();
  const options = { workspace, token: TOKEN, port: 0, maxQueued, retryAfterSeconds: 1, onAccepted: () => orchestrator.wake() };
  const server = mode === 'in-process' ? new IntakeServer({ ...options, db }) : new IntakeThread({ ...options, dbFile });
  const { port } = await server.listen();
  // The workers' event loop: in the in-process layout, what a request waits behind.
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
    process.send!({ stopped: true, held, eventLoopDelayMs, workerErrors: { count: workerErrors.length, first: workerErrors.slice(0, 3) } }, () => process.exit(0));
  });
}

interface Sent {
  fingerprint: string;
  status: number;
  ms: number;
  id: string | null;
  phase: string;
  /** performance.now() when the request first left (summary() counts seconds from the phase's first one). */
  sentAt: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: BURST_IN_FLIGHT });

/** Requests re-sent after a kept-alive socket was reset under them (the server closed it idle as it was reused). */
let resent = 0;

/**
 * One alert. A reset on a reused keep-alive socket before any answer (the server closed it as idle just as the
 * client reused it, a race that grows with the machine's load) is sent again on a fresh socket: safe, because the
 * intake deduplicates by fingerprint. The latency counts from the first attempt.
 */
function send(port: number, n: number, phase: string, t0 = performance.now(), attempt = 0): Promise<Sent> {
  return sendOnce(port, n, phase, t0).catch((error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
    if (error.code === 'ECONNRESET' && attempt < 3) {
      resent++;
      return send(port, n, phase, t0, attempt + 1);
    }
    throw error;
  });
}

function sendOnce(port: number, n: number, phase: string, t0: number): Promise<Sent> {
  const fingerprint = `${phase}-${n.toString(16).padStart(6, '0')}`;
  const body = JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'runbook-agent',
    alerts: [{ status: 'firing', labels: { alertname: 'BenchAlert', runbook: 'intake', instance: fingerprint }, annotations: { summary: `bench ${fingerprint}` }, startsAt: '2026-11-24T00:00:00Z', fingerprint }],
  });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/webhook', agent, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const id = res.statusCode === 200 ? ((JSON.parse(text) as { workflows: string[] }).workflows[0] ?? null) : null;
        resolve({ fingerprint, status: res.statusCode ?? 0, ms: performance.now() - t0, id, phase, sentAt: t0 });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Open loop: each request leaves at its slot whether or not earlier ones were answered (no coordinated omission). */
async function steady(port: number, rate: number, seconds: number, phase = 'steady'): Promise<Sent[]> {
  const t0 = performance.now();
  const pending: Array<Promise<Sent>> = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(port, i, phase));
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
  // When the refusals came (second of the phase -> count): a steady rate below capacity should have none, and a
  // cluster of them says the workers stalled.
  const start = Math.min(...rows.map((r) => r.sentAt));
  const rejected429BySecond: Record<number, number> = {};
  for (const r of rows) {
    const second = Math.floor((r.sentAt - start) / 1000);
    if (r.status === 429) rejected429BySecond[second] = (rejected429BySecond[second] ?? 0) + 1;
  }
  return { sent: rows.length, accepted: by(200), rejected429: by(429), rejected429BySecond, other: rows.length - by(200) - by(429), latencyMs: { p50: round(percentile(ms, 50), 2), p95: round(percentile(ms, 95), 2), p99: round(percentile(ms, 99), 2), max: round(ms[ms.length - 1] ?? NaN, 2) } };
}

function serverChild(dir: string, mode: Mode, maxQueued: number) {
  fs.mkdirSync(dir, { recursive: true });
  const child = fork(__filename, ['--server', dir, mode, String(maxQueued)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const message = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));
  return { child, message };
}

interface Stopped {
  held: number;
  eventLoopDelayMs: Record<string, number>;
  workerErrors: { count: number; first: string[] };
}

/** One server child at one fixed rate; returns the answers and the child's own event-loop delay. */
async function fixedRate(dir: string, mode: Mode, seconds: number, maxQueued: number) {
  const { child, message } = serverChild(dir, mode, maxQueued);
  try {
    const { port } = await message<{ port: number }>();
    const rows = await steady(port, RATE, seconds, mode);
    child.send('stop');
    return { rows, stopped: await message<Stopped>() };
  } finally {
    if (child.exitCode === null && !child.killed) child.kill('SIGKILL');
  }
}

const unsettledSql = "SELECT count(*) AS n FROM workflows WHERE state NOT IN ('COMPLETED', 'ESCALATED', 'FAILED', 'WAITING_FOR_PERSON')";

/** One capacity probe: `rate` alerts/s for the window on a fresh server and database. */
async function capacityProbe(dir: string, rate: number) {
  const { child, message } = serverChild(dir, 'workers', 1e9);
  try {
    const { port } = await message<{ port: number }>();
    const db = openDatabase(path.join(dir, 'engine.sqlite'), { readonly: true });
    const samples: Array<{ t: number; inFlight: number }> = [];
    const t0 = performance.now();
    const sampler = setInterval(() => samples.push({ t: (performance.now() - t0) / 1000, inFlight: (db.prepare(unsettledSql).get() as { n: number }).n }), 250);
    const rows = await steady(port, rate, CAPACITY_WINDOW_S, `cap${rate}`);
    const windowEnd = performance.now();
    clearInterval(sampler);
    const half = CAPACITY_WINDOW_S / 2;
    const wallStart = Date.now() - (windowEnd - t0);
    const midMs = wallStart + half * 1000;
    const endMs = wallStart + (windowEnd - t0);
    const completedSecondHalf = (db.prepare("SELECT count(*) AS n FROM workflows WHERE state = 'COMPLETED' AND updated_at >= ? AND updated_at < ?").get(midMs, endMs) as { n: number }).n;
    const w = db.prepare("SELECT avg(updated_at - created_at) AS w, count(*) AS n FROM workflows WHERE state = 'COMPLETED' AND updated_at >= ? AND updated_at < ?").get(midMs, endMs) as { w: number | null; n: number };
    const inFlightLate = samples.filter((s) => s.t >= half).map((s) => s.inFlight);
    const L = inFlightLate.reduce((a, b) => a + b, 0) / Math.max(1, inFlightLate.length);
    const throughput = completedSecondHalf / half;
    const sum = summary(rows);
    const keepsUp = completedSecondHalf >= 0.95 * rate * half;
    const ok = sum.accepted === sum.sent && sum.latencyMs.p99 < CAPACITY_P99_MS && keepsUp;
    // Drain, so the next probe starts on a quiet machine.
    for (let waited = 0; (db.prepare(unsettledSql).get() as { n: number }).n > 0 && waited < 120_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
    db.close();
    child.send('stop');
    await message<Stopped>();
    const wSeconds = (w.w ?? NaN) / 1000;
    const probe = {
      rate,
      sustained: ok,
      intake: sum,
      completedPerSecondSecondHalf: round(throughput, 1),
      inFlightWorkflowsMeanSecondHalf: round(L, 1),
      inFlightWorkflowsMax: Math.max(0, ...samples.map((s) => s.inFlight)),
      timeInSystemMeanMs: round(wSeconds * 1000, 1),
      littlesLaw: { L: round(L, 1), lambdaTimesW: round(throughput * wSeconds, 1) },
      loadavg: os.loadavg().map((x) => round(x, 2)),
    };
    console.log(`capacity ${rate}/s: ${ok ? 'sustained' : 'NOT sustained'}; p99 ${sum.latencyMs.p99} ms; completed ${probe.completedPerSecondSecondHalf}/s; in flight ${probe.inFlightWorkflowsMeanSecondHalf} (λW ${probe.littlesLaw.lambdaTimesW}); W ${probe.timeInSystemMeanMs} ms`);
    return probe;
  } finally {
    if (child.exitCode === null && !child.killed) child.kill('SIGKILL');
  }
}

async function capacity(dir: string) {
  const probes: Awaited<ReturnType<typeof capacityProbe>>[] = [];
  const probe = async (rate: number) => {
    const p = await capacityProbe(path.join(dir, `cap-${rate}`), rate);
    probes.push(p);
    fs.rmSync(path.join(dir, `cap-${rate}`), { recursive: true, force: true });
    return p.sustained;
  };
  const ladder = quick ? [50, 100, 200, 300] : [50, 100, 150, 200, 250, 300, 400, 500, 600];
  let best = 0;
  let failed = 0;
  for (const rate of ladder) {
    if (await probe(rate)) best = rate;
    else {
      failed = rate;
      break;
    }
  }
  // On a machine that cannot sustain the first rate, step down until one is sustained.
  if (best === 0) {
    for (const rate of [25, 10, 5, 2]) {
      if (await probe(rate)) {
        best = rate;
        break;
      }
      failed = rate;
    }
  }
  // Bisect between the last sustained rate and the first that was not, to 10% of the rate.
  while (failed && failed - best > Math.max(10, best * 0.1)) {
    const mid = Math.round((best + failed) / 2 / 5) * 5;
    if (mid === best || mid === failed) break;
    if (await probe(mid)) best = mid;
    else failed = mid;
  }
  const at = probes.find((p) => p.rate === best) ?? null;
  return {
    rule: `a rate is sustained when every alert is accepted, intake p99 < ${CAPACITY_P99_MS} ms and completions in the second half of the ${CAPACITY_WINDOW_S} s window are >= 95% of the rate`,
    highestSustainedRatePerSecond: best,
    firstUnsustainedRatePerSecond: failed || null,
    atHighest: at,
    probes: probes.sort((a, b) => a.rate - b.rate),
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-bench-intake-'));
  const loadBefore = os.loadavg();
  const out: Record<string, unknown> = {
    benchmark: 'intake',
    quick,
    measuredAt: new Date().toISOString(),
    node: process.versions.node,
    cpus: os.cpus().length,
    loadavgBefore: loadBefore.map((x) => round(x, 2)),
    setup: `server + ${WORKERS} workers in a child process, the intake on its own thread and SQLite connection (as serve runs it); one step per alert through /bin/sh (harness check_status); client: keep-alive, up to ${BURST_IN_FLIGHT} sockets; event-loop delay of the workers' thread sampled every 5 ms, so 5 ms means none`,
  };
  try {
    if (PHASES.has('baseline')) {
      const b = await fixedRate(path.join(dir, 'baseline'), 'alone', Math.min(SECONDS, 10), 1e9);
      out.baselineWithoutWorkers = { ratePerSecond: RATE, seconds: Math.min(SECONDS, 10), ...summary(b.rows), workersThreadEventLoopDelayMs: b.stopped.eventLoopDelayMs };
      console.log('baseline', JSON.stringify(summary(b.rows)));
    }
    if (PHASES.has('inprocess')) {
      const p = await fixedRate(path.join(dir, 'inprocess'), 'in-process', SECONDS, MAX_QUEUED);
      out.steadyInProcessBefore14 = { ratePerSecond: RATE, seconds: SECONDS, ...summary(p.rows), workersThreadEventLoopDelayMs: p.stopped.eventLoopDelayMs };
      console.log('steady in-process (before #14)', JSON.stringify(summary(p.rows)));
    }
    if (PHASES.has('steady') || PHASES.has('burst')) {
      const main = path.join(dir, 'main');
      const { child, message } = serverChild(main, 'workers', MAX_QUEUED);
      try {
        const { port } = await message<{ port: number }>();
        const steadyRows = PHASES.has('steady') ? await steady(port, RATE, SECONDS) : [];
        if (steadyRows.length) console.log('steady', JSON.stringify(summary(steadyRows)));
        const burstRows = PHASES.has('burst') ? await burst(port) : [];
        if (burstRows.length) console.log('burst', JSON.stringify(summary(burstRows)));
        const rows = [...steadyRows, ...burstRows];

        // Reconciliation, read from the database the server writes.
        const db = openDatabase(path.join(main, 'engine.sqlite'), { readonly: true });
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
        if (steadyRows.length) out.steady = { ratePerSecond: RATE, seconds: SECONDS, ...summary(steadyRows) };
        if (burstRows.length) out.burst = { alerts: BURST, inFlight: BURST_IN_FLIGHT, ...summary(burstRows) };
        out.workersThreadEventLoopDelayMs = stop.eventLoopDelayMs;
        out.workerErrors = stop.workerErrors;
        out.reconciliation = reconciliation;
        console.log(JSON.stringify(reconciliation));
        if (!reconciliation.countsMatch || reconciliation.unsettledAfterDrain !== 0) process.exitCode = 1;
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
    if (PHASES.has('capacity')) out.capacity = await capacity(dir);
    out.loadavgAfter = os.loadavg().map((x) => round(x, 2));
    out.requestsResentAfterKeepAliveReset = resent;
    const base = out.baselineWithoutWorkers as ReturnType<typeof summary> | undefined;
    const st = out.steady as ReturnType<typeof summary> | undefined;
    if (base && st) out.steadyP99OverBaselineP99 = round(st.latencyMs.p99 / base.latencyMs.p99, 2);
    const file = quick ? 'bench/results/intake-quick.json' : 'bench/results/intake.json';
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${file}`);
  } finally {
    agent.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--server') void serverProcess(process.argv[3]!, process.argv[4] as Mode, Number(process.argv[5]));
else void main();
