import type Database from 'better-sqlite3';
import { createFieldWeightedFts, createRetrievalTables } from '../../memory/retrieval/schema';
import { indexAllChunksForSearch } from '../../memory/retrieval/store';
import { createWorkflowTables } from '../store/sqlite/schema';
import { createTierTable } from '../store/sqlite/tiers';
import { createMemoryTable } from '../../memory/incidents/schema';

/**
 * Schema history. The version of a database is SQLite's `user_version`; each migration moves it up by one
 * inside a transaction. Append only: never edit a migration that has shipped.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database) => void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'engine meta and panel check-ins',
    up: (db) => {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE check_ins (
          id INTEGER PRIMARY KEY,
          note TEXT NOT NULL,
          at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  { version: 2, name: 'durable workflows', up: createWorkflowTables },
  { version: 3, name: 'retrieval index', up: createRetrievalTables },
  { version: 4, name: 'capability tier and queue per workspace', up: createTierTable },
  { version: 5, name: 'field-weighted lexical search', up: (db) => createFieldWeightedFts(db, indexAllChunksForSearch) },
  { version: 6, name: 'incident memories', up: createMemoryTable },
  {
    // Migration 1's check_ins table held the notes of a developer-only panel button, removed since; its rows are
    // dropped with it. IF EXISTS: a database made by a build without it upgrades the same way.
    version: 7,
    name: 'drop the panel check-ins',
    up: (db) => db.exec('DROP TABLE IF EXISTS check_ins'),
  },
];

export const LATEST_SCHEMA_VERSION = migrations.length;
