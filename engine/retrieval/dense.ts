import type { RetrievalStore } from './store';
import { INDEX_KIND, loadVectorIndex, newVectorIndex, PERSIST_INDEX, type VectorHit, type VectorIndex } from './vectorIndex';

/** Blobs up to this size are saved after every change; larger ones at most every PERSIST_INTERVAL_MS. */
const SMALL_BLOB_BYTES = 16 * 1024 * 1024;
const PERSIST_INTERVAL_MS = 60_000;

/**
 * The vector index of one model over the current chunk set. Loading prefers the persisted blob (trained
 * quantizers are not retrained on every start): a blob older than the chunk set is brought up to date by
 * removing and adding the chunks that differ. Indexing runs apply their changes in memory; a large index is
 * saved at most once a minute and on close, since a reload reconciles whatever a crash left unsaved.
 */
export class DenseIndex {
  private dirty = false;
  private lastSaved = 0;

  private constructor(
    private index: VectorIndex,
    readonly modelId: string,
    readonly dim: number,
    private generation: number,
  ) {}

  static load(store: RetrievalStore, modelId: string, dim: number): DenseIndex {
    const generation = store.generation();
    const row = store.db.prepare('SELECT kind, generation, dim, bytes FROM vector_indexes WHERE model_id = ?').get(modelId) as
      | { kind: string; generation: number; dim: number; bytes: Buffer }
      | undefined;
    if (row && row.dim === dim) {
      const index = loadVectorIndex(row.kind, new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength));
      if (index) {
        const dense = new DenseIndex(index, modelId, dim, generation);
        if (row.generation !== generation) {
          dense.reconcile(store);
          dense.save(store);
        }
        return dense;
      }
    }
    return DenseIndex.rebuild(store, modelId, dim);
  }

  static rebuild(store: RetrievalStore, modelId: string, dim: number): DenseIndex {
    const dense = new DenseIndex(newVectorIndex(dim), modelId, dim, store.generation());
    dense.addAll(store.chunkVectors(modelId));
    dense.save(store);
    return dense;
  }

  get size(): number {
    return this.index.size;
  }

  get kind(): string {
    return (this.index as { kind?: string }).kind ?? 'exact';
  }

  /** Applies one indexing run's changes (chunk ids removed, chunk ids added with cached vectors). */
  update(store: RetrievalStore, removed: readonly number[], added: readonly number[]): void {
    if (removed.length) this.index.remove(removed);
    this.addAll(store.chunkVectors(this.modelId, added));
    this.generation = store.generation();
    // Far-drifted data gets fresh quantizers rather than degrading recall quietly.
    if (this.index.needsRetrain()) {
      if (this.index.retrain) this.index.retrain();
      else this.index = DenseIndex.rebuild(store, this.modelId, this.dim).index;
    }
    this.dirty = true;
    if (this.size * (this.dim * 4 + 40) <= SMALL_BLOB_BYTES || Date.now() - this.lastSaved >= PERSIST_INTERVAL_MS) this.save(store);
  }

  /** Saves unsaved changes (on close). */
  flush(store: RetrievalStore): void {
    if (this.dirty) this.save(store);
  }

  isCurrent(store: RetrievalStore): boolean {
    return this.generation === store.generation();
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
      .run(this.modelId, this.dim, this.generation, INDEX_KIND, Buffer.from(this.index.toBytes()), new Date().toISOString());
  }
}
