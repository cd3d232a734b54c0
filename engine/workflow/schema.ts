import type Database from 'better-sqlite3';

/** Tables of the durable workflow engine (schema version 2). Filled in by the workflow issue. */
export function createWorkflowTables(db: Database.Database): void {
  void db;
}
