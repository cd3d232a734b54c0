// The public facade. Callers add/remove/search; the facade keeps exact flat search below
// `flatThreshold` vectors and trains an IVF-PQ index once the collection grows past it.

import { DEFAULT_FLAT_THRESHOLD, DEFAULT_REFINE, nlistFor, nprobeFor, pqSubquantizersFor } from './defaults';
import type { DriftReport } from './drift-monitor';
import { FlatIndex } from './flat-index';
import { DEFAULT_IVFPQ_TRAINING, IvfPqIndex, type TrainTimings } from './ivfpq-index';
import { deserializeIndex, serializeIndex, type StoredOptions } from './serialize';
import { normalizeRows } from './vector-math';

export interface VectorIndexOptions {
  dim: number;
  /** Seed for every random choice in training (default 42): same data + seed = same index. */
  seed?: number;
  /** Exact flat search below this many vectors (default DEFAULT_FLAT_THRESHOLD). */
  flatThreshold?: number;
  /** Coarse lists; default nlistFor(training size). */
  nlist?: number;
  /** PQ sub-quantizers (bytes per code); default pqSubquantizersFor(dim). */
  m?: number;
  /** Default lists probed per query; default nprobeFor(nlist). */
  nprobe?: number;
  /** Default re-rank factor: k*refine candidates are scored exactly (default DEFAULT_REFINE, 12). */
  refine?: number;
  /** Train IVF-PQ automatically when an add crosses flatThreshold (default true). */
  autoTrain?: boolean;
  /** L2-normalise vectors and queries so scores are cosines (default true). */
  normalize?: boolean;
}

export interface SearchOptions {
  nprobe?: number;
  refine?: number;
}

export interface SearchHit {
  id: number;
  score: number;
}

export interface TrainReport extends TrainTimings {
  nlist: number;
  m: number;
  /** Time spent re-adding vectors already in the index under the new quantizers. */
  reAddMs: number;
}

export interface IndexStats {
  kind: 'flat' | 'ivfpq';
  size: number;
  dim: number;
  nlist: number;
  m: number;
  /** PQ code + 4-byte id per vector (0 for flat). */
  codeAndIdBytesPerVector: number;
}

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`vector id ${id} is not an integer in [0, 2^32)`);
}

export class VectorIndex {
  private inner: FlatIndex | IvfPqIndex;
  private readonly opts: StoredOptions;
  private outIds = new Uint32Array(16);
  private outScores = new Float32Array(16);
  private qbuf: Float32Array;

  private constructor(opts: StoredOptions, inner: FlatIndex | IvfPqIndex) {
    this.opts = opts;
    this.inner = inner;
    this.qbuf = new Float32Array(opts.dim);
  }

  static create(o: VectorIndexOptions): VectorIndex {
    if (!Number.isInteger(o.dim) || o.dim <= 0) throw new RangeError(`dim must be a positive integer, got ${o.dim}`);
    const m = o.m ?? pqSubquantizersFor(o.dim);
    if (o.dim % m !== 0) throw new RangeError(`m=${m} must divide dim=${o.dim}`);
    const opts: StoredOptions = {
      dim: o.dim,
      seed: o.seed ?? 42,
      flatThreshold: o.flatThreshold ?? DEFAULT_FLAT_THRESHOLD,
      nlist: o.nlist ?? null,
      m,
      nprobe: o.nprobe ?? null,
      refine: o.refine ?? DEFAULT_REFINE,
      autoTrain: o.autoTrain ?? true,
      normalize: o.normalize ?? true,
    };
    return new VectorIndex(opts, new FlatIndex(o.dim));
  }

  /** Loads an index written by toBytes(); throws VectorIndexFormatError on corrupt or foreign data. */
  static fromBytes(bytes: Uint8Array): VectorIndex {
    const { options, inner } = deserializeIndex(bytes);
    return new VectorIndex(options, inner);
  }

  get dim(): number {
    return this.opts.dim;
  }

  get size(): number {
    return this.inner.size;
  }

  get kind(): 'flat' | 'ivfpq' {
    return this.inner instanceof FlatIndex ? 'flat' : 'ivfpq';
  }

  has(id: number): boolean {
    return this.inner instanceof FlatIndex ? this.inner.store.has(id) : this.inner.lists.has(id);
  }

  stats(): IndexStats {
    const ivf = this.inner instanceof IvfPqIndex ? this.inner : null;
    return {
      kind: this.kind,
      size: this.size,
      dim: this.dim,
      nlist: ivf ? ivf.nlist : 0,
      m: ivf ? ivf.m : 0,
      codeAndIdBytesPerVector: ivf && ivf.size > 0 ? ivf.lists.codeAndIdBytes() / ivf.size : 0,
    };
  }

  private prepare(vectors: Float32Array, n: number): Float32Array {
    if (!this.opts.normalize) return vectors;
    const copy = vectors.slice(0, n * this.dim);
    normalizeRows(copy, this.dim);
    return copy;
  }

  /**
   * Adds (or replaces) vectors: ids[i] owns vectors[i*dim .. (i+1)*dim). Ids are integers in [0, 2^32).
   * May train IVF-PQ when autoTrain is on and the size crosses flatThreshold.
   */
  add(ids: ArrayLike<number>, vectors: Float32Array): void {
    const n = ids.length;
    if (vectors.length !== n * this.dim) throw new RangeError(`expected ${n} x ${this.dim} = ${n * this.dim} floats, got ${vectors.length}`);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      checkId(ids[i]!);
      if (seen.has(ids[i]!)) throw new RangeError(`id ${ids[i]} appears twice in one add`);
      seen.add(ids[i]!);
      if (this.has(ids[i]!)) this.inner.remove(ids[i]!);
    }
    const x = this.prepare(vectors, n);
    this.inner.add(ids, x);
    if (this.opts.autoTrain && this.inner instanceof FlatIndex && this.inner.size >= this.opts.flatThreshold) this.train();
  }

  /** Removes ids; returns how many were present. */
  remove(ids: ArrayLike<number> | number): number {
    const list = typeof ids === 'number' ? [ids] : ids;
    let removed = 0;
    for (let i = 0; i < list.length; i++) if (this.inner.remove(list[i]!)) removed++;
    return removed;
  }

  /** Top-k by cosine (inner product of normalised vectors), best first. */
  search(query: Float32Array, k = 10, o: SearchOptions = {}): SearchHit[] {
    if (query.length !== this.dim) throw new RangeError(`query has ${query.length} dimensions, index has ${this.dim}`);
    if (k <= 0 || this.size === 0) return [];
    let q = query;
    if (this.opts.normalize) {
      this.qbuf.set(query);
      normalizeRows(this.qbuf, this.dim);
      q = this.qbuf;
    }
    if (this.outIds.length < k) {
      this.outIds = new Uint32Array(k);
      this.outScores = new Float32Array(k);
    }
    let cnt: number;
    if (this.inner instanceof FlatIndex) {
      cnt = this.inner.search(q, 0, k, this.outIds, this.outScores);
    } else {
      const nprobe = o.nprobe ?? this.opts.nprobe ?? nprobeFor(this.inner.nlist);
      cnt = this.inner.search(q, 0, k, nprobe, o.refine ?? this.opts.refine, this.outIds, this.outScores);
    }
    const hits: SearchHit[] = new Array(cnt);
    for (let i = 0; i < cnt; i++) hits[i] = { id: this.outIds[i]!, score: this.outScores[i]! };
    return hits;
  }

  /**
   * Trains IVF-PQ quantizers on `sample` (n x dim; default: the vectors already stored) and moves the
   * stored vectors under them. The step the benchmark times as "train"; add() afterwards is "add".
   */
  train(sample?: Float32Array): TrainReport {
    const d = this.dim;
    let x: Float32Array;
    let n: number;
    if (sample) {
      n = Math.floor(sample.length / d);
      x = this.prepare(sample, n);
    } else {
      n = this.size;
      x = new Float32Array(n * d);
      let w = 0;
      this.forEachStored((_, v, o) => x.set(v.subarray(o, o + d), d * w++));
    }
    if (n < 256) throw new RangeError(`IVF-PQ training needs at least 256 vectors, got ${n}`);
    const nlist = this.opts.nlist ?? nlistFor(Math.max(n, this.size));
    const { index, timings } = IvfPqIndex.train(x, n, d, { nlist, m: this.opts.m, seed: this.opts.seed, ...DEFAULT_IVFPQ_TRAINING });
    const t0 = performance.now();
    const ids: number[] = [];
    const vecs = new Float32Array(this.size * d);
    this.forEachStored((id, v, o) => {
      vecs.set(v.subarray(o, o + d), ids.length * d);
      ids.push(id);
    });
    index.add(ids, vecs, false);
    this.inner = index;
    return { ...timings, nlist: index.nlist, m: index.m, reAddMs: performance.now() - t0 };
  }

  private forEachStored(fn: (id: number, v: Float32Array, o: number) => void): void {
    if (this.inner instanceof FlatIndex) this.inner.store.forEach(fn);
    else this.inner.lists.forEach(fn);
  }

  /** Why (or whether) retraining is advised: recent quantization error vs training, growth, shrinkage. */
  driftReport(): DriftReport {
    const size = this.size;
    if (this.inner instanceof FlatIndex) {
      const due = !this.opts.autoTrain && size >= this.opts.flatThreshold;
      return { retrain: due, reason: due ? 'untrained' : 'none', trainError: 0, recentError: 0, recentSamples: 0, trainedOn: 0, size };
    }
    const r = this.inner.driftReport();
    if (!r.retrain && size < this.opts.flatThreshold / 2) return { ...r, retrain: true, reason: 'shrink' };
    return r;
  }

  needsRetrain(): boolean {
    return this.driftReport().retrain;
  }

  /** Rebuilds from the stored vectors: IVF-PQ retrained on them, or flat when below flatThreshold. */
  retrain(): void {
    if (this.size < this.opts.flatThreshold) {
      const flat = new FlatIndex(this.dim);
      const ids: number[] = [];
      const vecs = new Float32Array(this.size * this.dim);
      this.forEachStored((id, v, o) => {
        vecs.set(v.subarray(o, o + this.dim), ids.length * this.dim);
        ids.push(id);
      });
      flat.add(ids, vecs);
      this.inner = flat;
      return;
    }
    this.train();
  }

  /** Serialises everything (quantizers, codes, ids, float vectors, options, drift state). */
  toBytes(): Uint8Array {
    return serializeIndex(this.opts, this.inner);
  }
}

export function createVectorIndex(options: VectorIndexOptions): VectorIndex {
  return VectorIndex.create(options);
}
