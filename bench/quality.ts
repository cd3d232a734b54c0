// `npm run bench -- quality [--quick] [--tune]`: retrieval quality on ../shared/corpus/alerts.jsonl (233 real alert
// rules, each linked to the runbook that answers it), at file level (a file ranks by its best chunk).
//
// The alerts are split in two halves by a hash of their runbook's path (so alerts sharing a runbook, like one rule
// at two severities, stay on one side): the tuning half and the held-out half. Everything tunable in the ranking
// (field weights, query weights, fusion) was chosen with `--tune`, which reads the tuning half only; the normal run
// reports both halves and the whole set with the engine's defaults, so the held-out figures were never looked at
// while choosing.
//
// The query is what the engine builds from an alert (engine/memory/retrieval/query.ts): its name, its summary and
// description (Go template markup removed) and its labels, each weighted. A rule line carries no firing labels,
// so its labels are its severity and the equality matchers of its expression (the labels its series carry, e.g.
// namespace="openshift-monitoring"). The rule's runbook and runbook_url fields (the answer) are never used.
// Rankings: lexical (field-weighted FTS5 bm25), dense (the embedding model), hybrid (the default: weighted rank
// fusion), plus `text`: the whole alert as one free-text query through the default ranking, as before the weights.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modelIdOf } from '../engine/memory/embed/embedder';
import { openDatabase } from '../engine/control/db/open';
import { DEFAULT_FUSION, type FusionSettings } from '../engine/memory/retrieval/fusion';
import { FIELD_WEIGHTS } from '../engine/memory/retrieval/lexical';
import { ALERT_QUERY_WEIGHTS, searchQuery, type AlertQuery, type AlertQueryWeights } from '../engine/memory/retrieval/query';
import { Retriever } from '../engine/memory/retrieval/retriever';
import type { SearchMode, SearchOptions } from '../engine/memory/retrieval/search';
import { log, machine, quick, requireShared, RUNBOOKS, STATIC_MODEL, writeResult } from './lib/retrieval';

const ALERTS = path.join(RUNBOOKS, '..', 'alerts.jsonl');
const tune = process.argv.includes('--tune');

interface Alert {
  alert: string;
  severity?: string;
  summary?: string;
  description?: string;
  expr?: string;
  runbook: string;
}

/** The half an alert belongs to: by its runbook's path, so one runbook's alerts never straddle the split. */
export function half(a: Pick<Alert, 'runbook'>): 'tuning' | 'heldOut' {
  return (crypto.createHash('sha256').update(a.runbook).digest()[0]! & 1) === 0 ? 'tuning' : 'heldOut';
}

/** Equality matchers of a PromQL expression: `namespace="openshift-monitoring"` -> { namespace: 'openshift-monitoring' }. */
function exprLabels(expr = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of expr.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"/g)) if (m[2] && !(m[1]! in out)) out[m[1]!] = m[2];
  return out;
}

export function alertQuery(a: Alert): AlertQuery {
  return { name: a.alert, summary: a.summary, description: a.description, labels: { ...exprLabels(a.expr), ...(a.severity ? { severity: a.severity } : {}) } };
}

/** The query before issue #14: one free-text string. */
function textQuery(a: Alert): string {
  const strip = (s = '') => s.replace(/\{\{[\s\S]*?\}\}/g, ' ').replace(/\s+/g, ' ').trim();
  return [a.alert, strip(a.summary), strip(a.description)].filter(Boolean).join(' ');
}

interface Scores {
  n: number;
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
  notInTop10: number;
}

/** An alert the ranking did not put first: where its runbook came, and what came first instead. */
interface NotFirst {
  alert: string;
  runbook: string;
  rank: number | null;
  first: string | null;
}

async function evaluate(retriever: Retriever, alerts: readonly Alert[], mode: SearchMode | 'text', o: { fusion?: FusionSettings; fieldWeights?: typeof FIELD_WEIGHTS; queryWeights?: AlertQueryWeights } = {}): Promise<Scores & { misses: string[]; notFirst: NotFirst[] }> {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  const misses: string[] = [];
  const notFirst: NotFirst[] = [];
  const options: SearchOptions = { k: 10, mode: mode === 'text' ? 'hybrid' : mode, groupByDocument: true, fusion: o.fusion, fieldWeights: o.fieldWeights };
  for (const a of alerts) {
    const query = mode === 'text' ? textQuery(a) : searchQuery(alertQuery(a), o.queryWeights);
    const hits = await retriever.search(query, options);
    const rank = hits.findIndex((h) => h.path === a.runbook) + 1;
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 5) r5++;
    if (rank >= 1) mrr += 1 / rank;
    else misses.push(a.alert);
    if (rank !== 1) notFirst.push({ alert: a.alert, runbook: a.runbook, rank: rank || null, first: hits[0]?.path ?? null });
  }
  const n = alerts.length;
  return { n, recallAt1: +(r1 / n).toFixed(3), recallAt5: +(r5 / n).toFixed(3), mrrAt10: +(mrr / n).toFixed(3), notInTop10: misses.length, misses, notFirst };
}

/** The figures of a run, without its per-alert lists. */
const figures = (s: Scores): Scores => ({ n: s.n, recallAt1: s.recallAt1, recallAt5: s.recallAt5, mrrAt10: s.mrrAt10, notInTop10: s.notInTop10 });

/**
 * The best any ranking could do: the ranking is a function of the query, so alerts whose queries are identical
 * but whose runbooks differ (the same rule shipped by two projects, each with its own runbook) share one ranking,
 * and only one of their runbooks can come first. Per group of identical queries, the runbooks are put in the best
 * order (most alerts first); every other alert is assumed ranked first.
 */
export function ceiling(alerts: readonly Alert[]): Pick<Scores, 'n' | 'recallAt1' | 'mrrAt10'> & { sharedQueries: number } {
  const groups = new Map<string, Map<string, number>>();
  for (const a of alerts) {
    const key = JSON.stringify(searchQuery(alertQuery(a)));
    const runbooks = groups.get(key) ?? new Map<string, number>();
    runbooks.set(a.runbook, (runbooks.get(a.runbook) ?? 0) + 1);
    groups.set(key, runbooks);
  }
  let r1 = 0;
  let mrr = 0;
  let shared = 0;
  for (const runbooks of groups.values()) {
    const counts = [...runbooks.values()].sort((x, y) => y - x);
    if (counts.length > 1) shared += counts.reduce((t, c) => t + c, 0);
    r1 += counts[0]!;
    counts.forEach((c, i) => (mrr += i < 10 ? c / (i + 1) : 0));
  }
  const n = alerts.length;
  return { n, recallAt1: +(r1 / n).toFixed(3), mrrAt10: +(mrr / n).toFixed(3), sharedQueries: shared };
}

const better = (a: Scores, b: Scores) => a.mrrAt10 > b.mrrAt10 || (a.mrrAt10 === b.mrrAt10 && a.recallAt1 > b.recallAt1);

/**
 * The best of `candidates` by `score`, where the incumbent (the engine's current setting) is scored first and
 * keeps its place unless another does strictly better: MRR is flat over wide regions of these grids, and a
 * choice among equals made by grid order would move the defaults without evidence.
 */
async function gridSearch<T>(incumbent: T, candidates: Iterable<T>, score: (c: T) => Promise<Scores>) {
  let chosen = incumbent;
  let best = await score(incumbent);
  for (const c of candidates) {
    const s = await score(c);
    if (better(s, best)) [best, chosen] = [s, c];
  }
  return { chosen, best };
}

/** Field weights by grid search (lexical MRR@10), the query weights held. */
function tuneFields(retriever: Retriever, alerts: readonly Alert[], incumbent: typeof FIELD_WEIGHTS, queryWeights: AlertQueryWeights) {
  const grid = function* () {
    for (const name of [1, 3, 6, 10, 16])
      for (const title of [1, 3, 6, 10])
        for (const heading of [1, 2, 4]) for (const folders of [0, 1, 2]) yield { ...incumbent, name, alerts: name, title, heading, folders };
  };
  return gridSearch(incumbent, grid(), (fieldWeights) => evaluate(retriever, alerts, 'lexical', { fieldWeights, queryWeights }));
}

/** Query weights by grid search (lexical MRR@10), the field weights held. */
function tuneQuery(retriever: Retriever, alerts: readonly Alert[], incumbent: AlertQueryWeights, fieldWeights: typeof FIELD_WEIGHTS) {
  const grid = function* () {
    for (const name of [1, 2, 4, 8])
      for (const wholeName of [0, 1, 2, 4, 8, 16])
        for (const description of [0.25, 0.5, 1]) for (const labels of [0, 0.25, 0.5, 1]) yield { name, wholeName, summary: 1, description, labels };
  };
  return gridSearch(incumbent, grid(), (queryWeights) => evaluate(retriever, alerts, 'lexical', { fieldWeights, queryWeights }));
}

/**
 * Search on the tuning half, from the engine's defaults: field weights and query weights in turn (lexical
 * MRR@10), each with the other held, until neither changes (a choice that depends on where the search started
 * is not a choice); then fusion (hybrid MRR@10).
 */
async function tuneOn(retriever: Retriever, alerts: readonly Alert[]) {
  let fieldWeights: typeof FIELD_WEIGHTS = { ...FIELD_WEIGHTS };
  let queryWeights: AlertQueryWeights = { ...ALERT_QUERY_WEIGHTS };
  const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);
  let rounds = 0;
  let converged = false;
  while (!converged && rounds < 4) {
    rounds++;
    const fields = await tuneFields(retriever, alerts, fieldWeights, queryWeights);
    const query = await tuneQuery(retriever, alerts, queryWeights, fields.chosen);
    log(`  round ${rounds}: field weights ${JSON.stringify(fields.chosen)}, query weights ${JSON.stringify(query.chosen)}: lexical ${JSON.stringify(figures(query.best))}`);
    converged = same(fields.chosen, fieldWeights) && same(query.chosen, queryWeights);
    [fieldWeights, queryWeights] = [fields.chosen, query.chosen];
  }
  const fusions = function* () {
    for (const m of [...[1, 5, 10, 20, 30, 60].map((k) => ({ method: 'rrf' as const, k })), { method: 'scores' as const, k: 0 }])
      for (const lexicalWeight of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) yield { ...m, lexicalWeight, denseWeight: +(1 - lexicalWeight).toFixed(2) };
  };
  const { chosen: fusion, best } = await gridSearch<FusionSettings>(DEFAULT_FUSION, fusions(), (f) => evaluate(retriever, alerts, 'hybrid', { fieldWeights, queryWeights, fusion: f }));
  log(`  fusion ${JSON.stringify(fusion)}: hybrid ${JSON.stringify(figures(best))}`);
  return { fieldWeights, queryWeights, fusion, rounds, converged, hybridOnTuningHalf: figures(best) };
}

async function main() {
  requireShared('quality', RUNBOOKS, ALERTS);
  let alerts = fs.readFileSync(ALERTS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Alert);
  if (quick) alerts = alerts.filter((_, i) => i % 4 === 0);
  const halves = { tuning: alerts.filter((a) => half(a) === 'tuning'), heldOut: alerts.filter((a) => half(a) === 'heldOut') };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-quality-'));
  const db = openDatabase(path.join(dir, 'index.sqlite'));
  const retriever = new Retriever({ db, modelDir: STATIC_MODEL, threads: 2 });
  try {
    const report = await retriever.index(RUNBOOKS);
    log(`quality: indexed ${report.files} files, ${retriever.status().chunks} chunks in ${report.ms} ms; ${alerts.length} alerts: ${halves.tuning.length} tuning, ${halves.heldOut.length} held out`);
    log(`ceiling (identical queries, different runbooks): ${JSON.stringify(ceiling(alerts))}`);
    if (tune) {
      log('tuning on the tuning half only:');
      const chosen = await tuneOn(retriever, halves.tuning);
      // What the chosen ranking still gets wrong on the tuning half: the next thing to look at when tuning.
      const { notFirst } = await evaluate(retriever, halves.tuning, 'hybrid', chosen);
      writeResult('quality-tuning', { benchmark: 'quality --tune', tuningAlerts: halves.tuning.length, searched: 'grids over field weights and query weights in turn until neither changes (lexical MRR@10), then fusion (hybrid MRR@10); the current default keeps its place unless a setting does strictly better', chosen, notFirstOnTuningHalf: notFirst, machine: machine(), at: new Date().toISOString() });
      return;
    }
    const results: Record<string, Record<string, Scores>> = {};
    const misses: Record<string, string[]> = {};
    let notFirstHybrid: NotFirst[] = [];
    for (const mode of ['lexical', 'dense', 'hybrid', 'text'] as const) {
      results[mode] = {};
      for (const [name, set] of [['tuning', halves.tuning], ['heldOut', halves.heldOut], ['all', alerts]] as const) {
        const { misses: m, notFirst, ...s } = await evaluate(retriever, set, mode);
        results[mode]![name] = s;
        if (name === 'all') misses[mode] = m;
        if (name === 'all' && mode === 'hybrid') notFirstHybrid = notFirst;
      }
      const r = results[mode]!;
      log(`  ${mode.padEnd(7)} ${(['tuning', 'heldOut', 'all'] as const).map((h) => `${h}: R@1 ${r[h]!.recallAt1.toFixed(3)} R@5 ${r[h]!.recallAt5.toFixed(3)} MRR@10 ${r[h]!.mrrAt10.toFixed(3)}`).join(' | ')}`);
    }
    writeResult('quality', {
      benchmark: 'quality',
      quick,
      queries: alerts.length,
      split: { rule: 'sha256(runbook path) first byte even: tuning, odd: held out', tuning: halves.tuning.length, heldOut: halves.heldOut.length },
      model: modelIdOf(STATIC_MODEL),
      level: 'file (best chunk per file)',
      query: 'engine/memory/retrieval/query.ts from the alert: name, summary, description (Go templates removed), labels (severity + the expression\'s equality matchers); `text` = name + summary + description as one free-text query',
      defaults: { fieldWeights: FIELD_WEIGHTS, queryWeights: ALERT_QUERY_WEIGHTS, fusion: DEFAULT_FUSION },
      indexedFiles: report.files,
      chunks: retriever.status().chunks,
      machine: machine(),
      at: new Date().toISOString(),
      results,
      // Over the whole set only: twins can fall in different halves, and then neither half alone shows the limit.
      ceiling: ceiling(alerts),
      notInTop10: misses,
      // Where the default ranking did not put the answer first (twins included: see ceiling).
      notFirstHybrid,
    });
  } finally {
    await retriever.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (/quality\.cjs$/.test(process.argv[1] ?? '')) main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
