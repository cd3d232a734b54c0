// Nearest-centroid search over k full-dimension centroids. Small k or d: exact scan. Otherwise the
// centroids are scored in a random r-dimensional projection, the best `shortlist` are re-scored
// exactly, and the best of those win. Used for k-means assignment (training), for assigning added
// vectors to lists, and for picking the nprobe lists of a query.

import { Projection } from './projection';
import { TopKHeap } from './top-k-heap';
import { dot, halfNorms } from './vector-math';

/** Projected dimension. Measured at d=384, nlist=1024 (sigma 1.5): rank 64 picks the exact best list for
 *  94-97% of queries, rank 32 for 77-83%, with the shortlist below. */
export const PROJECTION_RANK = 64;
/** Below this many centroids (or when d <= rank) the exact scan is as cheap. */
export const MIN_CENTROIDS_FOR_PROJECTION = 128;

export type CentroidMetric = 'l2' | 'ip';

export class CentroidSearch {
  readonly half: Float32Array;
  readonly projected: Float32Array | null;
  readonly projectedHalf: Float32Array | null;
  private readonly xp: Float32Array;
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
    this.half = metric === 'l2' ? halfNorms(centroids, k, dim) : new Float32Array(k);
    if (projection) {
      this.projected = projection.applyAll(centroids, k);
      this.projectedHalf = metric === 'l2' ? halfNorms(this.projected, k, projection.rank) : new Float32Array(k);
      this.xp = new Float32Array(projection.rank);
    } else {
      this.projected = null;
      this.projectedHalf = null;
      this.xp = new Float32Array(0);
    }
  }

  static useProjection(k: number, dim: number): boolean {
    return k >= MIN_CENTROIDS_FOR_PROJECTION && dim > 2 * PROJECTION_RANK;
  }

  /** Shortlist size for a request of `want` centroids (re-scored exactly; exact scan once it reaches k/2). */
  static shortlistFor(want: number): number {
    return 4 * want + 32;
  }

  /**
   * The `want` nearest centroids (L2) of x, best first, into ids; ips receives <x, centroid>.
   * xp (optional) is x already projected. Returns the count written.
   */
  nearest(x: Float32Array, xo: number, want: number, ids: Int32Array, ips: Float32Array, xp?: Float32Array, xpo = 0): number {
    const d = this.dim;
    const k = this.k;
    const C = this.centroids;
    const H = this.half;
    const w = Math.min(want, k);
    if (this.bestHeap.scores.length < w) this.bestHeap = new TopKHeap(w);
    const best = this.bestHeap;
    best.reset(w);
    const sl = Math.min(k, CentroidSearch.shortlistFor(w));
    if (!this.projection || !this.projected || !this.projectedHalf || sl * 2 >= k) {
      let thr = -Infinity;
      for (let c = 0; c < k; c++) {
        const s = dot(x, xo, C, c * d, d) - H[c]!;
        if (s > thr) {
          best.push(s, c, 0);
          thr = best.threshold();
        }
      }
    } else {
      const r = this.projection.rank;
      let px = xp;
      let po = xpo;
      if (!px) {
        this.projection.apply(x, xo, this.xp, 0);
        px = this.xp;
        po = 0;
      }
      if (this.shortHeap.scores.length < sl) this.shortHeap = new TopKHeap(sl);
      const short = this.shortHeap;
      short.reset(sl);
      const P = this.projected;
      const PH = this.projectedHalf;
      let thr = -Infinity;
      for (let c = 0; c < k; c++) {
        const s = dot(px, po, P, c * r, r) - PH[c]!;
        if (s > thr) {
          short.push(s, c, 0);
          thr = short.threshold();
        }
      }
      for (let e = 0; e < short.size; e++) {
        const c = short.a[e]!;
        best.push(dot(x, xo, C, c * d, d) - H[c]!, c, 0);
      }
    }
    const order = best.sortedOrder();
    for (let i = 0; i < order.length; i++) {
      const e = order[i]!;
      const c = best.a[e]!;
      ids[i] = c;
      ips[i] = best.scores[e]! + H[c]!;
    }
    return order.length;
  }

  /** Exact best centroid (all k scored): the reference the projected search is measured against. */
  nearestExact(x: Float32Array, xo: number): number {
    const d = this.dim;
    let bi = 0;
    let bs = -Infinity;
    for (let c = 0; c < this.k; c++) {
      const s = dot(x, xo, this.centroids, c * d, d) - this.half[c]!;
      if (s > bs) {
        bs = s;
        bi = c;
      }
    }
    return bi;
  }
}
