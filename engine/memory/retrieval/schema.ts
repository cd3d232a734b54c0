import type Database from 'better-sqlite3';

/**
 * Tables of the retrieval index (schema version 3).
 * - documents: one row per indexed file (workspace root + path relative to it) with the content hash that
 *   chunks carry as their document version, and the size/mtime used to notice changes cheaply.
 * - chunks: heading-aware pieces of a document; `chunk_key` is the stable id (independent of line numbers).
 * - chunks_fts: FTS5 over path, heading path and text, kept in step with `chunks` by triggers.
 * - embeddings: the cache, keyed by (model id, text hash), so unchanged text is never embedded twice.
 * - vector_indexes: the serialised nearest-neighbour index of one model, tagged with the generation of the
 *   chunk set it was built from, so a stale blob is never mistaken for a current one.
 * - retrieval_state: small facts (which model the index holds, the chunk generation).
 * - skipped_files: files the indexer refused, with the reason, for the log and doctor.
 */
export function createRetrievalTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE documents (
      id INTEGER PRIMARY KEY,
      root TEXT NOT NULL,
      path TEXT NOT NULL,
      content_hash TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      title TEXT NOT NULL,
      indexed_at TEXT NOT NULL,
      UNIQUE (root, path)
    ) STRICT;

    -- AUTOINCREMENT: a chunk id is never reused, so a vector index saved earlier can never hold an old
    -- chunk's vector under a new chunk's id.
    CREATE TABLE chunks (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      chunk_key TEXT NOT NULL UNIQUE,
      ordinal INTEGER NOT NULL,
      start_line INTEGER NOT NULL,
      end_line INTEGER NOT NULL,
      heading TEXT NOT NULL, -- JSON array: the heading path
      text TEXT NOT NULL,
      text_hash TEXT NOT NULL,
      doc_version TEXT NOT NULL
    ) STRICT;
    CREATE INDEX chunks_by_document ON chunks (document_id, ordinal);
    CREATE INDEX chunks_by_text_hash ON chunks (text_hash);

    CREATE VIRTUAL TABLE chunks_fts USING fts5 (
      path, heading, text,
      content = '',
      contentless_delete = 1,
      tokenize = 'porter unicode61 remove_diacritics 2'
    );

    -- Path and heading are indexed too: a file named after an alert is strong lexical evidence.
    CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
      INSERT INTO chunks_fts (rowid, path, heading, text)
      VALUES (new.id, (SELECT path FROM documents WHERE id = new.document_id), new.heading, new.text);
    END;
    CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
      DELETE FROM chunks_fts WHERE rowid = old.id;
    END;

    CREATE TABLE embeddings (
      model_id TEXT NOT NULL,
      text_hash TEXT NOT NULL,
      dim INTEGER NOT NULL,
      vector BLOB NOT NULL,
      PRIMARY KEY (model_id, text_hash)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE vector_indexes (
      model_id TEXT PRIMARY KEY,
      dim INTEGER NOT NULL,
      generation INTEGER NOT NULL,
      kind TEXT NOT NULL,
      bytes BLOB NOT NULL,
      built_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE retrieval_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

    CREATE TABLE skipped_files (
      root TEXT NOT NULL,
      path TEXT NOT NULL,
      reason TEXT NOT NULL,
      at TEXT NOT NULL,
      PRIMARY KEY (root, path)
    ) STRICT;
  `);
}

/** Columns of chunks_fts (schema version 5), in order; `FIELD_WEIGHTS` in lexical.ts weighs them for bm25. */
export const FTS_COLUMNS = ['name', 'title', 'alerts', 'heading', 'text', 'folders'] as const;

/**
 * Schema version 5: field-weighted lexical search. chunks_fts gets one column per field a runbook is found by:
 * the file name, the document title, the alert names of its front matter, the heading path, the chunk text and
 * the folders; bm25 weighs them (lexical.ts). Its rows are written by the store in JavaScript (no triggers), so
 * that CamelCase identifiers can be indexed with their parts (lexicalText.ts). Existing chunks are indexed here
 * at once; documents are marked for re-reading (mtime -1, alerts unknown) so the next indexing run picks up
 * their front-matter alert names.
 */
export function createFieldWeightedFts(db: Database.Database, fill: (db: Database.Database) => void): void {
  db.exec(`
    DROP TRIGGER IF EXISTS chunks_fts_insert;
    DROP TRIGGER IF EXISTS chunks_fts_delete;
    DROP TABLE IF EXISTS chunks_fts;
    ALTER TABLE documents ADD COLUMN alerts TEXT; -- JSON array of front-matter alert names; NULL: not read yet
    CREATE VIRTUAL TABLE chunks_fts USING fts5 (
      ${FTS_COLUMNS.join(', ')},
      content = '',
      contentless_delete = 1,
      tokenize = 'porter unicode61 remove_diacritics 2'
    );
    UPDATE documents SET mtime_ms = -1;
  `);
  fill(db);
}
