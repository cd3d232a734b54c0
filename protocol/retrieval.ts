/** Requests and notifications of the retrieval index (runbook search) between the extension and the engine. */
import { z } from 'zod';
import { defineNotification, defineRequest } from './define';

const RelativePath = z.string().min(1).max(4096);

export const IndexParams = z
  .object({
    /** Absolute path of a workspace folder. */
    root: z.string().min(1),
    /** Paths (relative to root) named by file-system events; absent re-checks the whole folder. */
    paths: z.array(RelativePath).max(10_000).optional(),
    /** Extra gitignore-style patterns from the `runbookAgent.index.exclude` setting. */
    exclude: z.array(z.string().max(1000)).max(1000).default([]),
  })
  .strict();

export const IndexResult = z.object({
  root: z.string(),
  modelId: z.string(),
  files: z.number().int().nonnegative(),
  changed: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  embedded: z.number().int().nonnegative(),
  ms: z.number().nonnegative(),
});
export type IndexResult = z.infer<typeof IndexResult>;
export const indexWorkspace = defineRequest('runbookAgent/retrieval/index', IndexParams, IndexResult);

export const SearchParams = z
  .object({
    query: z.string().min(1).max(10_000),
    k: z.number().int().min(1).max(200).default(20),
    mode: z.enum(['hybrid', 'lexical', 'dense']).default('hybrid'),
    groupByDocument: z.boolean().default(false),
  })
  .strict();

export const SearchHit = z.object({
  root: z.string(),
  path: z.string(),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  heading: z.string(),
  score: z.number(),
  docVersion: z.string(),
  /** The file changed since this chunk was indexed. */
  stale: z.boolean(),
  /** The first few hundred characters of the chunk, for a preview. */
  preview: z.string(),
});
export type SearchHit = z.infer<typeof SearchHit>;
export const searchRunbooks = defineRequest('runbookAgent/retrieval/search', SearchParams, z.object({ hits: z.array(SearchHit) }));

export const StatusParams = z.object({ roots: z.array(z.string().min(1)).max(100).default([]), exclude: z.array(z.string()).default([]) }).strict();
export const RetrievalStatus = z.object({
  documents: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  modelId: z.string().nullable(),
  lastIndexedAt: z.string().nullable(),
  indexing: z.boolean(),
  /** Files changed, deleted or added on disk since they were indexed, over the given roots. */
  staleFiles: z.number().int().nonnegative(),
  /** Why retrieval cannot work (no model, database refused), or null. */
  problem: z.string().nullable(),
});
export type RetrievalStatus = z.infer<typeof RetrievalStatus>;
export const retrievalStatus = defineRequest('runbookAgent/retrieval/status', StatusParams, RetrievalStatus);

/** Engine -> extension while an indexing run goes on. */
export const indexProgress = defineNotification(
  'runbookAgent/retrieval/progress',
  z.object({
    root: z.string(),
    phase: z.enum(['scan', 'chunk', 'embed']),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
);
