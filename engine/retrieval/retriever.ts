import path from 'node:path';
import type { Db } from '../db/open';
import { Embedder, modelIdOf } from '../embed/embedder';
import { DenseIndex } from './dense';
import type { ScanOptions } from './files';
import { workspaceFreshness, type Freshness } from './freshness';
import { indexWorkspace, type IndexProgress, type IndexReport } from './indexer';
import { searchChunks, type SearchHit, type SearchOptions } from './search';
import { RetrievalStore } from './store';

export interface RetrieverOptions {
  readonly db: Db;
  readonly modelDir: string;
  readonly threads?: number;
  readonly batchSize?: number;
  readonly maxTokens?: number;
  readonly scan?: ScanOptions;
  readonly log?: (message: string) => void;
}

export interface RunOptions {
  readonly only?: readonly string[];
  readonly onProgress?: (p: IndexProgress) => void;
  readonly scan?: ScanOptions;
}

export interface RetrievalStatus {
  readonly documents: number;
  readonly chunks: number;
  readonly modelId: string | null;
  readonly lastIndexedAt: string | null;
  readonly indexing: boolean;
}

/**
 * The retrieval side of the engine: one database, one embedding model. Indexing runs are serialised (an
 * editor saving files quickly queues them); the vector index is kept in memory and updated by each run.
 * Vectors of two models never meet: switching models re-embeds every chunk (from cache where it can).
 */
export class Retriever {
  readonly store: RetrievalStore;
  private embedderPromise: Promise<Embedder> | null = null;
  private dense: DenseIndex | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private running = 0;

  constructor(private readonly options: RetrieverOptions) {
    this.store = new RetrievalStore(options.db);
  }

  get modelDir(): string {
    return path.resolve(this.options.modelDir);
  }

  embedder(): Promise<Embedder> {
    this.embedderPromise ??= Embedder.open({
      modelDir: this.options.modelDir,
      threads: this.options.threads,
      batchSize: this.options.batchSize,
      maxTokens: this.options.maxTokens,
    }).catch((error: unknown) => {
      this.embedderPromise = null;
      throw error;
    });
    return this.embedderPromise;
  }

  index(root: string, options: RunOptions = {}): Promise<IndexReport> {
    const run = this.queue.then(() => this.runIndex(root, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runIndex(root: string, options: RunOptions): Promise<IndexReport> {
    this.running++;
    try {
      const embedder = await this.embedder();
      this.adoptModel(embedder);
      const wasCurrent = this.dense?.isCurrent(this.store) ?? false;
      const report = await indexWorkspace(this.store, embedder, root, {
        ...this.options.scan,
        ...options.scan,
        only: options.only,
        onProgress: options.onProgress,
        log: this.options.log,
      });
      this.store.setState('last_indexed_at', new Date().toISOString());
      // The vector index is brought up to date here, so the first search after `index` pays nothing.
      if (this.dense && wasCurrent) this.dense.update(this.store, report.removedIds, report.addedIds);
      else this.dense = DenseIndex.load(this.store, embedder.modelId, embedder.dim);
      return report;
    } finally {
      this.running--;
    }
  }

  /** Makes `embedder`'s model the one the index holds, dropping the other model's vector index. */
  private adoptModel(embedder: Embedder): void {
    const previous = this.store.getState('model_id');
    if (previous === embedder.modelId) return;
    if (previous) this.options.log?.(`embedding model changed from ${previous} to ${embedder.modelId}: every chunk is re-embedded`);
    this.store.db.transaction(() => {
      this.store.setState('model_id', embedder.modelId);
      this.store.setState('model_dir', this.modelDir);
      this.store.db.prepare('DELETE FROM vector_indexes WHERE model_id != ?').run(embedder.modelId);
    })();
    this.dense = null;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    if ((options.mode ?? 'hybrid') === 'lexical') return searchChunks(this.store, query, null, options);
    const embedder = await this.embedder();
    const indexed = this.store.getState('model_id');
    if (indexed && indexed !== embedder.modelId) {
      throw new Error(
        `the index holds vectors of ${indexed}, but ${embedder.modelId} is loaded; index again with this model (or search with the model used to index)`,
      );
    }
    // While a run is under way it brings the index up to date itself; searches meanwhile use the one in memory.
    if (!this.dense || (!this.dense.isCurrent(this.store) && this.running === 0)) {
      this.dense = DenseIndex.load(this.store, embedder.modelId, embedder.dim);
    }
    return searchChunks(this.store, query, { index: this.dense, embedder }, options);
  }

  /** 'flat' or 'ivfpq' once the vector index is loaded; null before. */
  vectorIndexKind(): string | null {
    return this.dense?.kind ?? null;
  }

  status(): RetrievalStatus {
    const counts = this.store.counts();
    return {
      ...counts,
      modelId: this.store.getState('model_id') ?? null,
      lastIndexedAt: this.store.getState('last_indexed_at') ?? null,
      indexing: this.running > 0,
    };
  }

  freshness(root: string, scan?: ScanOptions): Freshness {
    return workspaceFreshness(this.store, root, { ...this.options.scan, ...scan });
  }

  async close(): Promise<void> {
    const pending = this.embedderPromise;
    this.embedderPromise = null;
    await this.queue.catch(() => undefined);
    if (this.store.db.open) this.dense?.flush(this.store);
    if (pending) await (await pending.catch(() => null))?.close();
  }
}

export { modelIdOf };
