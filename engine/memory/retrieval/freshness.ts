import fs from 'node:fs';
import path from 'node:path';
import { readText, scanWorkspace, type ScanOptions } from './files';
import { contentHash } from './hash';
import type { DocumentRow, RetrievalStore } from './store';

/**
 * Whether a document's indexed version still matches the file on disk. Size and mtime settle most cases
 * with one stat; when they differ the content hash decides (a touched but unchanged file is still fresh).
 */
export function isStale(doc: Pick<DocumentRow, 'root' | 'path' | 'size' | 'mtime_ms' | 'content_hash'>): boolean {
  const abs = path.join(doc.root, doc.path);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    return true; // deleted since it was indexed
  }
  if (stat.size === doc.size && stat.mtimeMs === doc.mtime_ms) return false;
  const read = readText({ rel: doc.path, abs, size: stat.size, mtimeMs: stat.mtimeMs });
  if ('reason' in read) return true;
  return contentHash(read.bytes) !== doc.content_hash;
}

export interface Freshness {
  readonly root: string;
  readonly indexed: number;
  /** Indexed files whose content changed on disk. */
  readonly changed: string[];
  /** Indexed files that are gone. */
  readonly deleted: string[];
  /** Markdown files on disk that the index does not hold yet. */
  readonly added: string[];
  readonly fresh: boolean;
}

/** Compares the index of a root with the disk: what a status bar and doctor report. */
export function workspaceFreshness(store: RetrievalStore, rootIn: string, options: ScanOptions = {}): Freshness {
  const root = path.resolve(rootIn);
  const docs = store.documents(root);
  const scan = scanWorkspace(root, options);
  const onDisk = new Set(scan.files.map((f) => f.rel));
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const [rel, doc] of docs) {
    if (!onDisk.has(rel)) deleted.push(rel);
    else if (isStale(doc)) changed.push(rel);
  }
  const refused = store.skippedPaths(root);
  const added = scan.files.filter((f) => !docs.has(f.rel) && !refused.has(f.rel)).map((f) => f.rel);
  return { root, indexed: docs.size, changed, deleted, added, fresh: !changed.length && !deleted.length && !added.length };
}
