/**
 * Entry of the vector-index worker thread (bundled to dist/indexWorker.js). Each one holds one DenseIndex over
 * its own SQLite connection, so neither loading, reconciling, training nor saving runs on the engine's JSON-RPC
 * thread. Mode 'load' serves searches at once from the persisted (or a flat) index and never trains; mode
 * 'build' reads every vector in one snapshot, trains IVF-PQ when the index is large enough, saves it, and then
 * serves like the other (denseHost.ts swaps it in).
 */
import { workerData } from 'node:worker_threads';
import { openConnection, type Db } from '../../control/db/open';
import { serveThread } from '../../shared/thread/server';
import { DenseIndex } from './dense';
import { lexicalSearch, type FIELD_WEIGHTS, type QueryGroup } from './lexical';
import { RetrievalStore } from './store';
import type { VectorIndexSettings } from './vectorIndex';

export interface IndexWorkerData {
  readonly dbFile: string;
  readonly modelId: string;
  readonly dim: number;
  readonly mode: 'load' | 'build';
  readonly settings: VectorIndexSettings;
}

export interface IndexInfo {
  readonly generation: number;
  readonly kind: string;
  readonly size: number;
  readonly needsTraining: boolean;
  /** Milliseconds the worker took to get ready (load or build). */
  readonly ms: number;
}

serveThread(() => {
  const data = workerData as IndexWorkerData;
  const started = performance.now();
  let db: Db | null = openConnection(data.dbFile);
  const store = new RetrievalStore(db);
  const dense =
    data.mode === 'build'
      ? DenseIndex.rebuild(store, data.modelId, data.dim, { ...data.settings, train: true })
      : DenseIndex.load(store, data.modelId, data.dim, { ...data.settings, train: false });
  const ms = Math.round(performance.now() - started);
  /** Off while another worker builds the replacement: this index must not overwrite the blob the builder saves. */
  let saves = true;
  const info = (): IndexInfo => ({ generation: dense.generation, kind: dense.kind, size: dense.size, needsTraining: dense.needsTraining, ms });
  const open = () => {
    if (!db) throw new Error('the index worker is closed');
    return store;
  };
  return {
    ready: info(),
    handlers: {
      search: ({ vector, k }: { vector: Float32Array; k: number }) => (open(), dense.search(vector, k)),
      // FTS5 over this worker's connection: at 100k chunks a bm25 query takes 60 ms or more, off the JSON-RPC thread.
      lexical: ({ groups, limit, weights }: { groups: QueryGroup[]; limit: number; weights?: typeof FIELD_WEIGHTS }) => lexicalSearch(open().db, groups, limit, weights),
      apply: ({ removed, added, generation }: { removed: number[]; added: number[]; generation: number }) => {
        dense.update(open(), removed, added, generation, saves);
        return info();
      },
      sync: ({ force }: { force: boolean }) => {
        dense.sync(open(), saves, force);
        return info();
      },
      holdSaves: (hold: boolean) => {
        saves = !hold;
        return info();
      },
      close: ({ save }: { save: boolean }) => {
        if (db && save) dense.flush(store);
        db?.close();
        db = null;
        return null;
      },
    },
  };
});
