import fs from 'node:fs';
import { openDatabase, schemaVersion, type Db } from '../db/open';

/** Opens an existing database read-only for inspection commands; they never create or migrate anything. */
export function openExisting(file: string): Db {
  if (!fs.existsSync(file)) throw new Error(`no database at ${file}`);
  const db = openDatabase(file, { readonly: true, busyTimeoutMs: 2000 });
  if (schemaVersion(db) < 2) {
    const v = schemaVersion(db);
    db.close();
    throw new Error(`database ${file} has schema version ${v}; it has no workflow tables yet (start the engine once to upgrade it)`);
  }
  return db;
}
