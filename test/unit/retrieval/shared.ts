import fs from 'node:fs';
import path from 'node:path';

/** ../shared beside the repository: the real model and corpus. Tests that need it skip (with this note) when absent. */
export const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');
export const MODEL_DIR = path.join(SHARED, 'models', 'static-ops-embed-256');
export const MINILM_SHAPE_DIR = path.join(SHARED, 'models', 'minilm-l6-shape-random');
export const RUNBOOKS = path.join(SHARED, 'corpus', 'runbooks');
export const hasShared = fs.existsSync(path.join(MODEL_DIR, 'tokenizer.json'));
if (!hasShared) console.warn(`retrieval tests that need the real model and corpus are skipped: ${SHARED} is absent`);
