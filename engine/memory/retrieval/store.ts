import type { Db } from '../../control/db/open';
import type { Chunk } from './chunk/chunker';
import { embeddingText } from './chunk/chunker';
import { fileStem, folderWords, withIdentifierParts } from './lexicalText';
import { FTS_COLUMNS } from './schema';

/** One chunk's row of chunks_fts, field by field (see FTS_COLUMNS). */
export function ftsFields(doc: { path: string; title: string; alerts: readonly string[] }, headingPath: readonly string[], text: string): string[] {
  return [
    withIdentifierParts(fileStem(doc.path)),
    withIdentifierParts(doc.title),
    withIdentifierParts(doc.alerts.join(' ')),
    withIdentifierParts(headingPath.join('\n')),
    withIdentifierParts(text),
    withIdentifierParts(folderWords(doc.path)),
  ];
}

const FTS_INSERT = `INSERT INTO chunks_fts (rowid, ${FTS_COLUMNS.join(', ')}) VALUES (?, ${FTS_COLUMNS.map(() => '?').join(', ')})`;

/** Indexes every stored chunk for lexical search (schema migration 5; callers own the transaction). */
export function indexAllChunksForSearch(db: Db): void {
  const insert = db.prepare(FTS_INSERT);
  // In pages by id: one connection cannot insert while it iterates.
  const page = db.prepare(
    'SELECT c.id, c.heading, c.text, d.path, d.title, d.alerts FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id > ? ORDER BY c.id LIMIT 1000',
  );
  for (let after = 0; ; ) {
    const rows = page.all(after) as Array<{ id: number; heading: string; text: string; path: string; title: string; alerts: string | null }>;
    if (rows.length === 0) break;
    for (const r of rows) {
      insert.run(r.id, ...ftsFields({ path: r.path, title: r.title, alerts: r.alerts ? (JSON.parse(r.alerts) as string[]) : [] }, JSON.parse(r.heading) as string[], r.text));
    }
    after = rows[rows.length - 1]!.id;
  }
}

export interface DocumentRow {
  readonly id: number;
  readonly root: string;
  readonly path: string;
  readonly content_hash: string;
  readonly size: number;
  readonly mtime_ms: number;
  readonly title: string;
  /** JSON array of front-matter alert names; null for a document indexed before they were read. */
  readonly alerts: string | null;
}

export interface ChunkRow {
  readonly id: number;
  readonly document_id: number;
  readonly start_line: number;
  readonly end_line: number;
  readonly heading: string;
  readonly text: string;
  readonly doc_version: string;
  readonly root: string;
  readonly path: string;
}

/** SQL for the retrieval tables, in one place; callers own transactions. */
export class RetrievalStore {
  constructor(readonly db: Db) {}

  documents(root: string): Map<string, DocumentRow> {
    const rows = this.db.prepare('SELECT * FROM documents WHERE root = ?').all(root) as DocumentRow[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  document(root: string, rel: string): DocumentRow | undefined {
    return this.db.prepare('SELECT * FROM documents WHERE root = ? AND path = ?').get(root, rel) as DocumentRow | undefined;
  }

  touchDocument(id: number, size: number, mtimeMs: number): void {
    this.db.prepare('UPDATE documents SET size = ?, mtime_ms = ? WHERE id = ?').run(size, mtimeMs, id);
  }

  /** Replaces a document's chunks; returns the ids removed and added (for the vector index). */
  putDocument(
    root: string,
    rel: string,
    meta: { hash: string; size: number; mtimeMs: number; title: string; alerts?: readonly string[] },
    chunks: readonly Chunk[],
  ): { removed: number[]; added: number[] } {
    const existing = this.document(root, rel);
    const removed = existing ? this.removeChunks(existing.id) : [];
    const now = new Date().toISOString();
    const alerts = meta.alerts ?? [];
    let docId: number;
    if (existing) {
      this.db
        .prepare('UPDATE documents SET content_hash = ?, size = ?, mtime_ms = ?, title = ?, alerts = ?, indexed_at = ? WHERE id = ?')
        .run(meta.hash, meta.size, meta.mtimeMs, meta.title, JSON.stringify(alerts), now, existing.id);
      docId = existing.id;
    } else {
      docId = Number(
        this.db
          .prepare('INSERT INTO documents (root, path, content_hash, size, mtime_ms, title, alerts, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(root, rel, meta.hash, meta.size, meta.mtimeMs, meta.title, JSON.stringify(alerts), now).lastInsertRowid,
      );
    }
    const insert = this.db.prepare(
      `INSERT INTO chunks (document_id, chunk_key, ordinal, start_line, end_line, heading, text, text_hash, doc_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const fts = this.db.prepare(FTS_INSERT);
    const doc = { path: rel, title: meta.title, alerts };
    const added = chunks.map((c) => {
      const id = Number(insert.run(docId, c.key, c.ordinal, c.startLine, c.endLine, JSON.stringify(c.headingPath), c.text, c.textHash, meta.hash).lastInsertRowid);
      fts.run(id, ...ftsFields(doc, c.headingPath, c.text));
      return id;
    });
    this.db.prepare('DELETE FROM skipped_files WHERE root = ? AND path = ?').run(root, rel);
    return { removed, added };
  }

  /** Deletes a document and its chunks; returns the removed chunk ids. */
  deleteDocument(id: number): number[] {
    const removed = this.removeChunks(id);
    this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
    return removed;
  }

  private removeChunks(documentId: number): number[] {
    const ids = (this.db.prepare('SELECT id FROM chunks WHERE document_id = ?').all(documentId) as Array<{ id: number }>).map((r) => r.id);
    const fts = this.db.prepare('DELETE FROM chunks_fts WHERE rowid = ?');
    for (const id of ids) fts.run(id);
    this.db.prepare('DELETE FROM chunks WHERE document_id = ?').run(documentId);
    return ids;
  }

  recordSkip(root: string, rel: string, reason: string): void {
    this.db
      .prepare('INSERT INTO skipped_files (root, path, reason, at) VALUES (?, ?, ?, ?) ON CONFLICT (root, path) DO UPDATE SET reason = excluded.reason, at = excluded.at')
      .run(root, rel, reason, new Date().toISOString());
  }

  skippedPaths(root: string): Set<string> {
    return new Set((this.db.prepare('SELECT path FROM skipped_files WHERE root = ?').all(root) as Array<{ path: string }>).map((r) => r.path));
  }

  clearSkip(root: string, rel: string): void {
    this.db.prepare('DELETE FROM skipped_files WHERE root = ? AND path = ?').run(root, rel);
  }

  /** Distinct texts whose embedding under `modelId` is not cached yet, with the text to embed. */
  missingEmbeddings(modelId: string): Array<{ hash: string; text: string }> {
    const rows = this.db
      .prepare(
        `SELECT c.text_hash AS hash, MIN(c.id) AS id FROM chunks c
         LEFT JOIN embeddings e ON e.model_id = ? AND e.text_hash = c.text_hash
         WHERE e.text_hash IS NULL GROUP BY c.text_hash`,
      )
      .all(modelId) as Array<{ hash: string; id: number }>;
    const get = this.db.prepare('SELECT c.heading, c.text, d.title FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?');
    return rows.map((r) => {
      const row = get.get(r.id) as { heading: string; text: string; title: string };
      return { hash: r.hash, text: embeddingText(row.title, JSON.parse(row.heading) as string[], row.text) };
    });
  }

  putEmbedding(modelId: string, hash: string, vector: Float32Array): void {
    this.db
      .prepare('INSERT OR REPLACE INTO embeddings (model_id, text_hash, dim, vector) VALUES (?, ?, ?, ?)')
      .run(modelId, hash, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
  }

  /** Vectors of the given chunks (or of all chunks) under `modelId`. */
  *chunkVectors(modelId: string, ids?: readonly number[]): Generator<{ id: number; vector: Float32Array }> {
    const sql = `SELECT c.id, e.vector FROM chunks c JOIN embeddings e ON e.model_id = ? AND e.text_hash = c.text_hash`;
    const one = this.db.prepare(`${sql} WHERE c.id = ?`);
    const rows = ids
      ? ids.map((id) => one.get(modelId, id) as { id: number; vector: Buffer } | undefined)
      : (this.db.prepare(`${sql} ORDER BY c.id`).iterate(modelId) as Iterable<{ id: number; vector: Buffer }>);
    for (const row of rows) {
      if (!row) continue;
      const copy = new Float32Array(row.vector.byteLength / 4);
      new Uint8Array(copy.buffer).set(row.vector);
      yield { id: row.id, vector: copy };
    }
  }

  /** Ids of the chunks whose text has a cached vector of `modelId`: what that model's vector index must hold. */
  embeddedChunkIds(modelId: string): number[] {
    return (
      this.db
        .prepare('SELECT c.id FROM chunks c JOIN embeddings e ON e.model_id = ? AND e.text_hash = c.text_hash ORDER BY c.id')
        .all(modelId) as Array<{ id: number }>
    ).map((r) => r.id);
  }

  /** The highest chunk id ever handed out. */
  maxChunkId(): number {
    return (this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'chunks'").get() as { seq: number } | undefined)?.seq ?? 0;
  }

  chunksById(ids: readonly number[]): Map<number, ChunkRow> {
    const get = this.db.prepare(
      `SELECT c.id, c.document_id, c.start_line, c.end_line, c.heading, c.text, c.doc_version, d.root, d.path
       FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`,
    );
    const out = new Map<number, ChunkRow>();
    for (const id of ids) {
      const row = get.get(id) as ChunkRow | undefined;
      if (row) out.set(id, row);
    }
    return out;
  }

  counts(): { documents: number; chunks: number } {
    const documents = (this.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    const chunks = (this.db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
    return { documents, chunks };
  }

  getState(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM retrieval_state WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setState(key: string, value: string): void {
    this.db.prepare('INSERT INTO retrieval_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Bumped whenever the chunk set changes, so a persisted vector index can tell whether it is current. */
  bumpGeneration(): number {
    const next = Number(this.getState('generation') ?? '0') + 1;
    this.setState('generation', String(next));
    return next;
  }

  generation(): number {
    return Number(this.getState('generation') ?? '0');
  }

  roots(): string[] {
    return (this.db.prepare('SELECT DISTINCT root FROM documents ORDER BY root').all() as Array<{ root: string }>).map((r) => r.root);
  }
}
