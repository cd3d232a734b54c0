// Synthetic clustered vectors with the structure of the FAISS anchor data (../shared/corpus/ann-anchor):
// a Gaussian mixture of K unit-norm centres; noise with a power-law spectrum (lambda_i ~ 1/i) turned by one
// global random rotation and scaled so that E||noise|| = sigma; every vector L2-normalised; queries are
// held-out draws from the same mixture. Uses this module's PRNG (sfc32), not numpy's, so the vectors are
// not the anchor's vectors, only drawn from the same distribution. Used by tests and bench/ann.ts.

import { createRng } from '../../../engine/memory/retrieval/ann/prng';
import { dot, normalizeRows } from '../../../engine/memory/retrieval/ann/vector-math';

export interface ClusteredDataOptions {
  n: number;
  queries: number;
  dim: number;
  clusters: number;
  sigma: number;
  seed: number;
}

export interface ClusteredData {
  base: Float32Array;
  queries: Float32Array;
  dim: number;
  /** The K unit-norm mixture centres (clusters x dim). */
  centres: Float32Array;
}

/** Random orthogonal d x d matrix (row-major) by modified Gram-Schmidt on a Gaussian matrix. */
function randomRotation(d: number, gauss: () => number): Float32Array {
  const q = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) q[i] = gauss();
  for (let r = 0; r < d; r++) {
    for (let p = 0; p < r; p++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += q[r * d + j]! * q[p * d + j]!;
      for (let j = 0; j < d; j++) q[r * d + j] = q[r * d + j]! - s * q[p * d + j]!;
    }
    let nrm = 0;
    for (let j = 0; j < d; j++) nrm += q[r * d + j]! * q[r * d + j]!;
    nrm = Math.sqrt(nrm);
    for (let j = 0; j < d; j++) q[r * d + j] = q[r * d + j]! / nrm;
  }
  return Float32Array.from(q);
}

export function generateClustered(o: ClusteredDataOptions): ClusteredData {
  const rng = createRng(o.seed);
  const g = rng.gaussian;
  const d = o.dim;
  const centres = new Float32Array(o.clusters * d);
  for (let i = 0; i < centres.length; i++) centres[i] = g();
  normalizeRows(centres, d);
  let h = 0;
  for (let i = 1; i <= d; i++) h += 1 / i;
  const std = new Float32Array(d);
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(1 / (i + 1) / h);
  // Calibrate so the mean noise norm (not its RMS) equals sigma.
  let meanNorm = 0;
  const probe = 4000;
  for (let s = 0; s < probe; s++) {
    let ss = 0;
    for (let i = 0; i < d; i++) {
      const v = g() * std[i]!;
      ss += v * v;
    }
    meanNorm += Math.sqrt(ss) / probe;
  }
  for (let i = 0; i < d; i++) std[i] = (std[i]! * o.sigma) / meanNorm;
  const rot = randomRotation(d, g);
  const z = new Float32Array(d);
  const draw = (count: number): Float32Array => {
    const out = new Float32Array(count * d);
    for (let v = 0; v < count; v++) {
      const c = rng.int(o.clusters) * d;
      for (let i = 0; i < d; i++) z[i] = g() * std[i]!;
      for (let r = 0; r < d; r++) out[v * d + r] = centres[c + r]! + dot(rot, r * d, z, 0, d);
    }
    normalizeRows(out, d);
    return out;
  };
  const base = draw(o.n);
  const queries = draw(o.queries);
  return { base, queries, dim: d, centres };
}
