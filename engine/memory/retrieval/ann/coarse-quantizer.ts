// Coarse quantizer: nlist k-means centroids. Training, assignment and probing use the inner product
// (the largest <x, c> wins), as FAISS IndexIVF does with METRIC_INNER_PRODUCT; with L2 k-means the same
// data gave IVF recall@10 0.77 instead of 0.97-0.98 at nprobe 1 (20k anchor-like vectors, nlist 1024).
// Centroids are plain means by default; spherical k-means (unit centroids, FAISS's choice for inner
// product) is an option, with one residual scale per list (below). Queries pre-select 4*nprobe+96
// centroids in a random 64-d projection and re-score those exactly, or scan all centroids exactly once
// that shortlist would exceed nlist/8 (centroid-search.ts); adds are assigned exactly. An earlier
// two-level tree (sqrt(nlist) top clusters) was dropped: its top split cut clusters apart.

import { CentroidSearch, type CentroidMetric } from './centroid-search';
import { kmeans } from './kmeans';
import type { Projection } from './projection';
import type { Rng } from './prng';

export interface CoarseTrainOptions {
  nlist: number;
  iterations: number;
  maxPointsPerCentroid: number;
  rng: Rng;
  init?: 'kmeans++' | 'random';
  metric?: CentroidMetric;
  /**
   * Normalise centroids after every update (FAISS IndexIVF does for inner product). Default false:
   * measured on both anchor sets (100k x 384, nlist 1024, same kernels), it balances the lists (imbalance
   * factor 5.28 -> 1.76 on aniso_s15) but needs more codes scanned for the same recall@10 (aniso_s15:
   * 0.929 at 11.1k codes/query with plain means, 0.916 at 12.4k spherical; aniso: 0.985 at 103 codes plain,
   * 0.939 at 112 spherical). The larger lists of the plain-mean partition are the ones queries need.
   */
  spherical?: boolean;
}

export class CoarseQuantizer {
  readonly search: CentroidSearch;

  constructor(
    readonly dim: number,
    readonly nlist: number,
    /** nlist x dim */
    readonly centroids: Float32Array,
    projection: Projection | null,
    readonly metric: CentroidMetric = 'l2',
    /**
     * Per list, the length along its centroid of the list's mean: residuals are x - scale[l] * c_l. With
     * spherical k-means the centroids are unit vectors while a list's mean is shorter (0.5-0.9 on the
     * anchor sets); encoding x - c_l wastes the PQ on that offset (aniso_s15, spherical, nprobe 128/256:
     * recall@10 0.931/0.946 with x - c_l, 0.942/0.958 with the scale). 1 for plain means.
     */
    readonly scales: Float32Array = new Float32Array(nlist).fill(1),
  ) {
    this.search = new CentroidSearch(centroids, nlist, dim, projection, metric);
  }

  get projection(): Projection | null {
    return this.search.projection;
  }

  static train(data: Float32Array, n: number, d: number, opts: CoarseTrainOptions): CoarseQuantizer {
    const nlist = Math.max(1, Math.min(opts.nlist, n));
    const spherical = opts.spherical ?? false;
    const res = kmeans(data, n, d, { k: nlist, iterations: opts.iterations, maxPointsPerCentroid: opts.maxPointsPerCentroid, rng: opts.rng, init: opts.init, metric: opts.metric, spherical });
    const scales = new Float32Array(nlist).fill(1);
    if (spherical && (opts.metric ?? 'l2') === 'ip') {
      // Least-squares length of each list's base along its unit centroid: the mean of <x, c_l> over its points.
      const sum = new Float64Array(nlist);
      const cnt = new Int32Array(nlist);
      for (let i = 0; i < res.trainedOn; i++) {
        const l = res.assign[i]!;
        sum[l] = sum[l]! + res.score[i]!;
        cnt[l] = cnt[l]! + 1;
      }
      for (let l = 0; l < nlist; l++) if (cnt[l]! > 0 && sum[l]! > 0) scales[l] = sum[l]! / cnt[l]!;
    }
    return new CoarseQuantizer(d, nlist, res.centroids, res.projection, opts.metric ?? 'l2', scales);
  }

  /** The nprobe nearest lists of x (best first when sorted) into lists; ip gets <x, centroid>. Returns the count. */
  probe(x: Float32Array, xo: number, nprobe: number, lists: Int32Array, ip: Float32Array, sorted = true): number {
    return this.search.nearest(x, xo, nprobe, lists, ip, undefined, 0, sorted);
  }

  /** Exact list of each of n rows of x (all nlist centroids scored; the assign_batch kernel). */
  assignExact(x: Float32Array, n: number, lists: Int32Array, ips: Float32Array): void {
    this.search.assignAll(x, n, lists, ips);
  }

  nearestExact(x: Float32Array, xo: number): number {
    return this.search.nearestExact(x, xo);
  }
}
