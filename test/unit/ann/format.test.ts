import { describe, expect, it } from 'vitest';
import { createVectorIndex, VectorIndex, VectorIndexFormatError } from '../../../engine/memory/retrieval/ann';
import { CoarseQuantizer } from '../../../engine/memory/retrieval/ann/coarse-quantizer';
import { FlatIndex } from '../../../engine/memory/retrieval/ann/flat-index';
import { createRng } from '../../../engine/memory/retrieval/ann/prng';
import { FORMAT_VERSION } from '../../../engine/memory/retrieval/ann/serialize';
import { generateClustered } from '../../support/ann/synthetic-data';

const D = 128;
const SLOW = 180_000;

function ids(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** recall@10 at the index's defaults against exact search, on the fixed set the other ann tests use. */
function recallAtDefaults(sigma: number): { recall: number; idx: VectorIndex; data: ReturnType<typeof generateClustered> } {
  const data = generateClustered({ n: 8000, queries: 100, dim: D, clusters: 100, sigma, seed: 1234 });
  const flat = new FlatIndex(D);
  flat.add(ids(8000), data.base);
  const idx = createVectorIndex({ dim: D, flatThreshold: 1000 });
  idx.add(ids(8000), data.base);
  const o = new Uint32Array(10);
  const s = new Float32Array(10);
  let found = 0;
  for (let q = 0; q < 100; q++) {
    flat.search(data.queries, q * D, 10, o, s);
    const truth = new Set(o);
    for (const h of idx.search(data.queries.subarray(q * D, q * D + D), 10)) if (truth.has(h.id)) found++;
  }
  return { recall: found / 1000, idx, data };
}

describe('VectorIndex: format version 2', () => {
  it('writes version 2 and refuses version 1 files (before the lists residual scales) with a clear message', () => {
    const data = generateClustered({ n: 300, queries: 1, dim: D, clusters: 5, sigma: 0.9, seed: 3 });
    const idx = createVectorIndex({ dim: D });
    idx.add(ids(300), data.base);
    const bytes = idx.toBytes();
    expect(FORMAT_VERSION).toBe(2);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true)).toBe(2);
    const v1 = bytes.slice();
    new DataView(v1.buffer).setUint32(4, 1, true);
    expect(() => VectorIndex.fromBytes(v1)).toThrow(VectorIndexFormatError);
    expect(() => VectorIndex.fromBytes(v1)).toThrow(/version 1 is not supported \(this build reads version 2\); rebuild the index/);
  });
});

describe('VectorIndex: recall pinned on a fixed small set (8,000 x 128, 100 clusters; nlist 128, defaults)', () => {
  // The version-1 index (JavaScript loops, projected assignment of adds) measured 1.000 (sigma 0.9) and
  // 0.995 (sigma 1.5) here; this build must not do worse.
  it('sigma 0.9: recall@10 >= 0.995; the round trip keeps every hit', () => {
    const { recall, idx, data } = recallAtDefaults(0.9);
    expect(idx.kind).toBe('ivfpq');
    expect(recall).toBeGreaterThanOrEqual(0.995);
    const back = VectorIndex.fromBytes(idx.toBytes());
    for (let q = 0; q < 20; q++) {
      const qv = data.queries.subarray(q * D, q * D + D);
      expect(back.search(qv, 10)).toEqual(idx.search(qv, 10));
    }
  }, SLOW);

  it('sigma 1.5: recall@10 >= 0.99', () => {
    expect(recallAtDefaults(1.5).recall).toBeGreaterThanOrEqual(0.99);
  }, SLOW);
});

describe('CoarseQuantizer: spherical option', () => {
  it('balances the lists better than plain means; residual scales in (0, 1] (plain means: all 1)', () => {
    const data = generateClustered({ n: 8000, queries: 1, dim: D, clusters: 100, sigma: 1.5, seed: 1234 });
    const imbalance = (cq: CoarseQuantizer) => {
      const sizes = new Float64Array(cq.nlist);
      for (let i = 0; i < 8000; i++) sizes[cq.nearestExact(data.base, i * D)]! += 1;
      let sq = 0;
      for (const v of sizes) sq += v * v;
      return (sq * cq.nlist) / (8000 * 8000);
    };
    const train = (spherical: boolean) => CoarseQuantizer.train(data.base, 8000, D, { nlist: 128, iterations: 10, maxPointsPerCentroid: 64, rng: createRng(1), metric: 'ip', spherical });
    const plain = train(false);
    const sph = train(true);
    expect(imbalance(sph)).toBeLessThan(imbalance(plain));
    for (const s of plain.scales) expect(s).toBe(1);
    for (const s of sph.scales) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1.0001);
    }
    for (let c = 0; c < 128; c++) {
      let n = 0;
      for (let j = 0; j < D; j++) n += sph.centroids[c * D + j]! ** 2;
      expect(Math.abs(Math.sqrt(n) - 1)).toBeLessThan(1e-4);
    }
  }, SLOW);
});
