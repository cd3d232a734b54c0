// `npm run bench -- quality [--quick]`: retrieval quality on ../shared/corpus/alerts.jsonl (233 real alert
// rules, each linked to the runbook that answers it). Query = alert name + summary + description (Go
// template markup removed); relevant = its runbook file. Files are ranked by their best chunk. Lexical (FTS5
// bm25), dense (the embedding model) and hybrid (RRF of both, the engine's default), all with the engine's
// own code paths and default settings: nothing here is tuned to this file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modelIdOf } from '../engine/embed/embedder';
import { openDatabase } from '../engine/db/open';
import { Retriever } from '../engine/retrieval/retriever';
import type { SearchMode } from '../engine/retrieval/search';
import { ensureBuilt, log, machine, quick, requireShared, RUNBOOKS, STATIC_MODEL, writeResult } from './lib/retrieval';

const ALERTS = path.join(RUNBOOKS, '..', 'alerts.jsonl');

interface Alert {
  alert: string;
  summary?: string;
  description?: string;
  runbook: string;
}

export function alertQuery(a: Alert): string {
  const strip = (s = '') => s.replace(/\{\{[\s\S]*?\}\}/g, ' ').replace(/\s+/g, ' ').trim();
  return [a.alert, strip(a.summary), strip(a.description)].filter(Boolean).join(' ');
}

async function main() {
  requireShared('quality', RUNBOOKS, ALERTS);
  ensureBuilt();
  let alerts = fs.readFileSync(ALERTS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Alert);
  if (quick) alerts = alerts.filter((_, i) => i % 4 === 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-quality-'));
  const db = openDatabase(path.join(dir, 'index.sqlite'));
  const retriever = new Retriever({ db, modelDir: STATIC_MODEL, threads: 2 });
  try {
    const report = await retriever.index(RUNBOOKS);
    log(`quality: indexed ${report.files} files, ${retriever.status().chunks} chunks in ${report.ms} ms; ${alerts.length} alert queries`);
    const results: Record<string, unknown> = {};
    for (const mode of ['lexical', 'dense', 'hybrid'] as SearchMode[]) {
      let r1 = 0;
      let r5 = 0;
      let mrr = 0;
      const misses: string[] = [];
      for (const a of alerts) {
        const hits = await retriever.search(alertQuery(a), { k: 10, mode, groupByDocument: true });
        const rank = hits.findIndex((h) => h.path === a.runbook) + 1;
        if (rank === 1) r1++;
        if (rank >= 1 && rank <= 5) r5++;
        if (rank >= 1) mrr += 1 / rank;
        else misses.push(a.alert);
      }
      const n = alerts.length;
      results[mode] = { recallAt1: +(r1 / n).toFixed(3), recallAt5: +(r5 / n).toFixed(3), mrrAt10: +(mrr / n).toFixed(3), notInTop10: misses.length };
      log(`  ${mode.padEnd(7)} R@1 ${(r1 / n).toFixed(3)}  R@5 ${(r5 / n).toFixed(3)}  MRR@10 ${(mrr / n).toFixed(3)}  (${misses.length} not in top 10)`);
    }
    writeResult('quality', {
      benchmark: 'quality',
      quick,
      queries: alerts.length,
      model: modelIdOf(STATIC_MODEL),
      level: 'file (best chunk per file)',
      query: 'alert name + summary + description, Go templates removed',
      indexedFiles: report.files,
      chunks: retriever.status().chunks,
      machine: machine(),
      at: new Date().toISOString(),
      results,
    });
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
