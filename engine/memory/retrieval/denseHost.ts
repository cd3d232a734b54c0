import { ThreadClient, threadFile } from '../../shared/thread/client';
import type { IndexInfo, IndexWorkerData } from './indexWorker';
import type { FIELD_WEIGHTS, QueryGroup, RankedId } from './lexical';
import type { VectorHit, VectorIndexSettings } from './vectorIndex';

export interface DenseHostOptions {
  /** The database file; each index worker opens its own connection to it. */
  readonly dbFile: string;
  readonly modelId: string;
  readonly dim: number;
  readonly settings?: VectorIndexSettings;
  readonly log?: (message: string) => void;
  /** The bundled worker script; default dist/indexWorker.js of the package. */
  readonly workerFile?: string;
}

interface Delta {
  readonly removed: number[];
  readonly added: number[];
  readonly generation: number;
}

interface Build {
  readonly client: ThreadClient<IndexInfo>;
  /** Changes applied to the serving index since the build started; the build applies them before it serves. */
  readonly deltas: Delta[];
  done: Promise<void>;
}

/**
 * The engine's handle on its vector index, which lives in worker threads (indexWorker.ts), never on the
 * JSON-RPC thread. One worker serves searches and applies each indexing run's changes. When the index needs
 * training (past the flat threshold, or drifted) or a rebuild is asked for, a second worker builds the new index
 * from a snapshot of the database while the first keeps answering; the changes made meanwhile are replayed on
 * the new one, which then takes over, and the old one is closed once its last search is answered. No search
 * is lost or refused across the swap.
 */
export class DenseHost {
  readonly ready: Promise<void>;
  private serving: ThreadClient<IndexInfo>;
  private info: IndexInfo | null = null;
  private build: Build | null = null;
  private buildFailed = false;
  /** The serving worker was told not to save (a build is replacing it, and may have saved its index already). */
  private savesHeld = false;
  private brokenBy: Error | null = null;
  private closed = false;
  /** Completed builds, for tests and benchmarks. */
  builds = 0;

  constructor(private readonly options: DenseHostOptions) {
    this.serving = this.spawn('load');
    this.ready = this.serving.ready.then((info) => {
      this.info = info;
      if (info.needsTraining) void this.startBuild(false);
    });
    this.ready.catch(() => undefined);
  }

  get generation(): number | null {
    return this.info?.generation ?? null;
  }

  get kind(): string | null {
    return this.info?.kind ?? null;
  }

  get size(): number {
    return this.info?.size ?? 0;
  }

  /** A build is under way (the serving index answers meanwhile). */
  get building(): boolean {
    return this.build !== null;
  }

  /** The serving worker died: this host answers nothing more, and the retriever opens a new one. */
  get broken(): boolean {
    return this.brokenBy !== null;
  }

  async search(vector: Float32Array, k: number): Promise<VectorHit[]> {
    await this.ready;
    return this.serving.request<VectorHit[]>('search', { vector, k });
  }

  /** Field-weighted bm25 (lexical.ts) over the worker's own connection, so the query never blocks the engine's thread. */
  async lexical(groups: readonly QueryGroup[], limit: number, weights?: typeof FIELD_WEIGHTS): Promise<RankedId[]> {
    await this.ready;
    return this.serving.request<RankedId[]>('lexical', { groups, limit, weights });
  }

  /** Applies one indexing run's changes (idempotent: see DenseIndex.update). */
  async update(removed: readonly number[], added: readonly number[], generation: number): Promise<void> {
    await this.ready;
    const delta: Delta = { removed: [...removed], added: [...added], generation };
    this.build?.deltas.push(delta);
    const target = this.serving;
    const info = await target.request<IndexInfo>('apply', delta);
    if (target === this.serving) this.note(info);
  }

  /**
   * Reconciles the serving index with the database (another process changed the chunks). `force` compares the
   * chunk sets even when the generations agree (an index loaded while a run was adding vectors).
   */
  async sync(force = false): Promise<void> {
    await this.ready;
    const target = this.serving;
    const info = await target.request<IndexInfo>('sync', { force });
    if (target === this.serving) this.note(info);
  }

  /** Builds the index afresh (training it when large enough) in a second worker; resolves once it serves. */
  rebuild(): Promise<void> {
    return this.ready.then(() => this.startBuild(true));
  }

  /** Resolves once no build is under way. */
  async settled(): Promise<void> {
    await this.ready;
    while (this.build) await this.build.done;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const build = this.build;
    this.build = null;
    if (build) await build.client.close(); // a build in progress is dropped: the next start rebuilds
    try {
      await this.ready;
      await this.serving.idle();
      await this.serving.request('close', { save: !this.savesHeld });
    } catch {
      // a worker that failed has nothing to save
    }
    await this.serving.close();
  }

  private note(info: IndexInfo): void {
    this.info = info;
    if (info.needsTraining && !this.buildFailed) void this.startBuild(false);
  }

  private spawn(mode: IndexWorkerData['mode']): ThreadClient<IndexInfo> {
    const { dbFile, modelId, dim, settings } = this.options;
    const client: ThreadClient<IndexInfo> = new ThreadClient<IndexInfo>({
      name: mode === 'build' ? 'vector index build worker' : 'vector index worker',
      file: this.options.workerFile ?? threadFile('indexWorker'),
      workerData: { dbFile, modelId, dim, mode, settings: settings ?? {} } satisfies IndexWorkerData,
      // Only the serving worker's death breaks the host; a failed build is handled where it is awaited.
      onExit: (error) => {
        if (client === this.serving) this.brokenBy ??= error;
      },
    });
    return client;
  }

  private startBuild(forced: boolean): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.build) return this.build.done;
    if (!forced && this.buildFailed) return Promise.resolve();
    const started = performance.now();
    const client = this.spawn('build');
    const build: Build = { client, deltas: [], done: Promise.resolve() };
    this.build = build;
    const previous = this.serving;
    build.done = (async () => {
      try {
        // The serving index must not overwrite the blob the build saves.
        this.savesHeld = true;
        await previous.request('holdSaves', true);
        let info = await client.ready;
        while (build.deltas.length > 0) info = await client.request<IndexInfo>('apply', build.deltas.shift());
        if (this.build !== build) return; // closed meanwhile
        // No await between the last replayed change and the swap: every later change goes to the new worker.
        this.serving = client;
        this.info = info;
        this.build = null;
        this.savesHeld = false;
        this.buildFailed = false;
        this.builds++;
        this.options.log?.(`vector index rebuilt off the engine's thread: ${info.kind}, ${info.size} vectors in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        void previous
          .idle()
          .then(() => previous.request('close', { save: false }))
          .catch(() => undefined)
          .finally(() => void previous.close());
      } catch (error) {
        if (this.build === build) this.build = null;
        if (this.closed) return;
        this.buildFailed = true;
        this.options.log?.(`vector index build failed; searches keep using the current index: ${(error as Error).message}`);
        await client.close();
        this.savesHeld = false;
        await previous.request('holdSaves', false).catch(() => undefined);
      }
    })();
    return build.done;
  }
}
