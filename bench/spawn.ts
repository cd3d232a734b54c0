// `npm run bench -- spawn [--quick] [--rss-mb=N]`: what starting a tool's program costs the engine's event loop.
// The engine holds the model and the index (`serve` on the demo workspace: 267 MB resident, measured with
// /proc/PID/status), and a fork copies the page tables of all of it while the loop waits. Same run, rounds
// interleaved, the same ballast: programs (/bin/sh -c 'echo ok', 4 at a time) started
// - fork: from this process with node's spawn, as the engine did before the launcher;
// - launcher: through runProcess (engine/execution/tools/process.ts), which asks the process launcher.
// Reports programs per second and this event loop's delay (sampled every 1 ms) for each, and their ratios.
// Writes bench/results/spawn.json.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { runProcess } from '../engine/execution/tools/process';
import { machine, writeResult } from './lib/retrieval';

const quick = process.argv.includes('--quick');
const RSS_MB = Number(process.argv.find((a) => a.startsWith('--rss-mb='))?.slice('--rss-mb='.length) ?? 270);
const PROGRAMS = quick ? 100 : 400;
const ROUNDS = quick ? 2 : 3;
const CONCURRENCY = 4;
const ARGV = ['-c', 'echo ok'];

function forkFromEngine(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ARGV, { cwd: os.tmpdir(), env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

async function launched(): Promise<void> {
  const out = await runProcess({ file: '/bin/sh', args: ARGV }, new AbortController().signal, { cwd: os.tmpdir(), env: process.env, outputCapBytes: 4096 });
  if (out.stdout !== 'ok\n') throw new Error(`unexpected output ${JSON.stringify(out.stdout)}`);
}

async function measure(start: () => Promise<void>) {
  await start(); // warm: the launcher is started on its first program
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let next = 0;
  const t0 = performance.now();
  loop.enable();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < PROGRAMS) await start();
    }),
  );
  loop.disable();
  const seconds = (performance.now() - t0) / 1000;
  const ms = (ns: number) => +(ns / 1e6).toFixed(2);
  return { perSecond: +(PROGRAMS / seconds).toFixed(1), loopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  // Ballast standing in for the model and the index: touched, so it is resident.
  const ballast: Buffer[] = [];
  while (process.memoryUsage().rss < RSS_MB * 1024 * 1024) ballast.push(Buffer.alloc(16 * 1024 * 1024, 1));
  const rssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const rounds: Array<{ fork: Awaited<ReturnType<typeof measure>>; launcher: Awaited<ReturnType<typeof measure>> }> = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, and the order alternates, so a change in the machine's load hits both alike.
    const first = r % 2 === 0 ? await measure(forkFromEngine) : await measure(launched);
    const second = r % 2 === 0 ? await measure(launched) : await measure(forkFromEngine);
    rounds.push(r % 2 === 0 ? { fork: first, launcher: second } : { fork: second, launcher: first });
    console.log(`round ${r + 1}: fork ${JSON.stringify(rounds[r]!.fork)} launcher ${JSON.stringify(rounds[r]!.launcher)}`);
  }
  const summary = (k: 'fork' | 'launcher') => ({
    perSecond: median(rounds.map((x) => x[k].perSecond)),
    loopDelayP99Ms: median(rounds.map((x) => x[k].loopDelayMs.p99)),
    loopDelayMaxMs: median(rounds.map((x) => x[k].loopDelayMs.max)),
  });
  const fork = summary('fork');
  const launcher = summary('launcher');
  const result = {
    benchmark: 'spawn',
    quick,
    measuredAt: new Date().toISOString(),
    ...machine(),
    setup: `${PROGRAMS} programs (/bin/sh -c 'echo ok'), ${CONCURRENCY} at a time, from a process holding ${rssMb} MB resident; ${ROUNDS} rounds interleaved; medians`,
    rssMb,
    fork,
    launcher,
    ratios: { throughput: +(launcher.perSecond / fork.perSecond).toFixed(2), loopDelayP99: +(launcher.loopDelayP99Ms / fork.loopDelayP99Ms).toFixed(3) },
    rounds,
    loadavgAfter: os.loadavg().map((l) => +l.toFixed(2)),
  };
  console.log(JSON.stringify({ fork, launcher, ratios: result.ratios }));
  writeResult('spawn', result);
  void ballast;
  process.exit(0);
}

void main();
