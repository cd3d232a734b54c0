// Bounded min-heap of (score, a, b) over typed arrays: keeps the `capacity` highest scores seen.
// The root is the weakest kept score, so a candidate is rejected with one comparison.

export class TopKHeap {
  readonly scores: Float32Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  size = 0;
  private cap: number;

  constructor(maxCapacity: number) {
    this.scores = new Float32Array(maxCapacity);
    this.a = new Int32Array(maxCapacity);
    this.b = new Int32Array(maxCapacity);
    this.cap = maxCapacity;
  }

  get capacity(): number {
    return this.cap;
  }

  reset(capacity: number): void {
    if (capacity > this.scores.length) throw new RangeError(`heap capacity ${capacity} > ${this.scores.length}`);
    this.cap = capacity;
    this.size = 0;
  }

  /** Score a candidate must beat to enter (−Infinity while not full). */
  threshold(): number {
    return this.size < this.cap ? -Infinity : this.scores[0]!;
  }

  push(score: number, a: number, b: number): void {
    const s = this.scores;
    const A = this.a;
    const B = this.b;
    if (this.size < this.cap) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (s[p]! <= score) break;
        s[i] = s[p]!;
        A[i] = A[p]!;
        B[i] = B[p]!;
        i = p;
      }
      s[i] = score;
      A[i] = a;
      B[i] = b;
      return;
    }
    if (this.cap === 0 || score <= s[0]!) return;
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && s[r]! < s[l]! ? r : l;
      if (s[c]! >= score) break;
      s[i] = s[c]!;
      A[i] = A[c]!;
      B[i] = B[c]!;
      i = c;
    }
    s[i] = score;
    A[i] = a;
    B[i] = b;
  }

  /** Entry order sorted by descending score (indices into scores/a/b). */
  sortedOrder(): Int32Array {
    const order = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    const s = this.scores;
    order.sort((x, y) => s[y]! - s[x]!);
    return order;
  }
}
