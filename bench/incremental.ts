// `npm run bench -- incremental [--quick]`: re-indexing after editing one file in a workspace of >= 10,000
// chunks (scale-corpus files copied to a temporary folder), against the full first index measured in the same
// run. Two ways in: a whole-tree incremental pass (what `runbook-agent index` does: stat every file, re-chunk
// the changed one) and the file-system-event path (what the extension sends: only the named path).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../engine/control/db/open';
import { chunkMarkdown } from '../engine/memory/retrieval/chunk/chunker';
import { Retriever } from '../engine/memory/retrieval/retriever';
import { log, machine, markdownFiles, median, quick, requireShared, SCALE, STATIC_MODEL, writeResult } from './lib/retrieval';

const chunksArg = process.argv.indexOf('--chunks');
/** --chunks N: a larger workspace (past the flat threshold, so the IVF+PQ index is the one updated). */
const TARGET_CHUNKS = chunksArg > 0 ? Number(process.argv[chunksArg + 1]) : quick ? 2_000 : 10_000;
const EDITS = quick ? 3 : 7;

async function main() {
  requireShared('incremental', SCALE);
  const src = path.join(SCALE, 'cockroachdb-docs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-incr-'));
  const root = path.join(dir, 'ws');
  let chunks = 0;
  const copied: string[] = [];
  for (const rel of markdownFiles(src)) {
    if (chunks >= TARGET_CHUNKS) break;
    const text = fs.readFileSync(path.join(src, rel), 'utf8');
    chunks += chunkMarkdown(rel, text).chunks.length;
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
    copied.push(rel);
  }
  const db = openDatabase(path.join(dir, 'index.sqlite'));
  const retriever = new Retriever({ db, modelDir: STATIC_MODEL, threads: 2 });
  try {
    const full = await retriever.index(root);
    await retriever.search('warm up the vector index', { k: 5 });
    const total = retriever.status().chunks;
    log(`incremental: ${copied.length} files, ${total} chunks; full index ${full.ms} ms`);
    const tree: number[] = [];
    const event: number[] = [];
    const found: boolean[] = [];
    for (let i = 0; i < EDITS; i++) {
      const rel = copied[Math.floor(((i + 0.5) * copied.length) / EDITS)]!;
      for (const [way, times] of [['tree', tree], ['event', event]] as const) {
        const marker = `zqx${way}${i}marker`;
        fs.appendFileSync(path.join(root, rel), `\n\n## Edited section ${i}\n\nA new paragraph mentioning ${marker}.\n`);
        const t0 = performance.now();
        const r = way === 'tree' ? await retriever.index(root) : await retriever.index(root, { only: [rel] });
        // The edit is searchable once this returns: the time includes the vector index update.
        times.push(performance.now() - t0);
        if (r.changed !== 1) throw new Error(`expected one changed file, got ${r.changed}`);
        const hits = await retriever.search(marker, { k: 1 });
        found.push(hits[0]?.path === rel);
      }
    }
    const result = {
      benchmark: 'incremental',
      quick,
      files: copied.length,
      chunks: total,
      model: retriever.status().modelId,
      vectorIndex: (await retriever.embedder(), retriever.vectorIndexKind()),
      fullIndexMs: full.ms,
      edits: EDITS,
      treeWalkMedianMs: +median(tree).toFixed(1),
      eventMedianMs: +median(event).toFixed(1),
      treeWalkMaxMs: +Math.max(...tree).toFixed(1),
      eventMaxMs: +Math.max(...event).toFixed(1),
      speedupVsFullTree: +(full.ms / median(tree)).toFixed(1),
      speedupVsFullEvent: +(full.ms / median(event)).toFixed(1),
      editFoundByNextSearch: found.every(Boolean),
      target: 're-index after one edit < 1000 ms',
      machine: machine(),
      at: new Date().toISOString(),
    };
    log(`  whole-tree pass: median ${result.treeWalkMedianMs} ms; file event: median ${result.eventMedianMs} ms (full ${full.ms} ms)`);
    writeResult(chunksArg > 0 ? `incremental-${TARGET_CHUNKS}` : 'incremental', result);
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
