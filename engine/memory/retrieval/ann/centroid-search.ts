// Nearest-centroid search over k full-dimension centroids, on the SIMD kernels of kernels.ts. Small k or
// d: exact scan (one dimension-major matrix-vector product). Otherwise the centroids are scored in a
// random r-dimensional projection, the best `shortlist` are re-scored exactly, and the best of those
// win. Used for k-means assignment (training), for assigning added vectors to lists, and for picking the
// nprobe lists of a query.

import { Arena, pad16, toDimMajor } from './kernels';
import type { Projection } from './projection';
import { TopKHeap } from './top-k-heap';
import { halfNorms } from './vector-math';

/** Projected dimension. Measured at d=384, nlist=1024 (sigma 1.5): rank 64 picks the exact best list for
 *  94-97% of queries, rank 32 for 77-83%, with the shortlist below. */
export const PROJECTION_RANK = 64;
/** Below this many centroids (or when d <= 2 * rank) the exact scan is as cheap. */
export const MIN_CENTROIDS_FOR_PROJECTION = 128;

export type CentroidMetric = 'l2' | 'ip';

export class CentroidSearch {
  /** |c|^2/2 per centroid ('l2'), zeros ('ip'). */
  readonly half: Float32Array;
  readonly kp: number;
  private readonly arena: Arena;
  // Arena offsets (bytes).
  private readonly pC: number; // k x dim row-major
  private pCdm = -1; // dim x kp, built on first exact scan
  private readonly pHalf: number; // kp
  private readonly pP: number; // projection, dim x pad16(rank)
  private readonly pPC: number; // projected centroids, rank x kp
  private readonly pPHalf: number; // kp
  private readonly pX: number; // dim
  private readonly pXp: number; // pad16(rank)
  private readonly pScores: number; // kp (+1 for argmax's score)
  private readonly pIdx: number; // k i32
  private readonly pOut: number; // k
  private shortHeap = new TopKHeap(64);
  private bestHeap = new TopKHeap(64);

  constructor(
    readonly centroids: Float32Array,
    readonly k: number,
    readonly dim: number,
    readonly projection: Projection | null,
    /** 'l2': nearest by distance; 'ip': largest inner product (the norm terms are zero). */
    readonly metric: CentroidMetric = 'l2',
  ) {
    const d = dim;
    const kp = pad16(k);
    this.kp = kp;
    this.half = metric === 'l2' ? halfNorms(centroids, k, d) : new Float32Array(k);
    const r = projection ? projection.rank : 0;
    const rp = projection ? projection.rankPadded : 0;
    const bytes = 4 * (k * d + d * kp + kp + d * rp + r * kp + kp + d + rp + kp + 16 + 2 * k) + 16 * 16;
    const A = new Arena(bytes);
    this.arena = A;
    this.pC = A.alloc(4 * k * d);
    A.putF32(this.pC, centroids.subarray(0, k * d));
    this.pHalf = A.alloc(4 * kp);
    A.putF32(this.pHalf, this.half);
    this.pX = A.alloc(4 * d);
    this.pScores = A.alloc(4 * (kp + 16));
    this.pIdx = A.alloc(4 * k);
    this.pOut = A.alloc(4 * k);
    if (projection) {
      this.pP = A.alloc(projection.dm.byteLength);
      A.putF32(this.pP, projection.dm);
      this.pXp = A.alloc(4 * rp);
      const projected = projection.applyAll(centroids, k);
      this.pPC = A.alloc(4 * r * kp);
      A.putF32(this.pPC, toDimMajor(projected, k, r));
      this.pPHalf = A.alloc(4 * kp);
      if (metric === 'l2') A.putF32(this.pPHalf, halfNorms(projected, k, r));
    } else {
      this.pP = this.pXp = this.pPC = this.pPHalf = -1;
    }
  }

  static useProjection(k: number, dim: number): boolean {
    return k >= MIN_CENTROIDS_FOR_PROJECTION && dim > 2 * PROJECTION_RANK;
  }

  /** Shortlist size for a request of `want` centroids (re-scored exactly; exact scan once it reaches k/2). */
  static shortlistFor(want: number): number {
    return 4 * want + CentroidSearch.shortlistExtra;
  }

  /**
   * Constant part of the shortlist. Measured at d=384, nlist=1024 (anchor aniso_s15, 1,000 queries): with
   * 4*want+32 the projected search found the exact best list for 95.6% of queries; adds assigned the same
   * way put ~4% of the vectors into a worse list.
   */
  static shortlistExtra = 96;

  private exactMatrix(): number {
    if (this.pCdm < 0) {
      const dm = toDimMajor(this.centroids, this.k, this.dim);
      this.pCdm = this.arena.alloc(dm.byteLength);
      this.arena.putF32(this.pCdm, dm);
    }
    return this.pCdm;
  }

  private loadX(x: Float32Array, xo: number): void {
    this.arena.f32.set(x.subarray(xo, xo + this.dim), this.pX >> 2);
  }

  /**
   * Shortlists longer than this fraction of k cost more than the exact scan: measured at k=1024, d=384
   * (WebAssembly SIMD), the exact scan (one 384 x 1024 product, ~30 us) wins from a shortlist of ~128 on.
   */
  static shortlistMaxFraction = 0.125;

  private useShortlist(want: number): boolean {
    return this.projection !== null && CentroidSearch.shortlistFor(want) <= this.k * CentroidSearch.shortlistMaxFraction;
  }

  /**
   * The `want` best centroids of x, best first, into ids; ips receives <x, centroid>. xp (optional) is x
   * already projected (Projection.applyAll). Returns the count written.
   */
  nearest(x: Float32Array, xo: number, want: number, ids: Int32Array, ips: Float32Array, xp?: Float32Array, xpo = 0, sorted = true): number {
    const A = this.arena;
    const k = this.k;
    const w = Math.min(want, k);
    this.loadX(x, xo);
    if (!this.useShortlist(w)) {
      A.k.gemv_dm(this.pX, this.exactMatrix(), this.dim, this.kp, this.pScores);
      if (w === 1) {
        const c = A.k.argmax_sub(this.pScores, this.pHalf, k, this.pScores + 4 * this.kp);
        ids[0] = c;
        ips[0] = A.f32[(this.pScores >> 2) + c]!;
        return 1;
      }
      return this.selectTop(this.pScores, null, k, w, ids, ips, sorted);
    }
    const proj = this.projection!;
    const r = proj.rank;
    if (xp) A.f32.set(xp.subarray(xpo, xpo + r), this.pXp >> 2);
    else A.k.gemv_dm(this.pX, this.pP, this.dim, proj.rankPadded, this.pXp);
    A.k.gemv_dm(this.pXp, this.pPC, r, this.kp, this.pScores);
    const sl = Math.min(k, CentroidSearch.shortlistFor(w));
    if (this.shortHeap.scores.length < sl) this.shortHeap = new TopKHeap(sl);
    const short = this.shortHeap;
    short.reset(sl);
    const S = A.f32;
    const so = this.pScores >> 2;
    const pho = this.pPHalf >> 2;
    let thr = -Infinity;
    for (let c = 0; c < k; c++) {
      const s = S[so + c]! - S[pho + c]!;
      if (s > thr) {
        short.push(s, c, 0);
        thr = short.threshold();
      }
    }
    const I = A.i32;
    const io = this.pIdx >> 2;
    for (let e = 0; e < short.size; e++) I[io + e] = short.a[e]!;
    A.k.dot_idx(this.pX, this.pC, this.pIdx, short.size, this.dim, this.pOut);
    return this.selectTop(this.pOut, short.a, short.size, w, ids, ips, sorted);
  }

  /** Best `w` of scores[i] - half[c_i] (c_i = cand[i], or i), best first unless !sorted; ips[i] = the raw score. */
  private selectTop(scoresPtr: number, cand: Int32Array | null, n: number, w: number, ids: Int32Array, ips: Float32Array, sorted: boolean): number {
    const S = this.arena.f32;
    const so = scoresPtr >> 2;
    const H = this.half;
    if (this.bestHeap.scores.length < w) this.bestHeap = new TopKHeap(w);
    const best = this.bestHeap;
    best.reset(w);
    let thr = -Infinity;
    for (let i = 0; i < n; i++) {
      const c = cand ? cand[i]! : i;
      const s = S[so + i]! - H[c]!;
      if (s > thr) {
        best.push(s, c, i);
        thr = best.threshold();
      }
    }
    if (!sorted) {
      for (let e = 0; e < best.size; e++) {
        ids[e] = best.a[e]!;
        ips[e] = S[so + best.b[e]!]!;
      }
      return best.size;
    }
    const order = best.sortedOrder();
    for (let i = 0; i < order.length; i++) {
      const e = order[i]!;
      ids[i] = best.a[e]!;
      ips[i] = S[so + best.b[e]!]!;
    }
    return order.length;
  }

  /** Best centroid of x among n candidates cand[off .. off+n) (exact scores); writes its score - half to out[0]. */
  bestOf(x: Float32Array, xo: number, cand: Int32Array, off: number, n: number, out: Float64Array): number {
    const A = this.arena;
    this.loadX(x, xo);
    A.i32.set(cand.subarray(off, off + n), this.pIdx >> 2);
    A.k.dot_idx(this.pX, this.pC, this.pIdx, n, this.dim, this.pOut);
    const S = A.f32;
    const so = this.pOut >> 2;
    const H = this.half;
    let bi = cand[off]!;
    let bs = -Infinity;
    for (let i = 0; i < n; i++) {
      const c = cand[off + i]!;
      const s = S[so + i]! - H[c]!;
      if (s > bs) {
        bs = s;
        bi = c;
      }
    }
    out[0] = bs;
    return bi;
  }

  /**
   * Exact nearest centroid of each of n rows of x (argmax <x, c> - half[c], first on ties), by the
   * assign_batch kernel in blocks: outIdx[i], and outScore[i] = that maximum.
   */
  assignAll(x: Float32Array, n: number, outIdx: Int32Array, outScore: Float32Array): void {
    const A = this.arena;
    const d = this.dim;
    const mat = this.exactMatrix();
    const block = Math.max(1, Math.min(n, Math.floor((1 << 20) / (4 * d))));
    const mark = A.mark();
    const px = A.alloc(4 * block * d);
    const pi = A.alloc(4 * block);
    const ps = A.alloc(4 * block);
    for (let b = 0; b < n; b += block) {
      const cnt = Math.min(block, n - b);
      A.f32.set(x.subarray(b * d, (b + cnt) * d), px >> 2);
      A.k.assign_batch(px, cnt, d, mat, this.pHalf, this.k, this.kp, this.pScores, pi, ps);
      outIdx.set(A.i32.subarray(pi >> 2, (pi >> 2) + cnt), b);
      outScore.set(A.f32.subarray(ps >> 2, (ps >> 2) + cnt), b);
    }
    A.release(mark);
  }

  /** Exact best centroid (all k scored): the reference the projected search is measured against. */
  nearestExact(x: Float32Array, xo: number): number {
    const A = this.arena;
    this.loadX(x, xo);
    A.k.gemv_dm(this.pX, this.exactMatrix(), this.dim, this.kp, this.pScores);
    return A.k.argmax_sub(this.pScores, this.pHalf, this.k, this.pScores + 4 * this.kp);
  }
}
