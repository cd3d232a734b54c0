import type { RetrievalStore } from './store';
import { INDEX_KIND, loadVectorIndex, newVectorIndex, PERSIST_INDEX, type VectorHit, type VectorIndex, type VectorIndexSettings } from './vectorIndex';

/** Blobs up to this size are saved after every change; larger ones at most every PERSIST_INTERVAL_MS (and on close). */
const SMALL_BLOB_BYTES = 16 * 1024 * 1024;
const PERSIST_INTERVAL_MS = 10 * 60_000;

export interface DenseLoadOptions extends VectorIndexSettings {
  /**
   * Train IVF-PQ quantizers here when the index is large enough (or has drifted). False in the thread that
   * serves searches: there `needsTraining` tells the caller to have a build worker do it.
   */
  readonly train?: boolean;
}

/**
 * The vector index of one model over the current chunk set. Loading prefers the persisted blob (trained
 * quantizers are not retrained on every start): a blob older than the chunk set is brought up to date by
 * removing and adding the chunks that differ. Indexing runs apply their changes; a large index is saved at most
 * every ten minutes and on close, since a reload reconciles whatever a crash left unsaved.
 *
 * It runs inside the index worker (indexWorker.ts) over that worker's own connection, never on the engine's
 * JSON-RPC thread; training happens only in `rebuild(..., { train: true })`, in a build worker.
 */
export class DenseIndex {
  private dirty = false;
  private lastSaved = 0;

  private constructor(
    private index: VectorIndex,
    readonly modelId: string,
    readonly dim: number,
    private generationValue: number,
    private readonly settings: VectorIndexSettings,
  ) {}

  static load(store: RetrievalStore, modelId: string, dim: number, options: DenseLoadOptions = {}): DenseIndex {
    const generation = store.generation();
    const row = store.db.prepare('SELECT kind, generation, dim, bytes FROM vector_indexes WHERE model_id = ?').get(modelId) as
      | { kind: string; generation: number; dim: number; bytes: Buffer }
      | undefined;
    if (row && row.dim === dim) {
      const index = loadVectorIndex(row.kind, new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength));
      if (index) {
        const dense = new DenseIndex(index, modelId, dim, row.generation, options);
        if (row.generation !== generation) {
          store.db.transaction(() => {
            dense.reconcile(store);
            dense.generationValue = store.generation();
          })();
          dense.save(store);
        }
        return dense;
      }
    }
    return DenseIndex.rebuild(store, modelId, dim, options);
  }

  /**
   * A new index from every stored vector, read in one snapshot (so the generation matches the vectors), and
   * saved. With `train`, IVF-PQ quantizers are trained when the index is past the flat threshold.
   */
  static rebuild(store: RetrievalStore, modelId: string, dim: number, options: DenseLoadOptions = {}): DenseIndex {
    const dense = store.db.transaction(() => {
      const d = new DenseIndex(newVectorIndex(dim, options), modelId, dim, store.generation(), options);
      d.addAll(store.chunkVectors(modelId));
      return d;
    })();
    if (options.train && dense.index.needsRetrain()) dense.index.retrain?.();
    dense.save(store);
    return dense;
  }

  get size(): number {
    return this.index.size;
  }

  get kind(): string {
    return (this.index as { kind?: string }).kind ?? 'exact';
  }

  get generation(): number {
    return this.generationValue;
  }

  /** Quantizers are due (a flat index past the threshold, drift, growth or shrinkage): a build worker should rebuild. */
  get needsTraining(): boolean {
    return this.index.needsRetrain();
  }

  /**
   * Applies one indexing run's changes (chunk ids removed, chunk ids added, whose vectors are read from the
   * store). Idempotent: an id already present is not added again, an absent one is not removed, so the same
   * changes may be applied to an index whose snapshot already holds some of them.
   */
  update(store: RetrievalStore, removed: readonly number[], added: readonly number[], generation = store.generation(), persist = true): void {
    if (removed.length) this.index.remove(removed);
    const gone = new Set(removed);
    this.addAll(store.chunkVectors(this.modelId, added.filter((id) => !gone.has(id) && !this.index.has(id))));
    this.generationValue = generation;
    this.dirty = true;
    if (persist && (this.small || Date.now() - this.lastSaved >= PERSIST_INTERVAL_MS)) this.save(store);
  }

  /** Brings the index to the store's current chunk set (another process indexed, or a blob was older). */
  sync(store: RetrievalStore, persist = true, force = false): void {
    if (!force && store.generation() === this.generationValue) return;
    store.db.transaction(() => {
      this.reconcile(store);
      this.generationValue = store.generation();
    })();
    this.dirty = true;
    if (persist && this.small) this.save(store);
  }

  private get small(): boolean {
    return this.size * (this.dim * 4 + 40) <= SMALL_BLOB_BYTES;
  }

  /** Saves unsaved changes (on close). */
  flush(store: RetrievalStore): void {
    if (this.dirty) this.save(store);
  }

  isCurrent(store: RetrievalStore): boolean {
    return this.generationValue === store.generation();
  }

  search(query: Float32Array, k: number): VectorHit[] {
    return this.index.search(query, k, {});
  }

  /** Makes the index hold exactly the chunks that have a vector of this model. */
  private reconcile(store: RetrievalStore): void {
    const current = store.embeddedChunkIds(this.modelId);
    const present = new Set(current);
    // Chunk ids are never reused (AUTOINCREMENT), so every id the index may hold lies in 1..maxChunkId.
    const stale: number[] = [];
    for (let id = 1, max = store.maxChunkId(); id <= max; id++) if (!present.has(id) && this.index.has(id)) stale.push(id);
    if (stale.length) this.index.remove(stale);
    this.addAll(store.chunkVectors(this.modelId, current.filter((id) => !this.index.has(id))));
  }

  private addAll(rows: Iterable<{ id: number; vector: Float32Array }>): void {
    const ids: number[] = [];
    let batch = new Float32Array(1024 * this.dim);
    const flush = () => {
      if (ids.length) this.index.add(ids, batch.subarray(0, ids.length * this.dim));
      ids.length = 0;
      batch = new Float32Array(1024 * this.dim);
    };
    for (const { id, vector } of rows) {
      if (vector.length !== this.dim) continue;
      batch.set(vector, ids.length * this.dim);
      ids.push(id);
      if (ids.length === 1024) flush();
    }
    flush();
  }

  private save(store: RetrievalStore): void {
    this.dirty = false;
    this.lastSaved = Date.now();
    if (!PERSIST_INDEX) return;
    store.db
      .prepare(
        `INSERT INTO vector_indexes (model_id, dim, generation, kind, bytes, built_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (model_id) DO UPDATE SET dim = excluded.dim, generation = excluded.generation, kind = excluded.kind,
         bytes = excluded.bytes, built_at = excluded.built_at`,
      )
      .run(this.modelId, this.dim, this.generationValue, INDEX_KIND, Buffer.from(this.index.toBytes()), new Date().toISOString());
  }
}
