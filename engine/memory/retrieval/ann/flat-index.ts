// Exact search: every stored vector is scored against the query. Used by the facade below the size
// where IVF-PQ pays, and by tests and the benchmark as the ground truth.

import { InvertedLists } from './inverted-lists';
import { TopKHeap } from './top-k-heap';
import { dot } from './vector-math';

export class FlatIndex {
  readonly store: InvertedLists;
  private heap = new TopKHeap(16);

  constructor(readonly dim: number) {
    this.store = new InvertedLists(1, dim, 0);
  }

  get size(): number {
    return this.store.size;
  }

  /** Appends vectors (n x dim, row-major); ids must be new. */
  add(ids: ArrayLike<number>, vectors: Float32Array): void {
    const d = this.dim;
    this.store.reserve(0, ids.length);
    for (let i = 0; i < ids.length; i++) this.store.append(0, ids[i]!, vectors, i * d, null, 0);
  }

  remove(id: number): boolean {
    return this.store.remove(id);
  }

  /** Top-k by inner product: writes ids/scores best first and returns how many were found. */
  search(q: Float32Array, qo: number, k: number, outIds: Uint32Array, outScores: Float32Array): number {
    const d = this.dim;
    if (this.heap.scores.length < k) this.heap = new TopKHeap(k);
    const heap = this.heap;
    heap.reset(k);
    const n = this.store.sizes[0]!;
    const v = this.store.vecs[0]!;
    let thr = -Infinity;
    for (let p = 0; p < n; p++) {
      const s = dot(q, qo, v, p * d, d);
      if (s > thr) {
        heap.push(s, p, 0);
        thr = heap.threshold();
      }
    }
    const order = heap.sortedOrder();
    const ids = this.store.ids[0]!;
    for (let i = 0; i < order.length; i++) {
      const e = order[i]!;
      outIds[i] = ids[heap.a[e]!]!;
      outScores[i] = heap.scores[e]!;
    }
    return order.length;
  }
}
