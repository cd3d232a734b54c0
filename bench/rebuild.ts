// `npm run bench -- rebuild [--quick]`: searches while the vector index is (re)built, on the scale corpus
// (../shared/corpus/scale/cockroachdb-docs, 99.6k chunks; --quick: every 12th file with the flat threshold lowered
// to 4,096 so that it still trains). The build runs in a worker thread (engine/memory/retrieval/denseHost.ts) while the
// serving worker answers. Measures, with the engine's own Retriever:
// - the first indexing run (it returns once the flat index serves) and the background IVF-PQ training after it;
// - search latency (dense, hybrid, lexical) with no build under way, then during a forced rebuild, one query at a
//   time from a fixed list, back to back with a 20 ms gap;
// - the event-loop delay of this (the engine's) thread across the whole forced rebuild: the pause a person
//   would feel on the JSON-RPC thread.
// Writes bench/results/rebuild.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openDatabase } from '../engine/control/db/open';
import { Retriever } from '../engine/memory/retrieval/retriever';
import type { SearchMode } from '../engine/memory/retrieval/search';
import { log, machine, markdownFiles, median, quick, requireShared, SCALE, STATIC_MODEL, writeResult } from './lib/retrieval';

const QUERIES = [
  'how do I back up a cluster to cloud storage',
  'node is decommissioning and ranges are under-replicated',
  'cockroach start --join flags for a multi-node cluster',
  'changefeed to kafka is lagging behind',
  'rotate TLS certificates without downtime',
  'upgrade to a new major version rolling restart',
  'slow queries and contention in transactions',
  'kubectl apply the operator manifest',
];
const MODES: SearchMode[] = ['dense', 'hybrid', 'lexical'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const r1 = (x: number) => +x.toFixed(1);
const summary = (xs: number[]) => ({ n: xs.length, p50: r1(median(xs)), p95: r1(pct(xs, 95)), max: r1(Math.max(...xs)) });

async function searchLoop(retriever: Retriever, until: () => boolean, minRounds: number) {
  const times: Record<string, number[]> = Object.fromEntries(MODES.map((m) => [m, []]));
  let hitsMissing = 0;
  for (let i = 0; !until() || i < minRounds * MODES.length; i++) {
    const mode = MODES[i % MODES.length]!;
    const q = QUERIES[Math.floor(i / MODES.length) % QUERIES.length]!;
    const t = performance.now();
    const hits = await retriever.search(q, { k: 10, mode });
    times[mode]!.push(performance.now() - t);
    if (hits.length === 0) hitsMissing++;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { times, hitsMissing };
}

async function main() {
  requireShared('rebuild', SCALE);
  const src = path.join(SCALE, 'cockroachdb-docs');
  let root = src;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-rebuild-'));
  if (quick) {
    root = path.join(dir, 'ws');
    for (const rel of markdownFiles(src).filter((_, i) => i % 12 === 0)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.copyFileSync(path.join(src, rel), path.join(root, rel));
    }
  }
  const db = openDatabase(path.join(dir, 'index.sqlite'));
  const logs: string[] = [];
  const retriever = new Retriever({ db, modelDir: STATIC_MODEL, threads: 2, log: (m) => logs.push(m), vectorIndex: quick ? { flatThreshold: 4096 } : {} });
  const loadBefore = os.loadavg();
  try {
    log(`rebuild: indexing ${root}${quick ? ' (quick slice)' : ''}`);
    const t0 = performance.now();
    const report = await retriever.index(root);
    const indexSeconds = (performance.now() - t0) / 1000;
    const chunks = retriever.status().chunks;
    const kindAfterRun = retriever.vectorIndexKind();
    log(`  ${chunks} chunks indexed in ${indexSeconds.toFixed(1)} s; serving ${kindAfterRun}, training in the background: ${retriever.vectorIndexBuilding()}`);

    // Searches while the first training runs (the flat index answers).
    let trained = false;
    const t1 = performance.now();
    const settled = retriever.vectorIndexSettled().then(() => (trained = true));
    const duringTraining = await searchLoop(retriever, () => trained, 2);
    await settled;
    const trainSeconds = (performance.now() - t1) / 1000;
    log(`  background training done in ${trainSeconds.toFixed(1)} s: ${retriever.vectorIndexKind()}`);

    // Quiet baseline: no build under way.
    let quietDone = false;
    const quietTimer = setTimeout(() => (quietDone = true), quick ? 5_000 : 15_000);
    const quietLoop = monitorEventLoopDelay({ resolution: 5 });
    quietLoop.enable();
    const quiet = await searchLoop(retriever, () => quietDone, 3);
    quietLoop.disable();
    clearTimeout(quietTimer);

    // A forced rebuild, with searches all along, and this thread's event-loop delay.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    let rebuilt = false;
    const t2 = performance.now();
    const rebuild = retriever.rebuildVectorIndex().then(() => (rebuilt = true));
    const during = await searchLoop(retriever, () => rebuilt, 2);
    await rebuild;
    loop.disable();
    const rebuildSeconds = (performance.now() - t2) / 1000;
    log(`  forced rebuild in ${rebuildSeconds.toFixed(1)} s; ${during.times.dense!.length * MODES.length} searches meanwhile`);

    const table = (t: Record<string, number[]>) => Object.fromEntries(MODES.map((m) => [m, summary(t[m]!)]));
    const result = {
      benchmark: 'rebuild',
      quick,
      corpus: quick ? 'scale/cockroachdb-docs, every 12th file, flat threshold 4,096' : 'scale/cockroachdb-docs (all), default flat threshold 65,536',
      files: report.files,
      chunks,
      firstIndexRun: { seconds: +indexSeconds.toFixed(1), servingKindWhenItReturned: kindAfterRun },
      backgroundTraining: { seconds: +trainSeconds.toFixed(1), kindAfter: retriever.vectorIndexKind(), searchLatencyMsMeanwhile: table(duringTraining.times), emptyAnswers: duringTraining.hitsMissing },
      quiet: {
        searchLatencyMs: table(quiet.times),
        emptyAnswers: quiet.hitsMissing,
        engineThreadEventLoopDelayMs: { p50: r1(quietLoop.percentile(50) / 1e6), p99: r1(quietLoop.percentile(99) / 1e6), max: r1(quietLoop.max / 1e6) },
      },
      forcedRebuild: {
        seconds: +rebuildSeconds.toFixed(1),
        searchLatencyMs: table(during.times),
        emptyAnswers: during.hitsMissing,
        engineThreadEventLoopDelayMs: { p50: r1(loop.percentile(50) / 1e6), p99: r1(loop.percentile(99) / 1e6), max: r1(loop.max / 1e6) },
      },
      method: 'one search at a time, 20 ms apart, cycling dense / hybrid / lexical over 8 fixed queries; k = 10; event-loop delay sampled every 5 ms (5 ms means none)',
      logs: logs.filter((l) => /vector index/.test(l)),
      loadavgBefore: loadBefore.map((x) => +x.toFixed(2)),
      machine: machine(),
      at: new Date().toISOString(),
    };
    log(`  quiet p50 ms: ${JSON.stringify(Object.fromEntries(MODES.map((m) => [m, result.quiet.searchLatencyMs[m]!.p50])))}; engine thread delay ${JSON.stringify(result.quiet.engineThreadEventLoopDelayMs)}`);
    log(`  during rebuild p50 ms: ${JSON.stringify(Object.fromEntries(MODES.map((m) => [m, result.forcedRebuild.searchLatencyMs[m]!.p50])))}; engine thread delay ${JSON.stringify(result.forcedRebuild.engineThreadEventLoopDelayMs)}`);
    writeResult(quick ? 'rebuild-quick' : 'rebuild', result);
  } finally {
    await retriever.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
