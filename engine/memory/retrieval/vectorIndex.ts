import { createVectorIndex, VectorIndex as AnnIndex, VectorIndexFormatError } from './ann';
import type { VectorIndex } from './exactIndex';

/**
 * The one place that decides which nearest-neighbour index the engine uses: the project's own index in ./ann
 * (exact flat search while small, IVF+PQ once it grows). `kind` tags persisted blobs so a loader never
 * misreads one written by another implementation or version.
 *
 * v2: indexes are made with `autoTrain: false`, so adding vectors never trains on the thread that serves
 * searches; training is an explicit step that the build worker runs (see denseHost.ts). A v1 blob (which
 * trained inside `add`) is rebuilt once.
 */
export const INDEX_KIND = 'ann-v2';
/** Persisted so a large index is reloaded without retraining its quantizers. */
export const PERSIST_INDEX = true;

export interface VectorIndexSettings {
  /** Exact flat search below this many vectors (the ann default, 65,536, when absent). Tests lower it. */
  readonly flatThreshold?: number;
}

export function newVectorIndex(dim: number, settings: VectorIndexSettings = {}): VectorIndex {
  return createVectorIndex({ dim, autoTrain: false, ...(settings.flatThreshold ? { flatThreshold: settings.flatThreshold } : {}) });
}

/** The persisted index, or null when the blob is of another kind or damaged (the caller then rebuilds). */
export function loadVectorIndex(kind: string, bytes: Uint8Array): VectorIndex | null {
  if (kind !== INDEX_KIND) return null;
  try {
    return AnnIndex.fromBytes(bytes);
  } catch (error) {
    if (error instanceof VectorIndexFormatError) return null;
    throw error;
  }
}

export type { VectorIndex, VectorHit } from './exactIndex';
