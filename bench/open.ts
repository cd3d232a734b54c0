// `npm run bench -- open [--quick]`: what opening the engine's database costs before anything else can happen,
// with the integrity check before open (as before issue #14) and after it, off the thread (now), at 0 and 100k
// stored workflows (10k with --quick). Three alternating rounds each, warm page cache. For 'after-open': the
// open itself, the time until the background quick_check reports, and this thread's event-loop delay meanwhile.
// Also Engine.open to its first health answer both ways. Writes bench/results/open.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { checkIntegrityOffThread } from '../engine/control/db/integrity';
import { openDatabase } from '../engine/control/db/open';
import { Engine } from '../engine/entry/engine';
import { fillCompleted, round } from './lib/workflowBench';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [0, 10_000] : [0, 100_000];
const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-bench-open-'));
  const loadBefore = os.loadavg();
  const results: unknown[] = [];
  try {
    for (const stored of SIZES) {
      const file = path.join(tmp, `stored-${stored}.sqlite`);
      const db = openDatabase(file);
      const t0 = performance.now();
      fillCompleted(db, stored, 5, Date.now() - 86_400_000);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const fillSeconds = (performance.now() - t0) / 1000;
      const before: number[] = [];
      const after: number[] = [];
      const checkDone: number[] = [];
      const loopMax: number[] = [];
      const engineBefore: number[] = [];
      const engineAfter: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        let t = performance.now();
        openDatabase(file).close();
        before.push(performance.now() - t);

        const loop = monitorEventLoopDelay({ resolution: 2 });
        loop.enable();
        t = performance.now();
        const d = openDatabase(file, { integrity: 'after-open' });
        after.push(performance.now() - t);
        const problem = await checkIntegrityOffThread(file);
        checkDone.push(performance.now() - t);
        loop.disable();
        loopMax.push(loop.max / 1e6);
        d.close();
        if (problem) throw problem;

        for (const [mode, into] of [['before-open', engineBefore], ['after-open', engineAfter]] as const) {
          t = performance.now();
          const engine = Engine.open({ databasePath: file, trusted: true, integrity: mode });
          engine.health();
          into.push(performance.now() - t);
          await engine.integrity;
          engine.close();
        }
      }
      const row = {
        storedWorkflows: stored,
        fileMb: round(fs.statSync(file).size / 1e6, 1),
        fillSeconds: round(fillSeconds, 1),
        openWithCheckBeforeMs: round(median(before), 1),
        openWithCheckAfterMs: round(median(after), 1),
        backgroundCheckDoneAfterMs: round(median(checkDone), 1),
        engineThreadEventLoopDelayMaxDuringCheckMs: round(median(loopMax), 1),
        engineOpenToFirstHealthMs: { checkBefore: round(median(engineBefore), 1), checkAfter: round(median(engineAfter), 1) },
        rounds: ROUNDS,
      };
      console.log(JSON.stringify(row));
      results.push(row);
      fs.rmSync(file, { force: true });
    }
    const out = {
      benchmark: 'open',
      quick,
      measuredAt: new Date().toISOString(),
      node: process.versions.node,
      cpus: os.cpus().length,
      loadavgBefore: loadBefore.map((x) => round(x, 2)),
      loadavgAfter: os.loadavg().map((x) => round(x, 2)),
      method: `medians of ${ROUNDS} alternating rounds, warm page cache; event-loop delay sampled every 2 ms`,
      results,
    };
    fs.mkdirSync('bench/results', { recursive: true });
    const name = quick ? 'bench/results/open-quick.json' : 'bench/results/open.json';
    fs.writeFileSync(name, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${name}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
