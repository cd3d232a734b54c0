/**
 * Exact (brute-force) inner-product search over unit vectors, with the interface of the ANN index in ./ann:
 * the interface the engine codes against, and a reference that tests compare the real index with.
 */
export interface VectorHit {
  readonly id: number;
  readonly score: number;
}

export interface VectorIndex {
  readonly dim: number;
  readonly size: number;
  add(ids: ArrayLike<number>, vectors: Float32Array): void;
  remove(ids: ArrayLike<number>): unknown;
  search(query: Float32Array, k: number, opts?: Record<string, unknown>): VectorHit[];
  toBytes(): Uint8Array;
  needsRetrain(): boolean;
  has(id: number): boolean;
  /** Rebuilds the quantizers from the stored vectors (indexes that train). */
  retrain?(): void;
}

export class ExactIndex implements VectorIndex {
  private ids: number[] = [];
  private data: Float32Array;
  private readonly slot = new Map<number, number>();

  constructor(readonly dim: number, capacity = 1024) {
    this.data = new Float32Array(dim * capacity);
  }

  get size(): number {
    return this.ids.length;
  }

  add(ids: ArrayLike<number>, vectors: Float32Array): void {
    if (vectors.length !== ids.length * this.dim) throw new Error(`expected ${ids.length}x${this.dim} floats, got ${vectors.length}`);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let at = this.slot.get(id);
      if (at === undefined) {
        at = this.ids.length;
        this.grow(at + 1);
        this.ids.push(id);
        this.slot.set(id, at);
      }
      this.data.set(vectors.subarray(i * this.dim, (i + 1) * this.dim), at * this.dim);
    }
  }

  remove(ids: ArrayLike<number>): void {
    for (let i = 0; i < ids.length; i++) {
      const at = this.slot.get(ids[i]!);
      if (at === undefined) continue;
      // Move the last row into the hole: O(dim) per delete, no compaction pass.
      const last = this.ids.length - 1;
      const lastId = this.ids[last]!;
      if (at !== last) {
        this.data.copyWithin(at * this.dim, last * this.dim, (last + 1) * this.dim);
        this.ids[at] = lastId;
        this.slot.set(lastId, at);
      }
      this.ids.pop();
      this.slot.delete(ids[i]!);
    }
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = this.ids.length;
    const dim = this.dim;
    const scores = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      const o = r * dim;
      for (let d = 0; d < dim; d++) s += this.data[o + d]! * query[d]!;
      scores[r] = s;
    }
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => scores[b]! - scores[a]!);
    return order.slice(0, k).map((r) => ({ id: this.ids[r]!, score: scores[r]! }));
  }

  toBytes(): Uint8Array {
    const n = this.ids.length;
    const out = new Uint8Array(8 + n * 8 + n * this.dim * 4);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.dim, true);
    view.setUint32(4, n, true);
    for (let i = 0; i < n; i++) view.setFloat64(8 + i * 8, this.ids[i]!, true);
    out.set(new Uint8Array(this.data.buffer, 0, n * this.dim * 4), 8 + n * 8);
    return out;
  }

  static fromBytes(bytes: Uint8Array): ExactIndex {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const dim = view.getUint32(0, true);
    const n = view.getUint32(4, true);
    const index = new ExactIndex(dim, Math.max(n, 1));
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(view.getFloat64(8 + i * 8, true));
    const floats = new Float32Array(n * dim);
    new Uint8Array(floats.buffer).set(bytes.subarray(8 + n * 8, 8 + n * 8 + n * dim * 4));
    index.add(ids, floats);
    return index;
  }

  needsRetrain(): boolean {
    return false; // nothing is trained
  }

  has(id: number): boolean {
    return this.slot.has(id);
  }

  private grow(rows: number): void {
    if (rows * this.dim <= this.data.length) return;
    const next = new Float32Array(Math.max(rows, (this.data.length / this.dim) * 2) * this.dim);
    next.set(this.data);
    this.data = next;
  }
}
