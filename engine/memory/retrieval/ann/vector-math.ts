// Hot-loop helpers over Float32Array slices. Plain for-loops, four accumulators, no allocation.

/** Inner product of a[ao .. ao+d) and b[bo .. bo+d). */
export function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  const d4 = d - (d % 4);
  for (; j < d4; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < d; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + s2 + s3;
}

/** Squared L2 norm of a[ao .. ao+d). */
export function normSq(a: Float32Array, ao: number, d: number): number {
  return dot(a, ao, a, ao, d);
}

/** Half squared norms of n rows of length d: used to turn argmin ||x-c||^2 into argmax <x,c> - |c|^2/2. */
export function halfNorms(rows: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.5 * normSq(rows, i * d, d);
  return out;
}

/** L2-normalises every row of length d in place; zero rows stay zero. */
export function normalizeRows(v: Float32Array, d: number): void {
  const n = v.length / d;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const s = Math.sqrt(normSq(v, o, d));
    if (s > 0) {
      const inv = 1 / s;
      for (let j = 0; j < d; j++) v[o + j] = v[o + j]! * inv;
    }
  }
}
