// Product quantizer: the vector is cut into m sub-vectors of dsub = dim/m dimensions, each encoded by
// the index (one byte) of its nearest of 256 sub-centroids. Used on residuals (vector - coarse centroid).

import { kmeans } from './kmeans';
import type { Rng } from './prng';

export const KSUB = 256;

export interface PqTrainOptions {
  m: number;
  iterations: number;
  maxPointsPerCentroid: number;
  rng: Rng;
}

export class ProductQuantizer {
  readonly dsub: number;
  /** |c|^2 / 2 per sub-centroid, m x 256. */
  readonly half: Float32Array;

  constructor(
    readonly dim: number,
    readonly m: number,
    /** m x 256 x dsub */
    readonly centroids: Float32Array,
  ) {
    if (dim % m !== 0) throw new RangeError(`dim ${dim} is not divisible by m ${m}`);
    this.dsub = dim / m;
    this.half = new Float32Array(m * KSUB);
    const ds = this.dsub;
    for (let i = 0; i < m * KSUB; i++) {
      let s = 0;
      for (let j = 0; j < ds; j++) s += centroids[i * ds + j]! * centroids[i * ds + j]!;
      this.half[i] = 0.5 * s;
    }
  }

  static train(x: Float32Array, n: number, dim: number, opts: PqTrainOptions): ProductQuantizer {
    const m = opts.m;
    const dsub = dim / m;
    const centroids = new Float32Array(m * KSUB * dsub);
    const sub = new Float32Array(n * dsub);
    for (let q = 0; q < m; q++) {
      for (let i = 0; i < n; i++) {
        const src = i * dim + q * dsub;
        for (let j = 0; j < dsub; j++) sub[i * dsub + j] = x[src + j]!;
      }
      const res = kmeans(sub, n, dsub, { k: KSUB, iterations: opts.iterations, maxPointsPerCentroid: opts.maxPointsPerCentroid, rng: opts.rng });
      centroids.set(res.centroids, q * KSUB * dsub);
    }
    return new ProductQuantizer(dim, m, centroids);
  }

  /**
   * Encodes r[ro .. ro+dim) into codes[co .. co+m) and returns the squared reconstruction error.
   */
  encode(r: Float32Array, ro: number, codes: Uint8Array, co: number): number {
    const ds = this.dsub;
    const C = this.centroids;
    const H = this.half;
    let err = 0;
    for (let q = 0; q < this.m; q++) {
      const so = ro + q * ds;
      let rn = 0;
      for (let j = 0; j < ds; j++) rn += r[so + j]! * r[so + j]!;
      let bi = 0;
      let bs = -Infinity;
      const cbase = q * KSUB;
      for (let c = 0; c < KSUB; c++) {
        const co2 = (cbase + c) * ds;
        let s = 0;
        for (let j = 0; j < ds; j++) s += r[so + j]! * C[co2 + j]!;
        s -= H[cbase + c]!;
        if (s > bs) {
          bs = s;
          bi = c;
        }
      }
      codes[co + q] = bi;
      const e = rn - 2 * bs;
      err += e > 0 ? e : 0;
    }
    return err;
  }

  /** Writes the reconstruction of codes[co .. co+m) into out[oo .. oo+dim). */
  decode(codes: Uint8Array, co: number, out: Float32Array, oo: number): void {
    const ds = this.dsub;
    for (let q = 0; q < this.m; q++) {
      const src = (q * KSUB + codes[co + q]!) * ds;
      for (let j = 0; j < ds; j++) out[oo + q * ds + j] = this.centroids[src + j]!;
    }
  }

  /** Inner-product lookup table for query x: lut[q*256 + c] = <x_q, centroid_{q,c}>. m x 256 entries. */
  innerProductTable(x: Float32Array, xo: number, lut: Float32Array): void {
    const ds = this.dsub;
    const C = this.centroids;
    for (let q = 0; q < this.m; q++) {
      const so = xo + q * ds;
      const cbase = q * KSUB;
      if (ds === 8) {
        const x0 = x[so]!, x1 = x[so + 1]!, x2 = x[so + 2]!, x3 = x[so + 3]!;
        const x4 = x[so + 4]!, x5 = x[so + 5]!, x6 = x[so + 6]!, x7 = x[so + 7]!;
        for (let c = 0; c < KSUB; c++) {
          const o = (cbase + c) * 8;
          lut[cbase + c] =
            x0 * C[o]! + x1 * C[o + 1]! + x2 * C[o + 2]! + x3 * C[o + 3]! +
            x4 * C[o + 4]! + x5 * C[o + 5]! + x6 * C[o + 6]! + x7 * C[o + 7]!;
        }
      } else {
        for (let c = 0; c < KSUB; c++) {
          const o = (cbase + c) * ds;
          let s = 0;
          for (let j = 0; j < ds; j++) s += x[so + j]! * C[o + j]!;
          lut[cbase + c] = s;
        }
      }
    }
  }
}
