// `npm run bench -- workflows [--quick]`: durable transitions/s (synchronous NORMAL vs FULL, same run), engine
// overhead per step (excluding the tool), recovery of 1,000 in-flight workflows after SIGKILL, each with 0, 10k
// and 100k stored workflows. Writes bench/results/workflows.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, type Db } from '../engine/control/db/open';
import { verifyChain } from '../engine/control/store/sqlite/eventLog';
import { intake } from '../engine/control/store/sqlite/intake';
import { Orchestrator } from '../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../engine/control/store/sqlite/store';
import { FixedPlanner } from '../engine/control/workflow/planner';
import type { AnyTool } from '../engine/control/workflow/tool';
import { fillCompleted, percentile, round, runbook, Target, timedTool } from './lib/workflowBench';

const quick = process.argv.includes('--quick');
const INFLIGHT = 1000;


async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-bench-wf-'));
  const sizes = quick ? [0, 10_000] : [0, 10_000, 100_000];
  const workflows = quick ? 200 : 500;
  const steps = 5;
  const results: Record<string, unknown>[] = [];
  try {
    for (const stored of sizes) {
      const file = path.join(tmp, `stored-${stored}.sqlite`);
      const db = openDatabase(file);
      const tFill = performance.now();
      fillCompleted(db, stored, steps, Date.now() - 86_400_000);
      const fillMs = performance.now() - tFill;
      db.pragma('wal_checkpoint(TRUNCATE)');
      // The settings alternate in the same run: this disk's fsync cost changes from minute to minute.
      const runs: Record<string, unknown>[] = [];
      for (const sync of ['NORMAL', 'FULL', 'OFF', 'NORMAL', 'FULL', 'OFF'] as const) runs.push(await throughput(db, sync, workflows, steps));
      const tVerify = performance.now();
      const chain = verifyChain(db);
      const verifyMs = performance.now() - tVerify;
      db.close();
      const recovery = await recoveryAfterKill(file);
      const row = { storedWorkflows: stored, fillSeconds: round(fillMs / 1000, 1), runs, chainEvents: chain.events, chainOk: chain.ok, verifyChainMs: round(verifyMs, 0), recovery };
      console.log(JSON.stringify(row));
      results.push(row);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const out = {
    benchmark: 'workflows',
    quick,
    measuredAt: new Date().toISOString(),
    node: process.versions.node,
    cpus: os.cpus().length,
    workload: `${workflows} workflows x ${steps} no-op steps per run, one worker (in-process tool, so only engine cost is measured)`,
    results,
  };
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync('bench/results/workflows.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log('wrote bench/results/workflows.json');
}

async function throughput(db: Db, mode: 'NORMAL' | 'FULL' | 'OFF', workflows: number, steps: number) {
  db.pragma(`synchronous = ${mode}`);
  const marks: Array<[number, number, string]> = [];
  const orchestrator = new Orchestrator({ store: new SqliteControlStore(db), tools: [timedTool('noop', 'read', marks)], planner: new FixedPlanner(runbook(steps)) });
  const before = (db.prepare('SELECT max(seq) AS s FROM workflow_events').get() as { s: number | null }).s ?? 0;
  const t0 = performance.now();
  for (let i = 0; i < workflows; i++) intake(db, { source: 'bench', title: `w${i}`, labels: { runbook: 'bench' } });
  await orchestrator.drain();
  const seconds = (performance.now() - t0) / 1000;
  const rows = db.prepare('SELECT from_state, to_state FROM workflow_events WHERE seq > ?').all(before) as Array<{ from_state: string | null; to_state: string | null }>;
  const transitions = rows.filter((r) => r.to_state !== null && r.to_state !== r.from_state).length;
  // Engine overhead of a step = gap between one tool call's end and the next one's start in the same workflow:
  // committing "done", loading the view, budget/kill-switch/breaker checks, committing "intended".
  const gaps: number[] = [];
  for (let i = 1; i < marks.length; i++) if (marks[i]![2] === marks[i - 1]![2]) gaps.push(marks[i]![0] - marks[i - 1]![1]);
  gaps.sort((a, b) => a - b);
  db.pragma('synchronous = NORMAL');
  return {
    synchronous: mode,
    seconds: round(seconds, 3),
    events: rows.length,
    transitions,
    transitionsPerSecond: Math.round(transitions / seconds),
    workflowsPerSecond: Math.round(workflows / seconds),
    stepOverheadMs: { p50: round(percentile(gaps, 50)), p95: round(percentile(gaps, 95)), p99: round(percentile(gaps, 99)), samples: gaps.length },
  };
}

/** Starts an engine child that gets 1,000 workflows stuck inside tool calls, SIGKILLs it, then recovers here. */
async function recoveryAfterKill(file: string) {
  const child = spawn(process.execPath, [__filename, '--inflight-child', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('inflight') && resolve());
    child.on('exit', (code) => reject(new Error(`in-flight child exited with ${code}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));

  const t0 = performance.now();
  const db = openDatabase(file);
  const tOpen = performance.now();
  const tools: AnyTool[] = [
    { name: 'check', risk: 'read', toolClass: 'other', idempotent: false, input: Target, run: async () => ({ output: { ok: true } }) },
    { name: 'change', risk: 'write', toolClass: 'other', idempotent: false, input: Target, run: async () => ({ output: { ok: true } }) },
  ];
  const orchestrator = new Orchestrator({ store: new SqliteControlStore(db), tools, planner: new FixedPlanner(inflightRunbooks) });
  const recovered = await orchestrator.recover();
  const tRecover = performance.now();
  await orchestrator.drain();
  const tSettled = performance.now();
  // How much of openMs is openDatabase's integrity check (quick_check), which grows with the file.
  const tCheck = performance.now();
  db.pragma('quick_check');
  const quickCheckMs = performance.now() - tCheck;
  const fileMb = fs.statSync(file).size / 1e6;
  const states = db.prepare("SELECT state, count(*) AS n FROM workflows WHERE title LIKE 'inflight %' GROUP BY state").all();
  db.close();
  return {
    inFlight: INFLIGHT,
    ...recovered,
    openMs: round(tOpen - t0, 1),
    quickCheckMs: round(quickCheckMs, 1),
    fileMb: round(fileMb, 1),
    recoverMs: round(tRecover - tOpen, 1),
    openAndRecoverMs: round(tRecover - t0, 1),
    allSettledMs: round(tSettled - t0, 1),
    finalStates: states,
  };
}

// Half the in-flight workflows are inside a read (re-run on recovery), half inside a write (escalated: outcome unknown).
const inflightRunbooks = {
  read: [{ id: 'r', tool: 'check', input: { target: 'x' } }, { id: 'r2', tool: 'check', input: { target: 'y' } }],
  write: [{ id: 'w', tool: 'change', input: { target: 'x' } }],
};

async function inflightChild(file: string): Promise<void> {
  const db = openDatabase(file);
  const hang = () => new Promise<never>(() => {});
  const tools: AnyTool[] = [
    { name: 'check', risk: 'read', toolClass: 'other', idempotent: false, input: Target, run: hang },
    { name: 'change', risk: 'write', toolClass: 'other', idempotent: false, input: Target, run: hang },
  ];
  const orchestrator = new Orchestrator({ store: new SqliteControlStore(db), tools, planner: new FixedPlanner(inflightRunbooks), concurrency: INFLIGHT, pollMs: 20, toolTimeoutMs: 3_600_000, leaseMs: 3_600_000, onError: (e) => process.stderr.write(`${String(e)}\n`) });
  for (let i = 0; i < INFLIGHT; i++) intake(db, { source: 'bench', title: `inflight ${i}`, labels: { runbook: i % 2 ? 'write' : 'read' } });
  await orchestrator.start();
  for (;;) {
    const n = (db.prepare("SELECT count(*) AS n FROM workflows WHERE state = 'WAITING_FOR_TOOL'").get() as { n: number }).n;
    if (n === INFLIGHT) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  process.stdout.write('inflight\n');
  await new Promise(() => {});
}

if (process.argv[2] === '--inflight-child') void inflightChild(process.argv[3]!);
else void main();
