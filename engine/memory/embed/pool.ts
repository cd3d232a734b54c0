/**
 * Masked mean pooling followed by L2 normalisation: the sentence vector of a BERT-style encoder.
 * `hidden` is [batch, seq, dim] row-major; `lengths[b]` is the number of real (unpadded) tokens of row b.
 */
export function meanPoolNormalize(hidden: Float32Array, batch: number, seq: number, dim: number, lengths: readonly number[]): Float32Array {
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    const n = lengths[b]!;
    const o = b * dim;
    for (let t = 0; t < n; t++) {
      const h = (b * seq + t) * dim;
      for (let d = 0; d < dim; d++) out[o + d]! += hidden[h + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = out[o + d]! / Math.max(n, 1);
      out[o + d] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[o + d]! *= inv;
  }
  return out;
}
