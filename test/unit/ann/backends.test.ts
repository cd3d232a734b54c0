import { afterEach, describe, expect, it } from 'vitest';
import { createVectorIndex, VectorIndex } from '../../../engine/memory/retrieval/ann';
import { kernelBackend, setKernelBackend, type KernelBackend } from '../../../engine/memory/retrieval/ann/kernels';
import { generateClustered } from '../../support/ann/synthetic-data';

// The index built and searched with the WebAssembly SIMD kernels and with the plain-TypeScript twins must be
// the same index: identical bytes after training and adding, identical hits. d=136 with nlist 128 takes
// the projected centroid search (k >= 128, d > 128) as well as the exact one (PQ training, large nprobe).

const D = 136;
const SLOW = 240_000;

function build(backend: KernelBackend, data: ReturnType<typeof generateClustered>, n: number): VectorIndex {
  setKernelBackend(backend);
  try {
    const idx = createVectorIndex({ dim: D, nlist: 128, autoTrain: false, seed: 7 });
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = 1000 + i;
    idx.add(ids, data.base.subarray(0, n * D));
    idx.train();
    idx.remove([1000, 1001, 1002]);
    return idx;
  } finally {
    setKernelBackend(null);
  }
}

afterEach(() => setKernelBackend(null));

describe.runIf(kernelBackend() === 'wasm-simd')('ann: WebAssembly SIMD and TypeScript backends build the same index', () => {
  it('byte-identical after training, adding and removing; identical hits at every nprobe', () => {
    const n = 5000;
    const data = generateClustered({ n, queries: 40, dim: D, clusters: 60, sigma: 1.2, seed: 99 });
    const w = build('wasm-simd', data, n);
    const t = build('typescript', data, n);
    expect(w.kind).toBe('ivfpq');
    const bw = w.toBytes();
    const bt = t.toBytes();
    expect(bw.byteLength).toBe(bt.byteLength);
    expect(Buffer.compare(Buffer.from(bw), Buffer.from(bt))).toBe(0);
    for (const nprobe of [1, 4, 32, 128]) {
      for (let q = 0; q < 40; q++) {
        const query = data.queries.subarray(q * D, q * D + D);
        setKernelBackend('typescript');
        const ht = VectorIndex.fromBytes(bt).search(query, 10, { nprobe });
        setKernelBackend(null);
        const hw = w.search(query, 10, { nprobe });
        expect(hw).toEqual(ht);
        expect(t.search(query, 10, { nprobe })).toEqual(ht);
      }
    }
  }, SLOW);
});
