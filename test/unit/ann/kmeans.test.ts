import { describe, expect, it } from 'vitest';
import { kmeans } from '../../../engine/memory/retrieval/ann/kmeans';
import { createRng } from '../../../engine/memory/retrieval/ann/prng';
import { TopKHeap } from '../../../engine/memory/retrieval/ann/top-k-heap';

/** n points around each of the given 2-d centres (spread 0.05). */
function blobs(centres: number[][], n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(centres.length * n * 2);
  let w = 0;
  for (let i = 0; i < n; i++) for (const c of centres) {
    out[w++] = c[0]! + 0.05 * rng.gaussian();
    out[w++] = c[1]! + 0.05 * rng.gaussian();
  }
  return out;
}

describe('kmeans', () => {
  const centres = [[0, 0], [5, 0], [0, 5], [5, 5]];

  it('finds well-separated clusters', () => {
    const x = blobs(centres, 200, 1);
    const res = kmeans(x, 800, 2, { k: 4, iterations: 10, maxPointsPerCentroid: 256, rng: createRng(7) });
    for (const c of centres) {
      let best = Infinity;
      for (let j = 0; j < 4; j++) best = Math.min(best, Math.hypot(res.centroids[2 * j]! - c[0]!, res.centroids[2 * j + 1]! - c[1]!));
      expect(best).toBeLessThan(0.05);
    }
    expect(res.meanError).toBeLessThan(0.01);
  });

  it('is deterministic for a seed and subsamples to k * maxPointsPerCentroid', () => {
    const x = blobs(centres, 500, 2);
    const a = kmeans(x, 2000, 2, { k: 4, iterations: 5, maxPointsPerCentroid: 64, rng: createRng(3) });
    const b = kmeans(x, 2000, 2, { k: 4, iterations: 5, maxPointsPerCentroid: 64, rng: createRng(3) });
    expect(a.trainedOn).toBe(256);
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    const c = kmeans(x, 2000, 2, { k: 4, iterations: 5, maxPointsPerCentroid: 64, rng: createRng(4) });
    expect(Array.from(c.centroids)).not.toEqual(Array.from(a.centroids));
  });
});

describe('TopKHeap', () => {
  it('keeps the k highest scores, sorted best first', () => {
    const rng = createRng(9);
    const heap = new TopKHeap(10);
    heap.reset(10);
    const all: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const s = rng.next();
      all.push(Math.fround(s));
      heap.push(s, i, 0);
    }
    const want = all.slice().sort((p, q) => q - p).slice(0, 10);
    const got = Array.from(heap.sortedOrder()).map((e) => heap.scores[e]!);
    expect(got).toEqual(want);
  });
});
