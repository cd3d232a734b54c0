// Public entry point of the ANN index. See README.md in this folder.
export { createVectorIndex, VectorIndex } from './vector-index';
export type { IndexStats, SearchHit, SearchOptions, TrainReport, VectorIndexOptions } from './vector-index';
export type { DriftReport } from './drift-monitor';
export { VectorIndexFormatError } from './errors';
export { DEFAULT_FLAT_THRESHOLD, DEFAULT_REFINE, nlistFor, nprobeFor, pqSubquantizersFor } from './defaults';
