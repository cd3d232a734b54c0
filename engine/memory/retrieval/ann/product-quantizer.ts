// Product quantizer: the vector is cut into m sub-vectors of dsub = dim/m dimensions, each encoded by
// the index (one byte) of its nearest of 256 sub-centroids. Used on residuals (vector - coarse centroid).

import { Arena, panelIndex } from './kernels';
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
  /** Kernel memory: codebooks (panel-major per sub-quantizer), half norms, the query's lookup tables. */
  readonly arena: Arena;
  /** Arena offsets (bytes). */
  readonly pMat: number;
  readonly pHalf: number;
  readonly pR: number;
  readonly pScratch: number;
  readonly pCodes: number;
  readonly pLutF: number;
  readonly pLut16: number;
  readonly pMeta: number;
  /** After prepareQuery(): a code's table score is lutBias + lutStep * (sum of its u16 entries). */
  lutBias = 0;
  lutStep = 0;

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
    const A = new Arena(4 * (m * KSUB * ds + m * KSUB + dim + 272 + m + 2 * m * KSUB + m + 2) + 1024 + 65536);
    this.arena = A;
    this.pMat = A.alloc(4 * m * KSUB * ds);
    const F = A.f32;
    const mo = this.pMat >> 2;
    for (let q = 0; q < m; q++) {
      for (let c = 0; c < KSUB; c++) for (let j = 0; j < ds; j++) F[mo + q * ds * KSUB + panelIndex(c, j, ds)] = centroids[(q * KSUB + c) * ds + j]!;
    }
    this.pHalf = A.alloc(4 * m * KSUB);
    A.putF32(this.pHalf, this.half);
    this.pR = A.alloc(4 * dim);
    this.pScratch = A.alloc(4 * 272);
    this.pCodes = A.alloc(m);
    this.pLutF = A.alloc(4 * m * KSUB);
    this.pLut16 = A.alloc(2 * m * KSUB);
    this.pMeta = A.alloc(4 * (m + 2));
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

  private encodeLoaded(codes: Uint8Array, co: number): number {
    const A = this.arena;
    const err = A.k.pq_encode(this.pR, this.pMat, this.pHalf, this.dsub, this.m, this.pScratch, this.pCodes);
    codes.set(A.u8.subarray(this.pCodes, this.pCodes + this.m), co);
    return err;
  }

  /**
   * Encodes r[ro .. ro+dim) into codes[co .. co+m) and returns the squared reconstruction error.
   */
  encode(r: Float32Array, ro: number, codes: Uint8Array, co: number): number {
    this.arena.f32.set(r.subarray(ro, ro + this.dim), this.pR >> 2);
    return this.encodeLoaded(codes, co);
  }

  /** Encodes the residual x[xo ..] - scale * base[bo ..] (each component rounded to float32 once). */
  encodeResidual(x: Float32Array, xo: number, base: Float32Array, bo: number, scale: number, codes: Uint8Array, co: number): number {
    const F = this.arena.f32;
    const ro = this.pR >> 2;
    for (let j = 0; j < this.dim; j++) F[ro + j] = x[xo + j]! - scale * base[bo + j]!;
    return this.encodeLoaded(codes, co);
  }

  /** Writes the reconstruction of codes[co .. co+m) into out[oo .. oo+dim). */
  decode(codes: Uint8Array, co: number, out: Float32Array, oo: number): void {
    const ds = this.dsub;
    for (let q = 0; q < this.m; q++) {
      const src = (q * KSUB + codes[co + q]!) * ds;
      for (let j = 0; j < ds; j++) out[oo + q * ds + j] = this.centroids[src + j]!;
    }
  }

  /**
   * Lookup tables for query x: the float table <x_q, centroid_{q,c}> (m x 256, at pLutF) and its u16
   * quantization (at pLut16; see lut_quantize in kernels.ts). Sets lutBias and lutStep.
   */
  prepareQuery(x: Float32Array, xo: number): void {
    const A = this.arena;
    A.f32.set(x.subarray(xo, xo + this.dim), this.pR >> 2);
    A.k.gemv_dm_multi(this.pR, this.pMat, this.dsub, KSUB, this.m, this.pLutF);
    A.k.lut_quantize(this.pLutF, this.m, this.pLut16, this.pMeta);
    this.lutBias = A.f32[this.pMeta >> 2]!;
    this.lutStep = A.f32[(this.pMeta >> 2) + 1]!;
  }

  /** Inner-product lookup table for query x: lut[q*256 + c] = <x_q, centroid_{q,c}>. m x 256 entries. */
  innerProductTable(x: Float32Array, xo: number, lut: Float32Array): void {
    this.prepareQuery(x, xo);
    lut.set(this.arena.f32.subarray(this.pLutF >> 2, (this.pLutF >> 2) + this.m * KSUB));
  }
}
