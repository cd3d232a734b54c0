// IVF-PQ: coarse quantizer (inverted lists) + residual product quantization, ADC search with one
// inner-product lookup table per query, exact re-ranking of the best k*refine candidates from the
// stored float vectors. For inner product the residual table does not depend on the list:
// <q, c + r^> = <q, c> + sum_j lut[j][code_j], so one m x 256 table serves every probed list.

import { CoarseQuantizer } from './coarse-quantizer';
import { assessDrift, newDriftState, recordAdd, type DriftReport, type DriftState } from './drift-monitor';
import { InvertedLists } from './inverted-lists';
import { createRng, sampleIndices } from './prng';
import { KSUB, ProductQuantizer } from './product-quantizer';
import { TopKHeap } from './top-k-heap';
import { dot } from './vector-math';

export interface IvfPqParams {
  nlist: number;
  m: number;
  seed: number;
  /** Lloyd iterations for the coarse quantizer (each level). */
  coarseIterations: number;
  coarseMaxPointsPerCentroid: number;
  /** Lloyd iterations for each PQ sub-quantizer. */
  pqIterations: number;
  pqMaxPointsPerCentroid: number;
}

export const DEFAULT_IVFPQ_TRAINING = {
  coarseIterations: 10,
  coarseMaxPointsPerCentroid: 64,
  pqIterations: 10,
  pqMaxPointsPerCentroid: 64,
} as const;

export interface TrainTimings {
  coarseMs: number;
  pqMs: number;
  trainedOn: number;
  trainError: number;
}

export class IvfPqIndex {
  readonly lists: InvertedLists;
  readonly nlist: number;
  readonly m: number;
  private readonly residual: Float32Array;
  private readonly code: Uint8Array;
  private readonly probeLists: Int32Array;
  private readonly probeIp: Float32Array;
  private readonly lut: Float32Array;
  private candHeap = new TopKHeap(128);
  private finalHeap = new TopKHeap(16);

  constructor(
    readonly dim: number,
    readonly coarse: CoarseQuantizer,
    readonly pq: ProductQuantizer,
    readonly drift: DriftState,
  ) {
    this.nlist = coarse.nlist;
    this.m = pq.m;
    this.lists = new InvertedLists(this.nlist, dim, this.m);
    this.residual = new Float32Array(dim);
    this.code = new Uint8Array(this.m);
    this.probeLists = new Int32Array(this.nlist);
    this.probeIp = new Float32Array(this.nlist);
    this.lut = new Float32Array(this.m * KSUB);
  }

  /** Trains the quantizers on n training vectors (row-major). Does not add them. */
  static train(x: Float32Array, n: number, dim: number, p: IvfPqParams): { index: IvfPqIndex; timings: TrainTimings } {
    const rng = createRng(p.seed);
    const t0 = performance.now();
    // Inner-product assignment (as FAISS IndexIVF with METRIC_INNER_PRODUCT). Measured on the anchor data
    // (20k, nlist 1024, sigma 0.9): IVF recall@10 at nprobe 1 is 0.98 with it and 0.77 with L2 k-means.
    const coarse = CoarseQuantizer.train(x, n, dim, { nlist: p.nlist, iterations: p.coarseIterations, maxPointsPerCentroid: p.coarseMaxPointsPerCentroid, rng, metric: 'ip' });
    const t1 = performance.now();
    // The PQ trains on a sample that excludes `holdout` points; the reference error for drift detection is
    // measured on those, so it is not flattered by codebooks that memorised their own training residuals.
    const holdout = Math.min(2048, Math.floor(n / 5));
    const order = sampleIndices(rng, n, n);
    const pqN = Math.min(n - holdout, KSUB * p.pqMaxPointsPerCentroid);
    const nr = pqN + holdout;
    const rows = new Float32Array(nr * dim);
    for (let i = 0; i < pqN; i++) rows.set(x.subarray(order[holdout + i]! * dim, order[holdout + i]! * dim + dim), i * dim);
    for (let i = 0; i < holdout; i++) rows.set(x.subarray(order[i]! * dim, order[i]! * dim + dim), (pqN + i) * dim);
    const res = new Float32Array(nr * dim);
    const one = new Int32Array(1);
    const ipOne = new Float32Array(1);
    for (let i = 0; i < nr; i++) {
      coarse.probe(rows, i * dim, 1, one, ipOne);
      const c = one[0]!;
      for (let j = 0; j < dim; j++) res[i * dim + j] = rows[i * dim + j]! - coarse.centroids[c * dim + j]!;
    }
    const pq = ProductQuantizer.train(res, pqN, dim, { m: p.m, iterations: p.pqIterations, maxPointsPerCentroid: p.pqMaxPointsPerCentroid, rng });
    const code = new Uint8Array(p.m);
    let err = 0;
    const from = holdout > 0 ? pqN : 0;
    for (let i = from; i < nr; i++) err += pq.encode(res, i * dim, code, 0);
    const trainError = err / (nr - from);
    const t2 = performance.now();
    const index = new IvfPqIndex(dim, coarse, pq, newDriftState(trainError, n));
    return { index, timings: { coarseMs: t1 - t0, pqMs: t2 - t1, trainedOn: n, trainError } };
  }

  get size(): number {
    return this.lists.size;
  }

  /** Assigns, encodes and appends vectors; ids must be new. `trackDrift` records their quantization error. */
  add(ids: ArrayLike<number>, x: Float32Array, trackDrift = true): void {
    const d = this.dim;
    const one = this.probeLists;
    const ipOne = this.probeIp;
    const r = this.residual;
    const fine = this.coarse.centroids;
    for (let i = 0; i < ids.length; i++) {
      const xo = i * d;
      this.coarse.probe(x, xo, 1, one, ipOne);
      const l = one[0]!;
      const co = l * d;
      for (let j = 0; j < d; j++) r[j] = x[xo + j]! - fine[co + j]!;
      const err = this.pq.encode(r, 0, this.code, 0);
      if (trackDrift) recordAdd(this.drift, err);
      this.lists.append(l, ids[i]!, x, xo, this.code, 0);
    }
  }

  remove(id: number): boolean {
    return this.lists.remove(id);
  }

  driftReport(): DriftReport {
    return assessDrift(this.drift, this.size);
  }

  /**
   * ADC search of nprobe lists, then exact re-ranking of the best max(k, k*refine) candidates
   * (refine <= 0 returns the approximate ADC scores). Writes best-first ids/scores, returns the count.
   */
  search(q: Float32Array, qo: number, k: number, nprobe: number, refine: number, outIds: Uint32Array, outScores: Float32Array): number {
    const d = this.dim;
    const m = this.m;
    const np = Math.max(1, Math.min(nprobe, this.nlist));
    const nl = this.coarse.probe(q, qo, np, this.probeLists, this.probeIp);
    const lut = this.lut;
    this.pq.innerProductTable(q, qo, lut);
    const nCand = refine > 0 ? Math.max(k, Math.ceil(k * refine)) : k;
    if (this.candHeap.scores.length < nCand) this.candHeap = new TopKHeap(nCand);
    const heap = this.candHeap;
    heap.reset(nCand);
    let thr = -Infinity;
    for (let i = 0; i < nl; i++) {
      const l = this.probeLists[i]!;
      const base = this.probeIp[i]!;
      const codes = this.lists.codes[l]!;
      const n = this.lists.sizes[l]!;
      if (m % 4 === 0) {
        // Four independent sums per code: shorter dependency chains in the hottest loop.
        for (let p = 0, o = 0; p < n; p++, o += m) {
          let s0 = base;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let j = 0, lo = 0; j < m; j += 4, lo += 4 * KSUB) {
            s0 += lut[lo + codes[o + j]!]!;
            s1 += lut[lo + KSUB + codes[o + j + 1]!]!;
            s2 += lut[lo + 2 * KSUB + codes[o + j + 2]!]!;
            s3 += lut[lo + 3 * KSUB + codes[o + j + 3]!]!;
          }
          const s = s0 + s1 + s2 + s3;
          if (s > thr) {
            heap.push(s, l, p);
            thr = heap.threshold();
          }
        }
      } else {
        for (let p = 0, o = 0; p < n; p++, o += m) {
          let s = base;
          for (let j = 0, lo = 0; j < m; j++, lo += KSUB) s += lut[lo + codes[o + j]!]!;
          if (s > thr) {
            heap.push(s, l, p);
            thr = heap.threshold();
          }
        }
      }
    }
    let out = heap;
    if (refine > 0) {
      if (this.finalHeap.scores.length < k) this.finalHeap = new TopKHeap(k);
      out = this.finalHeap;
      out.reset(k);
      for (let e = 0; e < heap.size; e++) {
        const l = heap.a[e]!;
        const p = heap.b[e]!;
        out.push(dot(q, qo, this.lists.vecs[l]!, p * d, d), l, p);
      }
    }
    const order = out.sortedOrder();
    const cnt = Math.min(k, order.length);
    for (let i = 0; i < cnt; i++) {
      const e = order[i]!;
      outIds[i] = this.lists.ids[out.a[e]!]![out.b[e]!]!;
      outScores[i] = out.scores[e]!;
    }
    return cnt;
  }
}
