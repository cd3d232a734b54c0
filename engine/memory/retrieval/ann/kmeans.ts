// Lloyd k-means with k-means++ seeding and subsampled training, deterministic for a given Rng.
// Assignment uses argmax <x,c> - |c|^2/2, which equals argmin ||x - c||^2 with one multiply-add per dimension.

import { CentroidSearch, PROJECTION_RANK, type CentroidMetric } from './centroid-search';
import { Projection } from './projection';
import { sampleIndices, type Rng } from './prng';
import { Arena } from './kernels';
import { halfNorms } from './vector-math';

/** Centroids remembered per point between full assignment passes. */
const SHORTLIST = 8;

export interface KMeansOptions {
  k: number;
  /** Lloyd iterations after seeding (stops early when no assignment changes). */
  iterations: number;
  /** Training points kept per centroid; above k * this, a random subsample is used. */
  maxPointsPerCentroid: number;
  rng: Rng;
  /** Seeding: k-means++ (default) or k distinct random training points (FAISS's choice). */
  init?: 'kmeans++' | 'random';
  /** Assignment rule (default 'l2'); 'ip' assigns to the largest inner product (FAISS IndexIVF with METRIC_INNER_PRODUCT). */
  metric?: CentroidMetric;
  /**
   * Spherical k-means: centroids are L2-normalised after every update (FAISS sets this for IndexIVF with
   * METRIC_INNER_PRODUCT). With inner-product assignment and plain means, a centroid's norm decides how
   * many points it attracts; on the overlapping anchor set that gave an imbalance factor of 5.0.
   */
  spherical?: boolean;
}

export interface KMeansResult {
  centroids: Float32Array;
  k: number;
  /** Mean squared distance of the training points to their centroid after the last iteration. */
  meanError: number;
  /** Number of training points actually used. */
  trainedOn: number;
  /** Projection used for assignment (null: exact), reusable for later searches over these centroids. */
  projection: Projection | null;
  /** The trainedOn points' assignments and their score <x, c> - |c|^2/2 ('l2') or <x, c> ('ip') in the last pass. */
  assign: Int32Array;
  score: Float64Array;
}

/** Copies the chosen rows (or all rows, when no subsample is needed) into a fresh array. */
export function subsampleRows(data: Float32Array, n: number, d: number, max: number, rng: Rng): { rows: Float32Array; n: number } {
  if (n <= max) return { rows: data.subarray(0, n * d), n };
  const pick = sampleIndices(rng, n, max);
  pick.sort();
  const rows = new Float32Array(max * d);
  for (let i = 0; i < max; i++) rows.set(data.subarray(pick[i]! * d, pick[i]! * d + d), i * d);
  return { rows, n: max };
}

/** k-means++ seeding: each next centroid drawn with probability proportional to D(x)^2 (dots by the dot_rows kernel). */
function seedPlusPlus(x: Float32Array, n: number, d: number, k: number, rng: Rng): Int32Array {
  const chosen = new Int32Array(k);
  const minD = new Float64Array(n).fill(Infinity);
  const xHalf = halfNorms(x, n, d);
  const arena = new Arena(4 * (n * d + n + d) + 64);
  const px = arena.alloc(4 * n * d);
  arena.putF32(px, x.subarray(0, n * d));
  const pout = arena.alloc(4 * n);
  let pick = rng.int(n);
  for (let ci = 0; ci < k; ci++) {
    chosen[ci] = pick;
    if (ci === k - 1) break;
    const cHalf = xHalf[pick]!;
    arena.k.dot_rows(px + 4 * pick * d, px, n, d, pout);
    const dots = arena.f32;
    const oo = pout >> 2;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dist = 2 * (xHalf[i]! + cHalf - dots[oo + i]!);
      const v = dist > 0 ? dist : 0;
      if (v < minD[i]!) minD[i] = v;
      total += minD[i]!;
    }
    if (total <= 0) {
      pick = rng.int(n); // all points coincide with chosen centroids: duplicates are harmless
      continue;
    }
    let r = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= minD[i]!;
      if (r < 0) {
        pick = i;
        break;
      }
    }
  }
  return chosen;
}

export function kmeans(data: Float32Array, n: number, d: number, opts: KMeansOptions): KMeansResult {
  if (n <= 0) throw new RangeError('k-means needs at least one training point');
  const { rows: x, n: nt } = subsampleRows(data, n, d, opts.k * opts.maxPointsPerCentroid, opts.rng);
  const k = opts.k;
  // Many centroids in many dimensions: seed and pre-select in a random projection (see centroid-search.ts).
  const projection = CentroidSearch.useProjection(k, d) ? Projection.random(d, PROJECTION_RANK, opts.rng) : null;
  const xp = projection ? projection.applyAll(x, nt) : null;
  const r = projection ? projection.rank : d;
  const chosen = opts.init === 'random' && nt >= k ? sampleIndices(opts.rng, nt, k) : seedPlusPlus(xp ?? x, nt, r, k, opts.rng);
  const c = new Float32Array(k * d);
  for (let i = 0; i < k; i++) c.set(x.subarray(chosen[i]! * d, chosen[i]! * d + d), i * d);
  const assign = new Int32Array(nt).fill(-1);
  const bestScore = new Float64Array(nt);
  const xHalf = halfNorms(x, nt, d);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const S = SHORTLIST;
  const cand = new Int32Array(nt * S);
  const candIps = new Float32Array(S);
  let meanError = 0;
  const bestOut = new Float64Array(1);
  const allIdx = projection ? null : new Int32Array(nt);
  const allScore = projection ? null : new Float32Array(nt);
  for (let it = 0; it <= opts.iterations; it++) {
    const search = new CentroidSearch(c, k, d, projection, opts.metric ?? 'l2');
    const cHalf = search.half;
    // With a projection, full passes refresh every point's shortlist of S nearest centroids and the passes
    // in between only re-score that shortlist (centroids move little once the first iterations are done).
    // Without one, every pass is an exact scan (one matrix-vector product and an argmax per point).
    const full = !projection || it < 2 || it % 4 === 0 || it === opts.iterations;
    let changed = 0;
    let err = 0;
    if (allIdx && allScore) search.assignAll(x, nt, allIdx, allScore);
    for (let i = 0; i < nt; i++) {
      const xo = i * d;
      let bi = 0;
      let bs = -Infinity;
      const co = i * S;
      if (allIdx && allScore) {
        bi = allIdx[i]!;
        bs = allScore[i]!;
      } else if (full) {
        const got = search.nearest(x, xo, S, cand.subarray(co, co + S), candIps, xp ?? undefined, i * r);
        for (let j = got; j < S; j++) cand[co + j] = cand[co]!;
        bi = cand[co]!;
        bs = candIps[0]! - cHalf[bi]!;
      } else {
        bi = search.bestOf(x, xo, cand, co, S, bestOut);
        bs = bestOut[0]!;
      }
      if (assign[i] !== bi) changed++;
      assign[i] = bi;
      bestScore[i] = bs;
      const e = 2 * (xHalf[i]! - bs);
      err += e > 0 ? e : 0;
    }
    meanError = err / nt;
    if (it === opts.iterations || (changed === 0 && it > 0 && full)) break;
    // Update step.
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < nt; i++) {
      const a = assign[i]!;
      counts[a]!++;
      const so = a * d;
      const xo = i * d;
      for (let j = 0; j < d; j++) sums[so + j] = sums[so + j]! + x[xo + j]!;
    }
    for (let a = 0; a < k; a++) {
      const cnt = counts[a]!;
      if (cnt === 0) continue;
      let inv = 1 / cnt;
      if (opts.spherical) {
        let nrm = 0;
        for (let j = 0; j < d; j++) nrm += sums[a * d + j]! * sums[a * d + j]!;
        inv = nrm > 0 ? 1 / Math.sqrt(nrm) : inv;
      }
      for (let j = 0; j < d; j++) c[a * d + j] = sums[a * d + j]! * inv;
    }
    // Empty clusters take the points farthest from their centroid (one each).
    let empties = 0;
    for (let a = 0; a < k; a++) if (counts[a] === 0) empties++;
    if (empties > 0) {
      const far = new Int32Array(nt);
      for (let i = 0; i < nt; i++) far[i] = i;
      const dist = (i: number) => xHalf[i]! - bestScore[i]!;
      far.sort((p, q) => dist(q) - dist(p));
      let f = 0;
      for (let a = 0; a < k && f < nt; a++) {
        if (counts[a] !== 0) continue;
        const p = far[f++]!;
        c.set(x.subarray(p * d, p * d + d), a * d);
        // Perturb slightly so the donor's own centroid and this one separate on the next iteration.
        for (let j = 0; j < d; j++) c[a * d + j] = c[a * d + j]! * (1 + 1e-4 * (opts.rng.next() - 0.5));
      }
    }
  }
  return { centroids: c, k, meanError, trainedOn: nt, projection, assign, score: bestScore };
}
