import type Database from 'better-sqlite3';

/** Tables of the retrieval index (schema version 3). Filled in by the retrieval issue. */
export function createRetrievalTables(db: Database.Database): void {
  void db;
}
