import { createVectorIndex, VectorIndex as AnnIndex, VectorIndexFormatError } from './ann';
import type { VectorIndex } from './exactIndex';

/**
 * The one place that decides which nearest-neighbour index the engine uses: the project's own index in ./ann
 * (exact flat search while small, IVF+PQ once it grows). `kind` tags persisted blobs so a loader never
 * misreads one written by another implementation or version.
 */
export const INDEX_KIND = 'ann-v1';
/** Persisted so a large index is reloaded without retraining its quantizers. */
export const PERSIST_INDEX = true;

export function newVectorIndex(dim: number): VectorIndex {
  return createVectorIndex({ dim });
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
