// Random orthogonal projection to r < d dimensions (Johnson-Lindenstrauss), used to pre-select the
// nearest centroids cheaply: scores in r dimensions pick a short list that is then re-scored exactly.
// Data-independent, so it behaves the same on any embedding model.

import type { Rng } from './prng';
import { dot } from './vector-math';

export class Projection {
  constructor(
    readonly dim: number,
    readonly rank: number,
    /** rank x dim, orthonormal rows */
    readonly rows: Float32Array,
  ) {}

  static random(dim: number, rank: number, rng: Rng): Projection {
    const r = Math.min(rank, dim);
    const q = new Float64Array(r * dim);
    for (let i = 0; i < q.length; i++) q[i] = rng.gaussian();
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < a; b++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += q[a * dim + j]! * q[b * dim + j]!;
        for (let j = 0; j < dim; j++) q[a * dim + j] = q[a * dim + j]! - s * q[b * dim + j]!;
      }
      let nrm = 0;
      for (let j = 0; j < dim; j++) nrm += q[a * dim + j]! * q[a * dim + j]!;
      nrm = Math.sqrt(nrm);
      for (let j = 0; j < dim; j++) q[a * dim + j] = q[a * dim + j]! / nrm;
    }
    return new Projection(dim, r, Float32Array.from(q));
  }

  /** out[oo .. oo+rank) = P x[xo .. xo+dim). */
  apply(x: Float32Array, xo: number, out: Float32Array, oo: number): void {
    const d = this.dim;
    for (let a = 0; a < this.rank; a++) out[oo + a] = dot(this.rows, a * d, x, xo, d);
  }

  /** Projects n rows. */
  applyAll(x: Float32Array, n: number): Float32Array {
    const out = new Float32Array(n * this.rank);
    for (let i = 0; i < n; i++) this.apply(x, i * this.dim, out, i * this.rank);
    return out;
  }
}
