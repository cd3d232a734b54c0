// `npm run bench -- scale [--quick]`: index all of ../shared/corpus/scale (58 MB of Markdown; --quick: 600
// files) from scratch with the engine's own pipeline: wall time, chunks, chunks/s, peak RSS, database size; the
// run returns once the flat index serves, and the IVF+PQ training (past the flat threshold) goes on in a build
// worker, timed separately; then the trained index's reload time and search latency.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../engine/control/db/open';
import { DenseIndex } from '../engine/memory/retrieval/dense';
import { Retriever } from '../engine/memory/retrieval/retriever';
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

function dirBytes(file: string): number {
  return ['', '-wal', '-shm'].reduce((n, s) => n + (fs.statSync(file + s, { throwIfNoEntry: false })?.size ?? 0), 0);
}

async function main() {
  requireShared('scale', SCALE);
  const src = path.join(SCALE, 'cockroachdb-docs');
  let root = src;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-scale-'));
  if (quick) {
    // A slice, copied so the walk sees only it.
    root = path.join(dir, 'ws');
    for (const rel of markdownFiles(src).filter((_, i) => i % 12 === 0)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.copyFileSync(path.join(src, rel), path.join(root, rel));
    }
  }
  const bytes = markdownFiles(root).reduce((n, f) => n + fs.statSync(path.join(root, f)).size, 0);
  const dbFile = path.join(dir, 'index.sqlite');
  const db = openDatabase(dbFile);
  const retriever = new Retriever({ db, modelDir: STATIC_MODEL, threads: 2 });
  let phaseAt = performance.now();
  const phases: Record<string, number> = {};
  try {
    log(`scale: indexing ${root} (${(bytes / 1e6).toFixed(1)} MB)${quick ? ' (quick slice)' : ''}`);
    const t0 = performance.now();
    let lastPhase = '';
    let embedDoneAt = 0;
    const report = await retriever.index(root, {
      onProgress: (p) => {
        if (p.phase === 'embed' && p.done === p.total) embedDoneAt = performance.now();
        if (p.phase !== lastPhase) {
          const now = performance.now();
          if (lastPhase) phases[lastPhase] = Math.round(now - phaseAt);
          phaseAt = now;
          lastPhase = p.phase;
        }
      },
    });
    const runEnd = performance.now();
    phases[lastPhase] = Math.round(embedDoneAt - phaseAt);
    // After the last embedding the run loads the flat index in its worker and returns; training runs in a build
    // worker meanwhile (searches are answered by the flat index), so it is waited for here and timed on its own.
    phases.vectorIndexInRun = Math.round(runEnd - embedDoneAt);
    await retriever.vectorIndexSettled();
    const end = performance.now();
    phases.backgroundTraining = Math.round(end - runEnd);
    phases.vectorIndex = Math.round(end - embedDoneAt);
    const indexMs = end - t0;
    const chunks = retriever.status().chunks;
    log(`  ${report.files} files, ${chunks} chunks, ${report.embedded} embedded in ${(indexMs / 1000).toFixed(1)} s (${(chunks / (indexMs / 1000)).toFixed(0)} chunks/s); skipped ${report.skipped.length}`);

    const embedder = await retriever.embedder();
    const vectorMs = phases.vectorIndex!;
    const t1 = performance.now();
    const dense = DenseIndex.load(retriever.store, embedder.modelId, embedder.dim);
    const reloadMs = performance.now() - t1;
    const kind = dense.kind;
    log(`  vector index (${kind}, ${dense.size} vectors): built and saved in ${(vectorMs / 1000).toFixed(1)} s within the run; reloaded from SQLite in ${(reloadMs / 1000).toFixed(2)} s`);

    await retriever.search('warm up', { k: 10 });
    const lat: Record<string, number> = {};
    for (const mode of ['lexical', 'dense', 'hybrid'] as const) {
      const times: number[] = [];
      for (const q of QUERIES) {
        const s = performance.now();
        await retriever.search(q, { k: 10, mode });
        times.push(performance.now() - s);
      }
      lat[mode] = +median(times).toFixed(1);
    }
    log(`  search median ms: ${JSON.stringify(lat)}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const result = {
      benchmark: 'scale',
      quick,
      corpus: quick ? 'scale/cockroachdb-docs, every 12th file' : 'scale/cockroachdb-docs (all)',
      markdownBytes: bytes,
      files: report.files,
      skipped: report.skipped.length,
      skippedReasons: [...new Set(report.skipped.map((s) => s.reason.replace(/\d+/g, 'N')))],
      chunks,
      embedded: report.embedded,
      model: embedder.modelId,
      threads: 2,
      indexWallSeconds: +(indexMs / 1000).toFixed(2),
      phaseMs: phases,
      chunksPerSecond: +(chunks / (indexMs / 1000)).toFixed(1),
      chunksPerSecondWithoutVectorIndex: +(chunks / ((indexMs - vectorMs) / 1000)).toFixed(1),
      indexRunReturnedAfterSeconds: +((runEnd - t0) / 1000).toFixed(2),
      vectorIndex: { kind, vectors: dense.size, buildAndSaveSeconds: +(vectorMs / 1000).toFixed(2), backgroundTrainingSeconds: +(phases.backgroundTraining! / 1000).toFixed(2), reloadSeconds: +(reloadMs / 1000).toFixed(2) },
      searchMedianMs: lat,
      peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(0),
      databaseMB: +(dirBytes(dbFile) / 1e6).toFixed(1),
      machine: machine(),
      at: new Date().toISOString(),
    };
    writeResult('scale', result);
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
