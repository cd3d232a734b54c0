import path from 'node:path';
import type { Db } from '../../control/db/open';
import { Embedder, modelIdOf } from '../embed/embedder';
import { DenseHost } from './denseHost';
import type { ScanOptions } from './files';
import { workspaceFreshness, type Freshness } from './freshness';
import { indexWorkspace, type IndexProgress, type IndexReport } from './indexer';
import { searchChunks, type SearchHit, type SearchOptions } from './search';
import type { AlertQuery, SearchQuery } from './query';
import { RetrievalStore } from './store';
import type { VectorIndexSettings } from './vectorIndex';

export interface RetrieverOptions {
  readonly db: Db;
  readonly modelDir: string;
  readonly threads?: number;
  readonly batchSize?: number;
  readonly maxTokens?: number;
  readonly scan?: ScanOptions;
  readonly log?: (message: string) => void;
  /** Vector index settings (tests lower the flat threshold to make training happen on a small set). */
  readonly vectorIndex?: VectorIndexSettings;
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
 * editor saving files quickly queues them); the vector index lives in worker threads (denseHost.ts) and is
 * updated by each run, and trained or rebuilt there while searches keep answering. A search that arrives
 * before the first indexing run has finished waits for it, so it is answered once there is something to find.
 * Vectors of two models never meet: switching models re-embeds every chunk (from cache where it can).
 */
export class Retriever {
  readonly store: RetrievalStore;
  private embedderPromise: Promise<Embedder> | null = null;
  private dense: DenseHost | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private running = 0;
  /** The first indexing run of this database (nothing indexed yet), while it is under way. */
  private firstPass: Promise<void> | null = null;

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
    const first = !this.store.getState('last_indexed_at');
    const run = this.queue.then(() => this.runIndex(root, options));
    this.queue = run.catch(() => undefined);
    if (first && !this.firstPass) {
      const pass: Promise<void> = run.then(
        () => undefined,
        () => undefined,
      );
      this.firstPass = pass;
      void pass.then(() => {
        if (this.firstPass === pass) this.firstPass = null;
      });
    }
    return run;
  }

  private async runIndex(root: string, options: RunOptions): Promise<IndexReport> {
    this.running++;
    try {
      const embedder = await this.embedder();
      await this.adoptModel(embedder);
      const before = this.store.generation();
      const report = await indexWorkspace(this.store, embedder, root, {
        ...this.options.scan,
        ...options.scan,
        only: options.only,
        onProgress: options.onProgress,
        log: this.options.log,
      });
      this.store.setState('last_indexed_at', new Date().toISOString());
      // The vector index is brought up to date here, so the first search after `index` pays nothing. Training a
      // large index is not part of the run: a build worker does it while the flat or previous index answers.
      const existed = this.dense !== null && !this.dense.broken;
      const dense = this.denseHost(embedder);
      await dense.ready;
      // A host opened just now loaded the chunk set after this run's last commit: nothing to apply.
      if (existed) {
        if (dense.generation === before) await dense.update(report.removedIds, report.addedIds, this.store.generation());
        else await dense.sync(true);
      }
      return report;
    } finally {
      this.running--;
    }
  }

  /** The vector index of `embedder`'s model, opened (in its worker) on first use or after its worker died. */
  private denseHost(embedder: Embedder): DenseHost {
    if (this.dense && !this.dense.broken) return this.dense;
    void this.dense?.close();
    if (this.store.db.memory) throw new Error('the vector index needs a database file (its worker threads open their own connection)');
    this.dense = new DenseHost({
      dbFile: this.store.db.name,
      modelId: embedder.modelId,
      dim: embedder.dim,
      settings: this.options.vectorIndex,
      log: (m) => this.options.log?.(m),
    });
    return this.dense;
  }

  /** Makes `embedder`'s model the one the index holds, dropping the other model's vector index. */
  private async adoptModel(embedder: Embedder): Promise<void> {
    const previous = this.store.getState('model_id');
    if (previous === embedder.modelId) return;
    if (previous) this.options.log?.(`embedding model changed from ${previous} to ${embedder.modelId}: every chunk is re-embedded`);
    this.store.db.transaction(() => {
      this.store.setState('model_id', embedder.modelId);
      this.store.setState('model_dir', this.modelDir);
      this.store.db.prepare('DELETE FROM vector_indexes WHERE model_id != ?').run(embedder.modelId);
    })();
    const old = this.dense;
    this.dense = null;
    await old?.close();
  }

  /** Free text, or an alert (name, summary, description, labels: see query.ts) for weighted queries. */
  async search(query: string | AlertQuery | SearchQuery, options: SearchOptions = {}): Promise<SearchHit[]> {
    // Typed before the first indexing run finished: answered once it has, rather than with nothing.
    if (this.firstPass) await this.firstPass;
    if ((options.mode ?? 'hybrid') === 'lexical') {
      // bm25 runs in the index worker when there is one (the database is the same; FTS is always current), here
      // otherwise (no model, or nothing searched or indexed with one yet).
      const worker = this.dense && !this.dense.broken && this.embedderPromise ? this.dense : null;
      const embedder = worker ? await this.embedderPromise!.catch(() => null) : null;
      return searchChunks(this.store, query, worker && embedder ? { index: worker, embedder } : null, options);
    }
    const embedder = await this.embedder();
    const indexed = this.store.getState('model_id');
    if (indexed && indexed !== embedder.modelId) {
      throw new Error(
        `the index holds vectors of ${indexed}, but ${embedder.modelId} is loaded; index again with this model (or search with the model used to index)`,
      );
    }
    const dense = this.denseHost(embedder);
    await dense.ready;
    // While a run is under way it brings the index up to date itself; searches meanwhile use the serving index.
    if (dense.generation !== this.store.generation() && this.running === 0) await dense.sync();
    return searchChunks(this.store, query, { index: dense, embedder }, options);
  }

  /**
   * Builds the vector index afresh in a worker (training IVF-PQ when it is large enough) while searches keep
   * answering from the current one; resolves once the new index serves.
   */
  async rebuildVectorIndex(): Promise<void> {
    const embedder = await this.embedder();
    await this.queue;
    const dense = this.denseHost(embedder);
    await dense.rebuild();
  }

  /** Resolves when no vector index build is under way (after a run crossed the flat threshold, for instance). */
  async vectorIndexSettled(): Promise<void> {
    await this.dense?.settled();
  }

  /** A build worker is training or rebuilding the vector index (searches are answered by the serving one). */
  vectorIndexBuilding(): boolean {
    return this.dense?.building ?? false;
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
    const dense = this.dense;
    this.dense = null;
    await dense?.close();
    if (pending) await (await pending.catch(() => null))?.close();
  }
}

export { modelIdOf };
