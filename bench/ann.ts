// `npm run bench -- ann [--quick] [--rounds N] [--no-crossover] [--no-real] [--no-hnsw] [--out FILE]`: the project's IVF-PQ index
// (engine/memory/retrieval/ann) side by side with its anchors, in the same run and on the same vectors:
// - data: ../shared/corpus/ann-anchor/gen_data.py (numpy, fixed seeds; Debian python3-numpy), run from
//   ../shared (never copied here) into .work/ann-anchor; both sets, aniso (sigma 0.9) and aniso_s15 (1.5);
// - FAISS through ../shared/corpus/ann-anchor/bench_faiss.py (IVF1024,PQ48x8np + RFlat k10, one thread),
//   whichever build the machine has: Debian python3-faiss 1.7.3 (no SIMD, a floor) here, since PyPI's
//   AVX2 wheel is out of reach; installed with apt-get when missing and running as root (ANN_NO_APT=1
//   skips it). Without FAISS the bench says so and compares with hnswlib only. ANN_FAISS_PYTHONPATH=DIR runs
//   the `faiss` package found in DIR instead (e.g. the AVX2 build of Debian's own faiss source made by
//   scripts/build-faiss-avx2.sh: ANN_FAISS_PYTHONPATH=/work/faiss-avx2/python); it must import, no fallback.
//   Which FAISS ran (version, get_compile_options(), package path, SWIG module loaded) is in the results;
// - hnswlib-node (npm dev dependency), M16 efC200, in this process.
// Rounds interleave the three (our side and FAISS alternate who goes first), os.loadavg() is recorded,
// ratios are computed per round at equal recall@10. Also: the flat/IVF crossover behind
// DEFAULT_FLAT_THRESHOLD and real embeddings (the whole scale corpus embedded by the engine's embedder,
// deduplicated, 1,000 held-out queries; `--real-only` runs just that part and merges it into ann.json;
// `--real-refines 16,20` also measures those refine factors next to DEFAULT_REFINE at every nprobe there,
// `--real-sweep-rounds N` times, order alternating, with medians).
// Writes bench/results/ann.json (--quick: ann-quick.json, 20k vectors, one round; --out FILE: FILE instead).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createVectorIndex, DEFAULT_FLAT_THRESHOLD, DEFAULT_REFINE, nlistFor, nprobeFor, pqSubquantizersFor, VectorIndex } from '../engine/memory/retrieval/ann';
import { FlatIndex } from '../engine/memory/retrieval/ann/flat-index';
import { kernelBackend } from '../engine/memory/retrieval/ann/kernels';
import { generateClustered } from '../test/support/ann/synthetic-data';
import { normalizeRows } from '../engine/memory/retrieval/ann/vector-math';
import { SCALE, STATIC_MODEL, scaleCorpusEmbeddings } from './lib/retrieval';

const quick = process.argv.includes('--quick');
const realOnly = process.argv.includes('--real-only');
const outArgAt = process.argv.indexOf('--out');
/** --out FILE: where the results go (--real-only merges its `real` section into it) instead of ann.json. */
const OUT_FILE = outArgAt > 0 ? process.argv[outArgAt + 1]! : null;
const RESULT_FILE = OUT_FILE ?? path.join('bench', 'results', 'ann.json');
/** Recall@10 the issue asks of the default setting on real embeddings (issue #14: >= 0.99). */
const TARGET_RECALL = 0.99;
const K = 10;
const N = quick ? 20_000 : 100_000;
const NQ = quick ? 300 : 1000;
const NLIST = 1024;
const M = 48;
const NPROBES = quick ? [1, 4, 16, 64, 128] : [1, 2, 4, 8, 16, 32, 64, 128, 256];
const REPEATS = 3;
const ANCHOR_DIR = process.env.ANN_ANCHOR_DIR ?? path.resolve('..', 'shared', 'corpus', 'ann-anchor');
const log = (s: string) => process.stdout.write(s + '\n');
const now = () => performance.now();

interface GroundTruth {
  ids: Uint32Array;
  qps: number;
}

/** Exact top-k of every query by brute force; its per-query speed is the "Flat" row. */
function exactSearch(base: Float32Array, queries: Float32Array, dim: number): GroundTruth {
  const n = base.length / dim;
  const nq = queries.length / dim;
  const flat = new FlatIndex(dim);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  flat.add(ids, base);
  const out = new Uint32Array(nq * K);
  const sc = new Float32Array(K);
  const t0 = now();
  for (let q = 0; q < nq; q++) flat.search(queries, q * dim, K, out.subarray(q * K, q * K + K), sc);
  return { ids: out, qps: nq / ((now() - t0) / 1000) };
}

function recallAt(gt: Uint32Array, q: number, hits: { id: number }[]): number {
  let found = 0;
  for (const h of hits) {
    for (let j = 0; j < K; j++) if (gt[q * K + j] === h.id) { found++; break; }
  }
  return found / K;
}

interface Row {
  nprobe: number;
  refine: number;
  recall10: number;
  qps_single: number;
  /** Process CPU time per query, best pass (user + system): steadier than QPS when the machine is loaded. */
  cpu_us_per_query?: number;
}

function measureSearch(idx: VectorIndex, queries: Float32Array, dim: number, gt: Uint32Array, nprobe: number, refine: number): Row {
  const nq = queries.length / dim;
  let recall = 0;
  let best = Infinity;
  let bestCpu = Infinity;
  for (let rep = 0; rep < REPEATS; rep++) {
    const c0 = process.cpuUsage();
    const t0 = now();
    let r = 0;
    for (let q = 0; q < nq; q++) {
      const hits = idx.search(queries.subarray(q * dim, q * dim + dim), K, { nprobe, refine });
      if (rep === 0) r += recallAt(gt, q, hits);
    }
    best = Math.min(best, now() - t0);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / nq);
    if (rep === 0) recall = r / nq;
  }
  return { nprobe, refine, recall10: round(recall, 4), qps_single: Math.round(nq / (best / 1000)), cpu_us_per_query: round(bestCpu, 1) };
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

export interface VectorBenchResult {
  label: string;
  n: number;
  queries: number;
  dim: number;
  nlist: number;
  m: number;
  train_s: number;
  train_detail: { coarse_s: number; pq_s: number; trainedOn: number; trainError: number };
  add_s: number;
  code_and_id_bytes_per_vec: number;
  serialized_bytes_per_vec: number;
  serialize_s: number;
  load_s: number;
  flat: { recall10: 1; qps_single: number };
  rows: Row[];
  rows_no_refine: Row[];
  /** --real-refines: per nprobe, every refine factor measured back to back on the same index (DEFAULT_REFINE included). */
  refine_sweep?: (Row & { round: number })[];
  /** Medians over the --real-sweep-rounds rounds of refine_sweep, per nprobe and refine. */
  refine_sweep_median?: { nprobe: number; refine: number; recall10: number; qps_single: number; cpu_us_per_query: number; rounds: number }[];
}

/** Train, add and search the index on base vectors; queries are held out. */
export function benchVectors(label: string, base: Float32Array, queries: Float32Array, dim: number, nlist: number, m: number, nprobes: number[], untilRecall?: number, refines: number[] = [], sweepRounds = 1): VectorBenchResult {
  const n = base.length / dim;
  log(`\n## ${label}: n=${n}, queries=${queries.length / dim}, d=${dim}, nlist=${nlist}, PQ${m}x8, refine x${DEFAULT_REFINE}`);
  let t = now();
  const gt = exactSearch(base, queries, dim);
  log(`exact flat: ${((now() - t) / 1000).toFixed(1)} s for ground truth, ${Math.round(gt.qps)} QPS single-query`);
  const idx = createVectorIndex({ dim, nlist, m, autoTrain: false, normalize: false });
  t = now();
  const tr = idx.train(base);
  const trainS = (now() - t) / 1000;
  log(`train: ${trainS.toFixed(1)} s (coarse ${(tr.coarseMs / 1000).toFixed(1)} s, pq ${(tr.pqMs / 1000).toFixed(1)} s)`);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  t = now();
  idx.add(ids, base);
  const addS = (now() - t) / 1000;
  log(`add: ${addS.toFixed(1)} s`);
  t = now();
  const bytes = idx.toBytes();
  const serS = (now() - t) / 1000;
  t = now();
  const loaded = VectorIndex.fromBytes(bytes);
  const loadS = (now() - t) / 1000;
  const rows: Row[] = [];
  const rowsNoRefine: Row[] = [];
  for (const np of nprobes) {
    const r = measureSearch(loaded, queries, dim, gt.ids, np, DEFAULT_REFINE);
    const a = measureSearch(loaded, queries, dim, gt.ids, np, 0);
    rows.push(r);
    rowsNoRefine.push(a);
    log(`nprobe ${np}: refine recall ${r.recall10} @ ${r.qps_single} QPS | no refine recall ${a.recall10} @ ${a.qps_single} QPS`);
  }
  // Optionally keep doubling nprobe (up to nlist) until the refined recall reaches `untilRecall`.
  let np = Math.max(...nprobes);
  while (untilRecall !== undefined && rows.every((r) => r.recall10 < untilRecall) && np < nlist) {
    np = Math.min(nlist, np * 2);
    const r = measureSearch(loaded, queries, dim, gt.ids, np, DEFAULT_REFINE);
    const a = measureSearch(loaded, queries, dim, gt.ids, np, 0);
    rows.push(r);
    rowsNoRefine.push(a);
    log(`nprobe ${np} (extra, looking for recall ${untilRecall}): refine recall ${r.recall10} @ ${r.qps_single} QPS | no refine recall ${a.recall10} @ ${a.qps_single} QPS`);
  }
  // Refine sweep: at each nprobe, DEFAULT_REFINE and the other factors back to back (same index, same minute),
  // `sweepRounds` times with the order of the factors reversed every other round; medians per cell.
  let refineSweep: (Row & { round: number })[] | undefined;
  let sweepMedian: VectorBenchResult['refine_sweep_median'];
  if (refines.length) {
    refineSweep = [];
    const factors = [...new Set([DEFAULT_REFINE, ...refines])].sort((x, y) => x - y);
    for (let sr = 1; sr <= sweepRounds; sr++) {
      const order = sr % 2 === 1 ? factors : [...factors].reverse();
      for (const p of rows.map((r) => r.nprobe)) {
        const line: string[] = [];
        for (const f of order) {
          const r = measureSearch(loaded, queries, dim, gt.ids, p, f);
          refineSweep.push({ ...r, round: sr });
          line.push(`refine ${f}: ${r.recall10} @ ${r.qps_single} QPS, ${r.cpu_us_per_query} us CPU`);
        }
        log(`refine sweep ${sr}/${sweepRounds} nprobe ${p}: ${line.join(' | ')} (load ${os.loadavg()[0]!.toFixed(1)})`);
      }
    }
    const med = (v: number[]) => {
      const a = [...v].sort((x, y) => x - y);
      return a.length % 2 ? a[a.length >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
    };
    sweepMedian = [];
    for (const p of rows.map((r) => r.nprobe)) {
      for (const f of factors) {
        const cell = refineSweep.filter((r) => r.nprobe === p && r.refine === f);
        sweepMedian.push({ nprobe: p, refine: f, recall10: cell[0]!.recall10, qps_single: Math.round(med(cell.map((c) => c.qps_single))), cpu_us_per_query: round(med(cell.map((c) => c.cpu_us_per_query!)), 1), rounds: cell.length });
      }
      log(`refine sweep median nprobe ${p}: ${sweepMedian.filter((r) => r.nprobe === p).map((r) => `refine ${r.refine}: ${r.recall10} @ ${r.qps_single} QPS, ${r.cpu_us_per_query} us CPU`).join(' | ')}`);
    }
  }
  return {
    label, n, queries: queries.length / dim, dim, nlist, m,
    train_s: round(trainS), train_detail: { coarse_s: round(tr.coarseMs / 1000), pq_s: round(tr.pqMs / 1000), trainedOn: tr.trainedOn, trainError: round(tr.trainError, 5) },
    add_s: round(addS), code_and_id_bytes_per_vec: round(idx.stats().codeAndIdBytesPerVector),
    serialized_bytes_per_vec: round(bytes.byteLength / n, 1), serialize_s: round(serS), load_s: round(loadS),
    flat: { recall10: 1, qps_single: Math.round(gt.qps) }, rows, rows_no_refine: rowsNoRefine,
    ...(refineSweep ? { refine_sweep: refineSweep, refine_sweep_median: sweepMedian } : {}),
  };
}

export interface DedupResult {
  /** Distinct rows, first occurrence order, row-major. */
  vectors: Float32Array;
  distinct: number;
  input: number;
}

/** Drops rows whose float32 bytes equal an earlier row's (identical chunk texts embed identically). */
export function dedupeVectors(vectors: Float32Array, dim: number): DedupResult {
  const n = vectors.length / dim;
  const bits = new Uint32Array(vectors.buffer, vectors.byteOffset, vectors.length);
  const byHash = new Map<number, number[]>();
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    const o = i * dim;
    for (let j = 0; j < dim; j++) h = Math.imul(h ^ bits[o + j]!, 0x01000193);
    const same = byHash.get(h >>> 0);
    let dup = false;
    if (same) {
      for (const k of same) {
        let eq = true;
        for (let j = 0; j < dim && eq; j++) eq = bits[k * dim + j] === bits[o + j];
        if (eq) { dup = true; break; }
      }
    }
    if (dup) continue;
    if (same) same.push(i);
    else byHash.set(h >>> 0, [i]);
    keep.push(i);
  }
  const out = new Float32Array(keep.length * dim);
  keep.forEach((k, r) => out.set(vectors.subarray(k * dim, k * dim + dim), r * dim));
  return { vectors: out, distinct: keep.length, input: n };
}

/** Queries at the 10th/11th exact boundary that tie (|s10 - s11| <= 1e-6): recall@10 is ambiguous there. */
function boundaryTies(base: Float32Array, queries: Float32Array, dim: number): number {
  const flat = new FlatIndex(dim);
  const n = base.length / dim;
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  flat.add(ids, base);
  const oi = new Uint32Array(K + 1);
  const os = new Float32Array(K + 1);
  let ties = 0;
  for (let q = 0; q < queries.length / dim; q++) {
    const c = flat.search(queries, q * dim, K + 1, oi, os);
    if (c === K + 1 && Math.abs(os[K - 1]! - os[K]!) <= 1e-6) ties++;
  }
  return ties;
}

/**
 * Real embeddings: row-major vectors (e.g. of ../shared/corpus/scale chunks). Identical rows are dropped
 * first; `queries` distinct rows spread evenly over the set are held out (not in the base). IVF-PQ is
 * trained explicitly (the facade would stay flat below DEFAULT_FLAT_THRESHOLD) with nlist = nlistFor(base
 * size), m = pqSubquantizersFor(dim) unless given, refine x10; nprobe 1..64 and the default nprobeFor(nlist),
 * then doubling until recall@10 >= 0.95 if neither reaches it. Also reachable without the embedder:
 * ANN_REAL_VECTORS=file.f32 (raw little-endian float32) ANN_REAL_DIM=256 npm run bench -- ann --real-only
 */
export function benchRealEmbeddings(vectors: Float32Array, dim: number, queries = 1000, m = pqSubquantizersFor(dim), label = 'real embeddings', refines: number[] = [], sweepRounds = 1): VectorBenchResult & Record<string, unknown> {
  const t0 = now();
  const dd = dedupeVectors(vectors, dim);
  normalizeRows(dd.vectors, dim);
  log(`\n${label}: ${dd.input} vectors, ${dd.distinct} distinct (${dd.input - dd.distinct} identical duplicates dropped) in ${((now() - t0) / 1000).toFixed(1)} s`);
  const nq = Math.min(queries, Math.floor(dd.distinct / 10));
  const isQuery = new Uint8Array(dd.distinct);
  for (let i = 0; i < nq; i++) isQuery[Math.floor(((i + 0.5) * dd.distinct) / nq)] = 1;
  const n = dd.distinct - nq;
  const base = new Float32Array(n * dim);
  const q = new Float32Array(nq * dim);
  let b = 0;
  let w = 0;
  for (let i = 0; i < dd.distinct; i++) {
    const row = dd.vectors.subarray(i * dim, i * dim + dim);
    if (isQuery[i]) q.set(row, dim * w++);
    else base.set(row, dim * b++);
  }
  const nlist = nlistFor(n);
  const defaultNprobe = nprobeFor(nlist);
  const np = [...new Set([1, 2, 4, 8, 16, 32, 64, defaultNprobe].filter((v) => v <= nlist))].sort((x, y) => x - y);
  const ties = boundaryTies(base, q, dim);
  log(`${ties} of ${nq} queries tie at the exact 10th/11th boundary (|s10 - s11| <= 1e-6)`);
  const res = benchVectors(label, base, q, dim, nlist, m, np, TARGET_RECALL, refines, sweepRounds);
  const atDefault = res.rows.find((r) => r.nprobe === defaultNprobe)!;
  const reaching = res.rows.filter((r) => r.recall10 >= TARGET_RECALL).sort((x, y) => x.nprobe - y.nprobe)[0] ?? null;
  const verdict = {
    default_nprobe: defaultNprobe,
    default_nprobe_rule: 'nprobeFor(nlist) = nlist * DEFAULT_NPROBE_FRACTION (1/4)',
    target_recall10: TARGET_RECALL,
    recall10_at_default: atDefault.recall10,
    qps_at_default: atDefault.qps_single,
    target_met_at_default: atDefault.recall10 >= TARGET_RECALL,
    shortfall_at_default: atDefault.recall10 >= TARGET_RECALL ? 0 : round(TARGET_RECALL - atDefault.recall10, 4),
    smallest_measured_nprobe_reaching_target: reaching ? reaching.nprobe : null,
    recall10_there: reaching ? reaching.recall10 : null,
    qps_there: reaching ? reaching.qps_single : null,
  };
  log(`default nprobe ${defaultNprobe}: recall@10 ${atDefault.recall10} (target ${TARGET_RECALL}: ${verdict.target_met_at_default ? 'met' : `missed by ${verdict.shortfall_at_default}`}); smallest measured nprobe reaching it: ${reaching ? `${reaching.nprobe} (${reaching.recall10} @ ${reaching.qps_single} QPS)` : 'none'}`);
  return {
    ...res,
    dedup: {
      deduplicated: true,
      how: 'rows with byte-identical float32 vectors dropped (identical chunk texts embed identically); first occurrence kept',
      input_vectors: dd.input,
      distinct_vectors: dd.distinct,
      duplicates_dropped: dd.input - dd.distinct,
      why: 'duplicates of a neighbour make recall@10 ambiguous (which copy is the true neighbour)',
    },
    holdout: { queries: nq, base: n, how: 'distinct vectors at evenly spread positions, removed from the base set', ground_truth: 'exact inner-product (cosine, rows L2-normalised) top-10 over the base, same run', exact_boundary_ties: ties },
    index_parameters: {
      forced_ivfpq: `explicit train() with autoTrain off: the facade would stay flat below flatThreshold ${DEFAULT_FLAT_THRESHOLD}`,
      nlist_rule: `nlistFor(${n}) = ${nlist}`,
      m_rule: m === pqSubquantizersFor(dim) ? `pqSubquantizersFor(${dim}) = ${m}: the index's own rule, 8 dims per sub-vector; codes ${m} B + 4 B id = ${m + 4} B <= 64` : `m=${m} chosen by the benchmark: codes ${m} B + 4 B id = ${m + 4} B`,
      refine: DEFAULT_REFINE,
    },
    verdict,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Side by side on the anchor's own vectors: gen_data.py (numpy, fixed seeds) writes them, FAISS runs through
// bench_faiss.py, hnswlib-node runs in this process; rounds interleave the three and record the load.

interface AnchorSet {
  name: string;
  sigma: number;
  dir: string | null;
  source: string;
  base: Float32Array;
  queries: Float32Array;
  /** Exact top-10 per query (gt.i32 from numpy, or our flat search for the fallback data). */
  gt: Uint32Array;
  n: number;
  nq: number;
  dim: number;
  meta: Record<string, unknown>;
}

interface FaissInfo {
  version: string;
  compile: string;
  /** faiss/__init__.py that was imported. */
  file: string;
  /** The SWIG module the loader picked: swigfaiss_avx2 (AVX2 build) or swigfaiss (generic). */
  swig_module: string;
  /** Which build this is, for the results: Debian's package or the ANN_FAISS_PYTHONPATH one. */
  build: string;
}

interface PythonEnv {
  python: string | null;
  numpy: string | null;
  faiss: FaissInfo | null;
  apt: string;
}

/** ANN_FAISS_PYTHONPATH: a directory holding the `faiss` package to run instead of Debian's python3-faiss. */
const FAISS_PYTHONPATH = process.env.ANN_FAISS_PYTHONPATH ? path.resolve(process.env.ANN_FAISS_PYTHONPATH) : null;

/**
 * Environment for the Python subprocesses: one thread. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE stay as the
 * machine sets them: Debian's OpenBLAS (under python3-faiss) is one of the older builds they protect.
 */
function pyEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  if (FAISS_PYTHONPATH) env.PYTHONPATH = [FAISS_PYTHONPATH, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  return env;
}

const FAISS_PROBE = [
  'import sys, json, faiss',
  "mods = [m for m in ('faiss.swigfaiss_avx512', 'faiss.swigfaiss_avx2', 'faiss.swigfaiss') if m in sys.modules]",
  "print(json.dumps([faiss.__version__, faiss.get_compile_options(), faiss.__file__, mods[0] if mods else '?']))",
].join('\n');

function probePython(py: string): { numpy: string | null; faiss: FaissInfo | null; error?: string } {
  const np = spawnSync(py, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', env: pyEnv() });
  if (np.status !== 0) return { numpy: null, faiss: null };
  // Run outside the repository so a stray `faiss/` directory in the working directory cannot shadow the package.
  const fa = spawnSync(py, ['-c', FAISS_PROBE], { encoding: 'utf8', env: pyEnv(), cwd: os.tmpdir() });
  let faiss: FaissInfo | null = null;
  if (fa.status === 0) {
    const [version, compile, file, swig] = JSON.parse(fa.stdout.trim().split('\n').pop()!) as [string, string, string, string];
    const build = FAISS_PYTHONPATH && file.startsWith(FAISS_PYTHONPATH) ? `ANN_FAISS_PYTHONPATH=${FAISS_PYTHONPATH}` : file.startsWith('/usr/lib/python3/') ? 'Debian python3-faiss' : 'other';
    faiss = { version, compile: compile.trim(), file, swig_module: swig.replace(/^faiss\./, ''), build };
  }
  return { numpy: np.stdout.trim(), faiss, error: fa.status === 0 ? undefined : (fa.stderr || '').trim().split('\n').slice(-2).join(' | ') };
}

/**
 * Finds a Python with numpy (and FAISS). Debian's python3-numpy / python3-faiss live under /usr/bin/python3,
 * so that one is tried first. When they are missing and this runs as root with apt-get, installs them the way
 * the other setup scripts do (ANN_NO_APT=1 skips that); otherwise says how.
 */
function findPython(): PythonEnv {
  const candidates = ['/usr/bin/python3', 'python3'].filter((p, i, a) => a.indexOf(p) === i);
  if (FAISS_PYTHONPATH) {
    // An explicitly named FAISS build: use it or run without FAISS, never fall back to another build silently.
    for (const py of candidates) {
      if (py.startsWith('/') && !fs.existsSync(py)) continue;
      const r = probePython(py);
      if (r.faiss && r.faiss.file.startsWith(FAISS_PYTHONPATH)) return { python: py, numpy: r.numpy, faiss: r.faiss, apt: `ANN_FAISS_PYTHONPATH=${FAISS_PYTHONPATH}` };
      if (r.numpy) {
        const why = r.faiss ? `imported ${r.faiss.file}, not the one in ${FAISS_PYTHONPATH}` : `import failed: ${r.error ?? '?'}`;
        log(`FAISS from ANN_FAISS_PYTHONPATH=${FAISS_PYTHONPATH} not usable (${why}): FAISS skipped`);
        return { python: py, numpy: r.numpy, faiss: null, apt: `ANN_FAISS_PYTHONPATH=${FAISS_PYTHONPATH} not usable: ${why}` };
      }
    }
    return { python: null, numpy: null, faiss: null, apt: 'no python3 with numpy' };
  }
  const look = (): PythonEnv | null => {
    let withNumpy: PythonEnv | null = null;
    for (const py of candidates) {
      if (py.startsWith('/') && !fs.existsSync(py)) continue;
      const r = probePython(py);
      if (r.faiss) return { python: py, numpy: r.numpy, faiss: r.faiss, apt: 'already installed' };
      if (r.numpy && !withNumpy) withNumpy = { python: py, numpy: r.numpy, faiss: null, apt: '' };
    }
    return withNumpy;
  };
  let found = look();
  if (found?.faiss && blasLibrary().includes('openblas')) return found;
  const canApt = typeof process.getuid === 'function' && process.getuid() === 0 && spawnSync('apt-get', ['--version']).status === 0 && !process.env.ANN_NO_APT;
  if (canApt) {
    log('FAISS/numpy for /usr/bin/python3 missing: apt-get install -y -qq python3-numpy python3-faiss libopenblas0-pthread ...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // libopenblas0-pthread: without it Debian's libblas.so.3 is netlib's reference BLAS and FAISS's k-means
    // runs 10x+ slower than FAISS does anywhere else (measured: > 17 min to train at 100k instead of ~1 min).
    const pkgs = ['install', '-y', '-qq', 'python3-numpy', 'python3-faiss', 'libopenblas0-pthread'];
    let r = spawnSync('apt-get', pkgs, { encoding: 'utf8', env });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env });
      r = spawnSync('apt-get', pkgs, { encoding: 'utf8', env });
    }
    found = look();
    const apt = r.status === 0 ? 'installed now by apt-get' : `apt-get failed: ${(r.stderr || '').trim().split('\n').pop()}`;
    if (found) return { ...found, apt };
    return { python: null, numpy: null, faiss: null, apt };
  }
  const how = 'as root: apt-get install -y python3-numpy python3-faiss libopenblas0-pthread (Debian; the faiss-cpu wheel from PyPI is the SIMD build where PyPI is reachable)';
  log(`FAISS not available (${how})`);
  return found ? { ...found, apt: `not installed: ${how}` } : { python: null, numpy: null, faiss: null, apt: `not installed: ${how}` };
}

/** Which BLAS Debian's libblas.so.3 resolves to (FAISS's k-means runs on it). */
function blasLibrary(): string {
  for (const p of ['/usr/lib/x86_64-linux-gnu/libblas.so.3', '/usr/lib/aarch64-linux-gnu/libblas.so.3']) {
    try {
      return fs.realpathSync(p);
    } catch {
      /* next */
    }
  }
  return 'unknown';
}

function readF32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The anchor's vectors via ../shared/corpus/ann-anchor/gen_data.py (cached in .work/ann-anchor by parameters). */
function anchorSet(py: PythonEnv, name: string, sigma: number, n: number, nq: number): AnchorSet {
  if (py.python && py.numpy && fs.existsSync(path.join(ANCHOR_DIR, 'gen_data.py'))) {
    const dir = path.resolve('.work', 'ann-anchor', `${name}-n${n}-q${nq}`);
    const metaFile = path.join(dir, 'meta.json');
    if (!fs.existsSync(metaFile)) {
      const t = now();
      const r = spawnSync(py.python, [path.join(ANCHOR_DIR, 'gen_data.py'), '--sigma', String(sigma), '--n', String(n), '--nq', String(nq), '--out', dir], { encoding: 'utf8', env: pyEnv() });
      if (r.status !== 0) throw new Error(`gen_data.py failed: ${r.stderr}`);
      log(`generated ${name} with gen_data.py (numpy ${py.numpy}) in ${((now() - t) / 1000).toFixed(1)} s -> ${dir}`);
    }
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
    const d = meta.d as number;
    const gtRaw = fs.readFileSync(path.join(dir, 'gt.i32'));
    const gt = new Uint32Array(new Int32Array(gtRaw.buffer.slice(gtRaw.byteOffset, gtRaw.byteOffset + gtRaw.byteLength)));
    return { name, sigma, dir, source: `gen_data.py (numpy ${py.numpy}, seed ${meta.seed as number})`, base: readF32(path.join(dir, 'base.f32')), queries: readF32(path.join(dir, 'query.f32')), gt, n, nq, dim: d, meta };
  }
  log(`numpy not available: ${name} generated by test/support/ann/synthetic-data.ts (same distribution, other vectors; FAISS skipped)`);
  const data = generateClustered({ n, queries: nq, dim: 384, clusters: 1000, sigma, seed: 1234 });
  const gt = exactSearch(data.base, data.queries, 384).ids;
  return { name, sigma, dir: null, source: 'synthetic-data.ts (sfc32): numpy missing', base: data.base, queries: data.queries, gt, n, nq, dim: 384, meta: { n, nq, d: 384, k: 1000, sigma, seed: 1234 } };
}

interface SweepRow {
  setting: number;
  recall10: number;
  qps_single: number;
  loadavg1: number;
}

interface Contender {
  rows: SweepRow[];
  train_s?: number;
  add_s?: number;
  build_s?: number;
  code_and_id_bytes_per_vec?: number;
  extra?: Record<string, unknown>;
}

function recallOf(gt: Uint32Array, q: number, ids: ArrayLike<number>): number {
  let found = 0;
  for (let i = 0; i < Math.min(K, ids.length); i++) {
    for (let j = 0; j < K; j++) if (gt[q * K + j] === ids[i]) { found++; break; }
  }
  return found / K;
}

/** Best of REPEATS passes over all queries (one query per call); recall from the first pass. */
function sweepOne(nq: number, search: (q: number) => ArrayLike<number>, gt: Uint32Array, setting: number): SweepRow {
  let best = Infinity;
  let recall = 0;
  for (let rep = 0; rep < REPEATS; rep++) {
    let r = 0;
    const t0 = now();
    for (let q = 0; q < nq; q++) {
      const ids = search(q);
      if (rep === 0) r += recallOf(gt, q, ids);
    }
    best = Math.min(best, now() - t0);
    if (rep === 0) recall = r / nq;
  }
  return { setting, recall10: round(recall, 4), qps_single: Math.round(nq / (best / 1000)), loadavg1: round(os.loadavg()[0]!) };
}

/**
 * Where a query's time goes (our index), per phase, mean us per query over all queries (best of 3 passes),
 * wall clock and process CPU time: coarse probe, lookup table, scan (search without re-rank minus the two
 * before), re-rank (full search minus search without re-rank).
 */
function profileOurs(idx: VectorIndex, set: AnchorSet, nprobes: number[]): Record<string, unknown>[] {
  const inner = (idx as unknown as { inner: { coarse: { probe(q: Float32Array, qo: number, np: number, l: Int32Array, ip: Float32Array, sorted?: boolean): number }; pq: { prepareQuery(q: Float32Array, qo: number): void }; search(q: Float32Array, qo: number, k: number, np: number, refine: number, oi: Uint32Array, os: Float32Array): number; lists: { sizes: Int32Array } } }).inner;
  const Q = set.queries;
  const d = set.dim;
  const lists = new Int32Array(NLIST);
  const ips = new Float32Array(NLIST);
  const oi = new Uint32Array(K);
  const osc = new Float32Array(K);
  const time = (fn: (q: number) => void) => {
    let wall = Infinity;
    let cpu = Infinity;
    for (let r = 0; r < REPEATS; r++) {
      const c0 = process.cpuUsage();
      const t0 = now();
      for (let q = 0; q < set.nq; q++) fn(q);
      wall = Math.min(wall, ((now() - t0) * 1000) / set.nq);
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / set.nq);
    }
    return { wall, cpu };
  };
  return nprobes.map((np) => {
    const coarse = time((q) => inner.coarse.probe(Q, q * d, np, lists, ips, false));
    const table = time((q) => inner.pq.prepareQuery(Q, q * d));
    const noRefine = time((q) => inner.search(Q, q * d, K, np, 0, oi, osc));
    const full = time((q) => inner.search(Q, q * d, K, np, DEFAULT_REFINE, oi, osc));
    let codes = 0;
    for (let q = 0; q < set.nq; q++) {
      const c = inner.coarse.probe(Q, q * d, np, lists, ips, false);
      for (let i = 0; i < c; i++) codes += inner.lists.sizes[lists[i]!]!;
    }
    const ph = (k: 'wall' | 'cpu') => ({ coarse: round(coarse[k], 1), table: round(table[k], 1), scan: round(noRefine[k] - coarse[k] - table[k], 1), rerank: round(full[k] - noRefine[k], 1), total: round(full[k], 1) });
    const row = { nprobe: np, codes_per_query: Math.round(codes / set.nq), us_wall: ph('wall'), us_cpu: ph('cpu'), ns_per_code_cpu: round(((noRefine.cpu - coarse.cpu - table.cpu) * 1000) / Math.max(1, codes / set.nq), 1), loadavg1: round(os.loadavg()[0]!) };
    log(`profile nprobe ${np}: ${JSON.stringify(row)}`);
    return row;
  });
}

function oursRound(set: AnchorSet, nprobes: number[]): Contender & { index: VectorIndex } {
  const d = set.dim;
  const idx = createVectorIndex({ dim: d, nlist: NLIST, m: M, autoTrain: false, normalize: false });
  let t = now();
  const tr = idx.train(set.base);
  const trainS = (now() - t) / 1000;
  const ids = new Uint32Array(set.n);
  for (let i = 0; i < set.n; i++) ids[i] = i;
  t = now();
  idx.add(ids, set.base);
  const addS = (now() - t) / 1000;
  const qs = Array.from({ length: set.nq }, (_, q) => set.queries.subarray(q * d, q * d + d));
  const rows = nprobes.map((np) => sweepOne(set.nq, (q) => idx.search(qs[q]!, K, { nprobe: np, refine: DEFAULT_REFINE }).map((h) => h.id), set.gt, np));
  const inner = (idx as unknown as { inner: { lists: { sizes: Int32Array } } }).inner;
  const sizes = inner.lists.sizes;
  let sq = 0;
  let max = 0;
  for (const v of sizes) {
    sq += v * v;
    max = Math.max(max, v);
  }
  const profile = profileOurs(idx, set, quick ? [1, 16] : [1, 16, 64, 256]);
  log(`ours: train ${trainS.toFixed(1)} s (coarse ${(tr.coarseMs / 1000).toFixed(1)}, pq ${(tr.pqMs / 1000).toFixed(1)}), add ${addS.toFixed(1)} s; ` + rows.map((r) => `${r.setting}: ${r.recall10.toFixed(4)} @ ${r.qps_single}`).join(', '));
  return {
    index: idx, rows, train_s: round(trainS), add_s: round(addS), code_and_id_bytes_per_vec: round(idx.stats().codeAndIdBytesPerVector),
    extra: { profile, coarse_s: round(tr.coarseMs / 1000), pq_s: round(tr.pqMs / 1000), imbalance_factor: round((sq * sizes.length) / (set.n * set.n), 3), largest_list: max, mean_list: round(set.n / sizes.length, 1) },
  };
}

interface FaissRun extends Contender {
  version: string;
  compile: string;
}

function faissRound(py: PythonEnv, set: AnchorSet, nprobes: number[], round_: number): FaissRun | { skipped: string } {
  if (!py.python || !py.faiss) return { skipped: `FAISS not available (${py.apt})` };
  if (!set.dir) return { skipped: 'vectors not from gen_data.py' };
  const tag = py.faiss.swig_module === 'swigfaiss' ? '' : `-${py.faiss.swig_module.replace(/^swigfaiss_/, '')}`;
  const out = path.resolve('.work', 'ann-anchor', `faiss${tag}-${set.name}-n${set.n}-r${round_}.json`);
  const args = [path.join(ANCHOR_DIR, 'bench_faiss.py'), '--data', set.dir, '--out', out, '--nprobe', nprobes.join(','), '--profile', quick ? '' : '1,16'];
  const r = spawnSync(py.python, args, { encoding: 'utf8', env: pyEnv(), maxBuffer: 64 << 20, cwd: os.tmpdir() });
  if (r.status !== 0) return { skipped: `bench_faiss.py failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  const j = JSON.parse(fs.readFileSync(out, 'utf8')) as { faiss: string; compile: string; train_s: number; add_s: number; imbalance: number; polysemous_training: boolean; key: string; ivfpq_serialized_bytes_per_vec: number; rflat_serialized_bytes_per_vec: number; rows: { nprobe: number; recall10: number; qps_single: number; loadavg1: number }[]; profile?: unknown[] };
  const rows = j.rows.map((x) => ({ setting: x.nprobe, recall10: round(x.recall10, 4), qps_single: Math.round(x.qps_single), loadavg1: round(x.loadavg1) }));
  log(`FAISS ${j.faiss} (${j.compile.trim()}): train ${j.train_s.toFixed(1)} s, add ${j.add_s.toFixed(1)} s; ` + rows.map((x) => `${x.setting}: ${x.recall10.toFixed(4)} @ ${x.qps_single}`).join(', '));
  return {
    version: j.faiss, compile: j.compile.trim(), rows, train_s: round(j.train_s), add_s: round(j.add_s), code_and_id_bytes_per_vec: 56,
    extra: { key: j.key, polysemous_training: j.polysemous_training, imbalance_factor: round(j.imbalance, 3), ivfpq_serialized_bytes_per_vec: round(j.ivfpq_serialized_bytes_per_vec, 1), rflat_serialized_bytes_per_vec: round(j.rflat_serialized_bytes_per_vec, 1), profile: j.profile ?? [] },
  };
}

interface Hnsw {
  initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void;
  addPoint(p: number[], label: number): void;
  searchKnn(q: number[], k: number): { neighbors: number[] };
  setEf(ef: number): void;
}

function loadHnswlib(): { HierarchicalNSW: new (space: string, dim: number) => Hnsw } | null {
  try {
    // Loaded at run time (a native addon esbuild must not bundle); a dev dependency of the project.
    return createRequire(path.resolve('package.json'))('hnswlib-node') as { HierarchicalNSW: new (space: string, dim: number) => Hnsw };
  } catch {
    return null;
  }
}

function hnswBuild(set: AnchorSet): { index: Hnsw; build_s: number } | null {
  const lib = loadHnswlib();
  if (!lib) return null;
  const d = set.dim;
  const index = new lib.HierarchicalNSW('ip', d);
  const t = now();
  index.initIndex(set.n, 16, 200, 100);
  for (let i = 0; i < set.n; i++) index.addPoint(Array.from(set.base.subarray(i * d, i * d + d)), i);
  const build = (now() - t) / 1000;
  log(`hnswlib-node M16 efC200: built in ${build.toFixed(1)} s`);
  return { index, build_s: round(build) };
}

function hnswRound(h: { index: Hnsw; build_s: number }, set: AnchorSet, efs: number[]): Contender {
  const d = set.dim;
  const qs = Array.from({ length: set.nq }, (_, q) => Array.from(set.queries.subarray(q * d, q * d + d)));
  const rows = efs.map((ef) => {
    h.index.setEf(ef);
    return sweepOne(set.nq, (q) => h.index.searchKnn(qs[q]!, K).neighbors, set.gt, ef);
  });
  log('hnswlib: ' + rows.map((r) => `ef ${r.setting}: ${r.recall10.toFixed(4)} @ ${r.qps_single}`).join(', '));
  return { rows, build_s: h.build_s };
}

/** The cheapest row (highest QPS) whose recall is at least `recall`, or null. */
function cheapestAtLeast(rows: SweepRow[], recall: number): SweepRow | null {
  let best: SweepRow | null = null;
  for (const r of rows) if (r.recall10 >= recall - 1e-9 && (!best || r.qps_single > best.qps_single)) best = r;
  return best;
}

const stats = (v: number[]) => ({ min: round(Math.min(...v)), max: round(Math.max(...v)), mean: round(v.reduce((a, b) => a + b, 0) / v.length) });

interface RoundResult {
  round: number;
  loadavg_start: number[];
  ours: Contender;
  faiss: FaissRun | { skipped: string };
  hnsw: Contender | { skipped: string };
  loadavg_end: number[];
}

/** Per nprobe of ours: in each round, the other index's cheapest setting reaching our recall, and the QPS ratio. */
function compare(rounds: RoundResult[], nprobes: number[]) {
  return nprobes.map((np, i) => {
    const ours = rounds.map((r) => r.ours.rows[i]!);
    const vs = (pick: (r: RoundResult) => SweepRow[] | null) => {
      const per = rounds.map((r, ri) => {
        const rows = pick(r);
        if (!rows) return null;
        const o = ours[ri]!;
        const other = cheapestAtLeast(rows, o.recall10);
        return { round: r.round, other_setting: other?.setting ?? null, other_recall10: other?.recall10 ?? null, other_qps: other?.qps_single ?? null, ratio: other ? round(o.qps_single / other.qps_single) : null, other_max_recall10: Math.max(...rows.map((x) => x.recall10)) };
      });
      if (per.every((p) => p === null)) return null;
      const ratios = per.filter((p) => p && p.ratio !== null).map((p) => p!.ratio!);
      return { per_round: per, ratio: ratios.length ? stats(ratios) : null, never_reached: ratios.length === 0 };
    };
    return {
      nprobe: np,
      ours: { recall10: ours[0]!.recall10, qps_single: ours.map((o) => o.qps_single) },
      faiss: vs((r) => ('rows' in r.faiss ? r.faiss.rows : null)),
      hnswlib: vs((r) => ('rows' in r.hnsw ? r.hnsw.rows : null)),
    };
  });
}

function fmtVs(c: ReturnType<typeof compare>[number]['faiss'], label: string): string {
  if (!c) return '-';
  if (c.never_reached) return `${label} never reaches it (max ${Math.max(...c.per_round.map((p) => p?.other_max_recall10 ?? 0)).toFixed(4)})`;
  const first = c.per_round.find((p) => p && p.other_setting !== null)!;
  const qps = c.per_round.map((p) => (p?.other_qps ?? '-').toLocaleString()).join(' / ');
  return `${first.other_setting}: ${first.other_recall10!.toFixed(4)} @ ${qps} | **${c.ratio!.min.toFixed(2)}-${c.ratio!.max.toFixed(2)}** (mean ${c.ratio!.mean.toFixed(2)})`;
}

async function sideBySideSet(py: PythonEnv, name: string, sigma: number, rounds: number, nprobes: number[]): Promise<Record<string, unknown>> {
  const set = anchorSet(py, name, sigma, N, NQ);
  log(`\n## ${name} (sigma ${sigma}): ${set.n} x ${set.dim}, ${set.nq} queries, from ${set.source}`);
  const efs = quick ? [10, 20, 40, 80, 160] : [10, 20, 40, 80, 160, 320];
  const hb = process.argv.includes('--no-hnsw') ? null : hnswBuild(set);
  const results: RoundResult[] = [];
  for (let r = 1; r <= rounds; r++) {
    log(`\n### ${name} round ${r}/${rounds} (load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')})`);
    const loadStart = os.loadavg().map((v) => round(v));
    // Alternate the order between rounds so neither side always runs first.
    const runOurs = () => {
      const o = oursRound(set, nprobes);
      const { index: _i, ...rest } = o;
      return rest;
    };
    const runFaiss = () => faissRound(py, set, nprobes, r);
    let ours: Contender;
    let faiss: FaissRun | { skipped: string };
    if (r % 2 === 1) {
      ours = runOurs();
      faiss = runFaiss();
    } else {
      faiss = runFaiss();
      ours = runOurs();
    }
    if ('skipped' in faiss && r === 1) log(`FAISS: ${faiss.skipped}`);
    const hnsw: Contender | { skipped: string } = hb ? hnswRound(hb, set, efs) : { skipped: process.argv.includes('--no-hnsw') ? '--no-hnsw' : 'hnswlib-node not installed (npm install)' };
    results.push({ round: r, loadavg_start: loadStart, ours, faiss, hnsw, loadavg_end: os.loadavg().map((v) => round(v)) });
  }
  const cmp = compare(results, nprobes);
  const f0 = results.map((r) => r.faiss).find((f): f is FaissRun => 'rows' in f);
  const faissLabel = f0 ? `FAISS ${f0.version} (${f0.compile})` : 'FAISS';
  log(`\n| nprobe | ours recall@10 | ours QPS (${results.map((r) => `r${r.round}`).join(' / ')}) | ${faissLabel}: cheapest nprobe reaching it: recall @ QPS per round \\| ours ÷ FAISS min-max | hnswlib: cheapest ef: recall @ QPS \\| ours ÷ hnswlib |`);
  log('|---|---|---|---|---|');
  for (const c of cmp) log(`| ${c.nprobe} | ${c.ours.recall10.toFixed(4)} | ${c.ours.qps_single.map((v) => v.toLocaleString()).join(' / ')} | ${fmtVs(c.faiss, 'FAISS')} | ${fmtVs(c.hnswlib, 'hnswlib')} |`);
  const ol = results.map((r) => r.ours);
  const fl = results.map((r) => r.faiss).filter((f): f is FaissRun => 'rows' in f);
  log(`\n| | train s | add s | codes+ids B/vec |`);
  log('|---|---|---|---|');
  log(`| ours | ${ol.map((o) => o.train_s).join(' / ')} | ${ol.map((o) => o.add_s).join(' / ')} | ${ol[0]!.code_and_id_bytes_per_vec} |`);
  if (fl.length) log(`| ${faissLabel} (${f0!.compile}) | ${fl.map((f) => f.train_s).join(' / ')} | ${fl.map((f) => f.add_s).join(' / ')} | 56 (48 code + 8 id) |`);
  if (hb) log(`| hnswlib-node M16 efC200 | - | ${hb.build_s} (build) | - |`);
  const targets = {
    qps_ge_faiss_at_every_nprobe: fl.length ? cmp.every((c) => !c.faiss || c.faiss.never_reached || (c.faiss.ratio !== null && c.faiss.ratio.min >= 1)) : null,
    qps_ge_faiss_at_every_nprobe_by_mean: fl.length ? cmp.every((c) => !c.faiss || c.faiss.never_reached || (c.faiss.ratio !== null && c.faiss.ratio.mean >= 1)) : null,
    worst_ratio_vs_faiss: fl.length ? Math.min(...cmp.filter((c) => c.faiss && c.faiss.ratio).map((c) => c.faiss!.ratio!.min)) : null,
    train_le_faiss: fl.length ? Math.max(...ol.map((o) => o.train_s!)) <= Math.min(...fl.map((f) => f.train_s!)) : null,
    train_ratio_vs_faiss: fl.length ? round(stats(ol.map((o) => o.train_s!)).mean / stats(fl.map((f) => f.train_s!)).mean) : null,
    add_le_2x_faiss: fl.length ? Math.max(...ol.map((o) => o.add_s!)) <= 2 * Math.min(...fl.map((f) => f.add_s!)) : null,
    add_ratio_vs_faiss: fl.length ? round(stats(ol.map((o) => o.add_s!)).mean / stats(fl.map((f) => f.add_s!)).mean) : null,
    code_and_id_bytes_le_56: ol[0]!.code_and_id_bytes_per_vec! <= 56,
  };
  log(`targets: ${JSON.stringify(targets)}`);
  return { source: set.source, data: set.meta, dir: set.dir, rounds: results, comparison: cmp, targets };
}

/**
 * Flat vs IVF-PQ at growing N, with nlist = nlistFor(N), refine x10 and nprobe at 1/16, 1/8 and 1/4 of
 * the lists: where IVF starts to pay, and which probe fraction keeps recall up (DEFAULT_FLAT_THRESHOLD,
 * DEFAULT_NPROBE_FRACTION).
 */
function crossover(sizes: number[], sigma: number): unknown[] {
  const dim = 384;
  const maxN = Math.max(...sizes);
  const data = generateClustered({ n: maxN, queries: 200, dim, clusters: 1000, sigma, seed: 77 });
  const out: unknown[] = [];
  log(`\n## crossover (sigma ${sigma}, d=384, K=1000 clusters, nlist=nlistFor(N), refine x${DEFAULT_REFINE}, 200 queries)`);
  log('| N | nlist | flat QPS | train s | nprobe | IVF-PQ QPS | recall@10 | speed-up vs flat |');
  log('|---|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const base = data.base.subarray(0, n * dim);
    const gt = exactSearch(base, data.queries, dim);
    const idx = createVectorIndex({ dim, autoTrain: false, normalize: false });
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = i;
    idx.add(ids, base);
    const t0 = now();
    const tr = idx.train();
    const trainS = (now() - t0) / 1000;
    for (const frac of [16, 8, 4]) {
      const np = Math.max(1, Math.round(tr.nlist / frac));
      const r = measureSearch(idx, data.queries, dim, gt.ids, np, DEFAULT_REFINE);
      log(`| ${n} | ${tr.nlist} | ${Math.round(gt.qps)} | ${trainS.toFixed(1)} | ${np} (1/${frac}) | ${r.qps_single} | ${r.recall10.toFixed(3)} | ${(r.qps_single / gt.qps).toFixed(1)} |`);
      out.push({ n, sigma, nlist: tr.nlist, nprobe: np, nprobe_fraction: 1 / frac, flat_qps: Math.round(gt.qps), ivfpq_qps: r.qps_single, ivfpq_recall10: r.recall10, train_s: round(trainS) });
    }
  }
  return out;
}

/** The `real` section: whole scale corpus embedded by the engine's embedder, or ANN_REAL_VECTORS/ANN_REAL_DIM. */
async function realPart(): Promise<Record<string, unknown>> {
  const started = new Date().toISOString();
  const file = process.env.ANN_REAL_VECTORS;
  let vectors: Float32Array;
  let dim: number;
  let source: Record<string, unknown>;
  const t0 = now();
  if (file && process.env.ANN_REAL_DIM) {
    const buf = fs.readFileSync(file);
    vectors = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    dim = Number(process.env.ANN_REAL_DIM);
    source = { file, dim };
  } else {
    if (!fs.existsSync(STATIC_MODEL) || !fs.existsSync(SCALE)) {
      log(`\nreal embeddings: skipped (${STATIC_MODEL} or ${SCALE} not found)`);
      return { skipped: `model ${STATIC_MODEL} or corpus ${SCALE} not found` };
    }
    const limit = quick ? 20_000 : Infinity;
    log(`\nembedding ${quick ? '20,000 chunks spread over' : 'every chunk of'} the scale corpus with ${path.basename(STATIC_MODEL)} ...`);
    const e = await scaleCorpusEmbeddings({ limit });
    vectors = e.vectors;
    dim = e.dim;
    source = { corpus: 'shared/corpus/scale/cockroachdb-docs', chunks: e.count, limit: quick ? limit : 'all', model: path.basename(STATIC_MODEL), dim, via: 'bench/lib/retrieval.ts scaleCorpusEmbeddings (engine Embedder)' };
  }
  const embedS = (now() - t0) / 1000;
  log(`${vectors.length / dim} vectors of ${dim} dims in ${embedS.toFixed(1)} s`);
  const nq = quick ? 300 : 1000;
  const refArg = process.argv.indexOf('--real-refines');
  const refines = refArg > 0 ? process.argv[refArg + 1]!.split(',').map(Number).filter((v) => Number.isInteger(v) && v >= 1) : [];
  const srArg = process.argv.indexOf('--real-sweep-rounds');
  const sweepRounds = srArg > 0 ? Math.max(1, Number(process.argv[srArg + 1]) || 1) : 1;
  const main = benchRealEmbeddings(vectors, dim, nq, pqSubquantizersFor(dim), 'real embeddings', refines, sweepRounds);
  const out: Record<string, unknown> = {
    started, quick, node: process.version, cores: os.cpus().length, load_at_start: os.loadavg().map((v) => round(v)),
    source: { ...source, embed_s: round(embedS) }, k: K, ...main,
  };
  // Comparison: the other m allowed by "codes <= 64 bytes" (m=64 at 256-d: 64 B codes + 4 B id = 68 B/vector).
  const alt = dim % 64 === 0 && main.m !== 64 && !process.env.ANN_REAL_SKIP_ALT_M ? 64 : null;
  if (alt) {
    const r = benchRealEmbeddings(vectors, dim, nq, alt, `real embeddings, m=${alt} (comparison)`);
    out.comparison_m64 = { m: r.m, nlist: r.nlist, train_s: r.train_s, add_s: r.add_s, code_and_id_bytes_per_vec: r.code_and_id_bytes_per_vec, flat: r.flat, rows: r.rows, rows_no_refine: r.rows_no_refine, verdict: r.verdict };
  }
  out.finished = new Date().toISOString();
  return out;
}

function printRealTable(real: Record<string, unknown>): void {
  const r = real as unknown as VectorBenchResult & { verdict?: { default_nprobe: number } };
  if (!r.rows) return;
  log(`\n## real embeddings summary: n=${r.n}, queries=${r.queries}, nlist=${r.nlist}, PQ${r.m}x8, refine x${DEFAULT_REFINE}; train ${r.train_s} s, add ${r.add_s} s, codes+ids ${r.code_and_id_bytes_per_vec} B/vec`);
  log('| nprobe | recall@10 | QPS (single query) |');
  log('|---|---|---|');
  log(`| flat (exact) | 1.000 | ${r.flat.qps_single} |`);
  for (const row of r.rows) log(`| ${row.nprobe}${row.nprobe === r.verdict?.default_nprobe ? ' (default)' : ''} | ${row.recall10.toFixed(3)} | ${row.qps_single} |`);
}

function writeMerged(update: Record<string, unknown>): void {
  let existing: Record<string, unknown> = {};
  if (fs.existsSync(RESULT_FILE)) existing = JSON.parse(fs.readFileSync(RESULT_FILE, 'utf8')) as Record<string, unknown>;
  // The old "skipped" placeholder of the hook is superseded by `real`.
  const isSkipNote = (v: unknown) => typeof v === 'object' && v !== null && 'skipped' in v;
  if (isSkipNote(existing.real_embeddings)) delete existing.real_embeddings;
  const merged = { ...existing, ...update };
  fs.mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
  fs.writeFileSync(RESULT_FILE, JSON.stringify(merged, null, 1) + '\n');
  log(`\nwrote ${RESULT_FILE} (${Object.keys(update).join(', ')} ${realOnly ? 'merged into the existing results' : ''})`);
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  log(`# ann benchmark${quick ? ' (--quick)' : ''}${realOnly ? ' (--real-only)' : ''}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, kernels ${kernelBackend()}, load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  if (realOnly) {
    const real = await realPart();
    printRealTable(real);
    writeMerged({ real });
    return;
  }
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : quick ? 1 : 3;
  const py = findPython();
  log(`python: ${py.python ?? 'none'}, numpy ${py.numpy ?? 'missing'}, FAISS ${py.faiss ? `${py.faiss.version} (${py.faiss.compile}; ${py.faiss.swig_module} from ${py.faiss.file})` : 'missing'} [${py.apt}]`);
  const results: Record<string, unknown> = {
    started, quick, node: process.version, cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', kernels: kernelBackend(), k: K, n: N, queries: NQ, nlist: NLIST, m: M, refine: DEFAULT_REFINE, rounds,
    load_at_start: os.loadavg().map((v) => round(v)),
    anchors: {
      data: 'gen_data.py from ../shared/corpus/ann-anchor (run from there, not copied), numpy seeds fixed: the same vectors for every contender',
      faiss: py.faiss ? `FAISS ${py.faiss.version} (${py.faiss.compile}, ${py.faiss.build}) through ../shared/corpus/ann-anchor/bench_faiss.py: IVF1024,PQ48x8np (no polysemous training) + IndexRefineFlat k_factor 10, METRIC_INNER_PRODUCT, 1 thread, OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}` : `not run: ${py.apt}`,
      faiss_build: py.faiss ? { ...py.faiss, simd: /AVX2|AVX512/.test(py.faiss.compile) && py.faiss.swig_module !== 'swigfaiss', pythonpath: FAISS_PYTHONPATH } : null,
      faiss_note: !py.faiss
        ? 'no FAISS ran'
        : /AVX2|AVX512/.test(py.faiss.compile) && py.faiss.swig_module !== 'swigfaiss'
          ? `SIMD FAISS ${py.faiss.version} (${py.faiss.compile}, module ${py.faiss.swig_module}, ${py.faiss.build}): a SIMD anchor, though not the faiss-cpu 1.15 wheel (PyPI is unreachable here)`
          : `FAISS ${py.faiss.version} compiled without SIMD (${py.faiss.compile}): a floor, not the anchor; ANN_FAISS_PYTHONPATH can name an AVX2 build (scripts/build-faiss-avx2.sh)`,
      blas: blasLibrary(),
      hnswlib: 'hnswlib-node 3.0.0 (npm dev dependency), M16, efConstruction 200, space ip, in this process, number[] conversion outside the timed loop',
      qps: `single-query calls, best of ${REPEATS} passes over all queries, per round; rounds interleave ours / FAISS (order alternating) / hnswlib`,
    },
  };
  const sets: Record<string, unknown> = {};
  for (const [name, sigma] of [['aniso', 0.9], ['aniso_s15', 1.5]] as const) sets[name] = await sideBySideSet(py, name, sigma, rounds, NPROBES);
  results.synthetic = sets;
  if (!process.argv.includes('--no-crossover')) {
    const sizes = quick ? [5000, 20000] : [5000, 10000, 20000, 50000];
    results.crossover = [...crossover(sizes, 1.5), ...crossover(sizes, 0.9)];
  }
  results.default_flat_threshold = DEFAULT_FLAT_THRESHOLD;
  if (!process.argv.includes('--no-real')) {
    results.real = await realPart();
    printRealTable(results.real as Record<string, unknown>);
  }
  results.load_at_end = os.loadavg().map((v) => round(v));
  results.finished = new Date().toISOString();
  const file = OUT_FILE ?? (quick ? path.join('bench', 'results', 'ann-quick.json') : RESULT_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 1) + '\n');
  log(`\nwrote ${file}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
