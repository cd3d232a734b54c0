import type Database from 'better-sqlite3';

/** Schema (migration 6): the memory as JSON plus the columns recall filters and sorts on. */
export function createMemoryTable(db: Database.Database): void {
  db.exec(`
    CREATE TABLE incident_memories (
      id TEXT PRIMARY KEY,
      workflow_id TEXT NOT NULL UNIQUE,
      workspace TEXT NOT NULL,
      alertname TEXT NOT NULL,
      identity TEXT NOT NULL,
      state TEXT NOT NULL,
      settled_at INTEGER NOT NULL,
      memory TEXT NOT NULL,
      remembered_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX incident_memories_by_alert ON incident_memories (workspace, alertname, settled_at DESC);
    CREATE INDEX incident_memories_recent ON incident_memories (workspace, settled_at DESC);
  `);
}
