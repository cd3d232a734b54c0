import fs from 'node:fs';
import path from 'node:path';
import type { TextEmbedder } from '../embed/types';
import { chunkMarkdown } from './chunk/chunker';
import { checkOnePath, readText, scanWorkspace, type ScanOptions, type SkippedFile, type WorkspaceFile } from './files';
import { contentHash } from './hash';
import type { RetrievalStore } from './store';

export type IndexPhase = 'scan' | 'chunk' | 'embed';

export interface IndexProgress {
  readonly phase: IndexPhase;
  readonly done: number;
  readonly total: number;
}

export interface IndexOptions extends ScanOptions {
  /** Re-check only these paths (relative to the root): what a file-system event names. Absent: the whole tree. */
  readonly only?: readonly string[];
  readonly onProgress?: (p: IndexProgress) => void;
  readonly log?: (message: string) => void;
  /** Texts per embedding request (each request is one message to the worker). */
  readonly embedBatch?: number;
}

export interface IndexReport {
  readonly root: string;
  readonly modelId: string;
  /** Markdown files seen (indexable ones). */
  readonly files: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly skipped: readonly SkippedFile[];
  readonly chunksAdded: number;
  readonly chunksRemoved: number;
  /** Texts embedded by the model in this run, and texts whose vector came from the cache. */
  readonly embedded: number;
  readonly cached: number;
  readonly ms: number;
  readonly removedIds: readonly number[];
  readonly addedIds: readonly number[];
}

const FILES_PER_TRANSACTION = 200;

/**
 * Brings the index of one workspace root up to date: unchanged files (same size and mtime, or same content
 * hash) cost a stat; changed ones are re-chunked; deleted ones leave; new text is embedded once per model and
 * cached. A file that cannot be indexed is skipped with its reason and never stops the run.
 */
export async function indexWorkspace(store: RetrievalStore, embedder: TextEmbedder, rootIn: string, options: IndexOptions = {}): Promise<IndexReport> {
  const started = performance.now();
  const root = path.resolve(rootIn);
  const log = options.log ?? (() => {});
  const progress = options.onProgress ?? (() => {});
  const docs = store.documents(root);
  const skipped: SkippedFile[] = [];
  const removedIds: number[] = [];
  const addedIds: number[] = [];
  let removed = 0;

  progress({ phase: 'scan', done: 0, total: 0 });
  let files: WorkspaceFile[];
  const gone: number[] = [];
  if (options.only) {
    files = [];
    for (const raw of options.only) {
      const rel = raw.split(path.sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
      if (fs.statSync(path.join(root, rel), { throwIfNoEntry: false })?.isDirectory()) {
        // A folder event (created, moved in, renamed): its whole subtree is re-checked.
        const scan = scanWorkspace(root, options, rel);
        files.push(...scan.files);
        skipped.push(...scan.skipped);
        const seen = new Set(scan.files.map((f) => f.rel));
        for (const [p, doc] of docs) if (p.startsWith(`${rel}/`) && !seen.has(p)) gone.push(doc.id);
        continue;
      }
      const result = checkOnePath(root, rel, options);
      if (result && !('reason' in result)) files.push(result);
      else {
        if (result) skipped.push(result);
        // Gone, ignored or refused: its entry (or every entry below it, for a folder) leaves the index.
        for (const [p, doc] of docs) if (p === rel || p.startsWith(`${rel}/`)) gone.push(doc.id);
      }
    }
  } else {
    const scan = scanWorkspace(root, options);
    files = scan.files;
    skipped.push(...scan.skipped);
    const seen = new Set(files.map((f) => f.rel));
    for (const [p, doc] of docs) if (!seen.has(p)) gone.push(doc.id);
  }

  let changed = 0;
  let unchanged = 0;
  store.db.transaction(() => {
    for (const id of gone) {
      removedIds.push(...store.deleteDocument(id));
      removed++;
    }
    for (const s of skipped) store.recordSkip(root, s.rel, s.reason);
  })();

  for (let start = 0; start < files.length; start += FILES_PER_TRANSACTION) {
    store.db.transaction(() => {
      for (const file of files.slice(start, start + FILES_PER_TRANSACTION)) {
        const doc = docs.get(file.rel);
        if (doc && doc.size === file.size && doc.mtime_ms === file.mtimeMs) {
          unchanged++;
          continue;
        }
        const read = readText(file);
        if ('reason' in read) {
          skipped.push({ rel: file.rel, reason: read.reason });
          store.recordSkip(root, file.rel, read.reason);
          if (doc) {
            removedIds.push(...store.deleteDocument(doc.id));
            removed++;
          }
          continue;
        }
        const hash = contentHash(read.bytes);
        // Same text, and its front matter already read (documents indexed before schema 5 are re-chunked once).
        if (doc && doc.content_hash === hash && doc.alerts !== null) {
          store.touchDocument(doc.id, file.size, file.mtimeMs);
          unchanged++;
          continue;
        }
        try {
          const chunked = chunkMarkdown(file.rel, read.text, { maxTokens: embedder.maxTokens, keyPrefix: root });
          const ids = store.putDocument(root, file.rel, { hash, size: file.size, mtimeMs: file.mtimeMs, title: chunked.title, alerts: chunked.alerts }, chunked.chunks);
          removedIds.push(...ids.removed);
          addedIds.push(...ids.added);
          changed++;
        } catch (error) {
          // A chunker bug on one odd file must not stop the run; the file is reported instead.
          const reason = `could not be chunked: ${(error as Error).message}`;
          skipped.push({ rel: file.rel, reason });
          store.recordSkip(root, file.rel, reason);
        }
      }
    })();
    progress({ phase: 'chunk', done: Math.min(files.length, start + FILES_PER_TRANSACTION), total: files.length });
  }
  for (const s of skipped) log(`skipped ${s.rel}: ${s.reason}`);
  if (removedIds.length || addedIds.length) store.bumpGeneration();

  const { embedded, cached } = await embedMissing(store, embedder, addedIds.length, options.embedBatch ?? 64, progress);
  return {
    root,
    modelId: embedder.modelId,
    files: files.length,
    changed,
    unchanged,
    removed,
    skipped,
    chunksAdded: addedIds.length,
    chunksRemoved: removedIds.length,
    embedded,
    cached,
    ms: Math.round(performance.now() - started),
    removedIds,
    addedIds,
  };
}

/** Embeds every chunk text the cache lacks for this model. Resumable: a crash leaves only cached work behind. */
async function embedMissing(
  store: RetrievalStore,
  embedder: TextEmbedder,
  added: number,
  batch: number,
  progress: (p: IndexProgress) => void,
): Promise<{ embedded: number; cached: number }> {
  // Sorted by length across the whole run, so each batch holds texts of similar length (little padding).
  const missing = store.missingEmbeddings(embedder.modelId).sort((a, b) => a.text.length - b.text.length);
  progress({ phase: 'embed', done: 0, total: missing.length });
  for (let start = 0; start < missing.length; start += batch) {
    const slice = missing.slice(start, start + batch);
    const vectors = await embedder.embed(slice.map((m) => m.text));
    store.db.transaction(() => slice.forEach((m, i) => store.putEmbedding(embedder.modelId, m.hash, vectors[i]!)))();
    progress({ phase: 'embed', done: Math.min(missing.length, start + batch), total: missing.length });
  }
  return { embedded: missing.length, cached: Math.max(0, added - missing.length) };
}
