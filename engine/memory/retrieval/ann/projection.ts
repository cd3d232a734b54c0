// Random orthogonal projection to r < d dimensions (Johnson-Lindenstrauss), used to pre-select the
// nearest centroids cheaply: scores in r dimensions pick a short list that is then re-scored exactly.
// Data-independent, so it behaves the same on any embedding model. Applied with the gemv_dm kernel
// (kernels.ts) over the transposed rows, so every backend gives the same projected values.

import { Arena, pad16, panelIndex } from './kernels';
import type { Rng } from './prng';

export class Projection {
  /** The rows as a panel-major dim x pad16(rank) matrix (kernels.ts). */
  readonly dm: Float32Array;
  readonly rankPadded: number;

  constructor(
    readonly dim: number,
    readonly rank: number,
    /** rank x dim, orthonormal rows */
    readonly rows: Float32Array,
  ) {
    this.rankPadded = pad16(rank);
    this.dm = new Float32Array(dim * this.rankPadded);
    for (let a = 0; a < rank; a++) for (let j = 0; j < dim; j++) this.dm[panelIndex(a, j, dim)] = rows[a * dim + j]!;
  }

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

  /** Projects n rows of x (n x dim) to n x rank, in blocks through one arena. */
  applyAll(x: Float32Array, n: number): Float32Array {
    const d = this.dim;
    const r = this.rank;
    const rp = this.rankPadded;
    const block = 256;
    const arena = new Arena(this.dm.byteLength + block * d * 4 + rp * 4 + 1024);
    const pm = arena.alloc(this.dm.byteLength);
    arena.putF32(pm, this.dm);
    const xs = arena.alloc(block * d * 4);
    const out = arena.alloc(rp * 4);
    const res = new Float32Array(n * r);
    for (let b = 0; b < n; b += block) {
      const cnt = Math.min(block, n - b);
      arena.f32.set(x.subarray(b * d, (b + cnt) * d), xs >> 2);
      for (let i = 0; i < cnt; i++) {
        arena.k.gemv_dm(xs + i * d * 4, pm, d, rp, out);
        res.set(arena.f32.subarray(out >> 2, (out >> 2) + r), (b + i) * r);
      }
    }
    return res;
  }
}
