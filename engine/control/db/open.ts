import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseProblem } from './errors';
import { LATEST_SCHEMA_VERSION, migrations, type Migration } from './migrations';

export type Db = Database.Database;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenOptions {
  /** Migrations to apply; tests pass a prefix to build an old database. */
  readonly migrations?: readonly Migration[];
  readonly readonly?: boolean;
  /** How long to wait for another process's lock before reporting it (default 5 s). */
  readonly busyTimeoutMs?: number;
  /**
   * When `quick_check` runs. 'before-open' (the default): here, before anything else, as the CLI's one-shot
   * commands want. 'after-open': skipped here when opening will write nothing to the file (it is already in WAL
   * mode at the latest schema), so the caller runs it off its thread afterwards (`checkIntegrityOffThread` in
   * integrity.ts) and reports what it finds; a file that needs the WAL switch or a migration is still checked
   * here first, because those write to a file that might be refused.
   */
  readonly integrity?: 'before-open' | 'after-open';
}

/**
 * Opens (creating if absent) the engine's database in WAL mode and brings its schema up to date.
 * A file that is not a database, is damaged, or comes from a newer engine is refused with a
 * DatabaseProblem; it is never replaced or "repaired" behind the user's back.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const list = options.migrations ?? migrations;
  if (file !== ':memory:') {
    checkHeader(file);
    if (!options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new DatabaseProblem('unreadable', `cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    // Checks come before anything that writes: switching to WAL rewrites the header of a file we may refuse.
    const current = refuseNewer(db, file, list.length);
    const writesNothing = options.readonly || (current === list.length && db.pragma('journal_mode', { simple: true }) === 'wal');
    if (options.integrity !== 'after-open' || !writesNothing) verifyIntegrity(db, file);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a commit survives a process crash (SIGKILL); only an OS crash or power loss
      // can lose the last transactions. The workflow issue measures the FULL alternative.
      db.pragma('synchronous = NORMAL');
      migrate(db, current, list);
    }
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseProblem) throw error;
    throw classify(error, file);
  }
}

function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new DatabaseProblem('unreadable', `cannot read database ${file}: ${(error as Error).message}`);
  }
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n === 0) return; // an empty file is a new database
    if (n < head.length || !head.equals(SQLITE_HEADER)) {
      throw new DatabaseProblem(
        'corrupt',
        `${file} is not a Runbook Agent database (no SQLite header). It was left as it is; move it away to start afresh.`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** SQLite's quick_check; a damaged file is a DatabaseProblem whose message is the one a person sees. */
export function verifyIntegrity(db: Db, file: string): void {
  const problem = integrityProblem(file, quickCheck(db));
  if (problem) throw problem;
}

/** The rows of `PRAGMA quick_check` that are not 'ok' (none for a sound file). */
export function quickCheck(db: Db): string[] {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  return rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
}

export function integrityProblem(file: string, problems: readonly string[]): DatabaseProblem | null {
  if (problems.length === 0) return null;
  return new DatabaseProblem(
    'corrupt',
    `database ${file} is damaged (${problems.slice(0, 3).join('; ')}). It was left as it is; restore a backup or move it away.`,
  );
}

function refuseNewer(db: Db, file: string, latest: number): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > latest) {
    throw new DatabaseProblem(
      'too-new',
      `database ${file} has schema version ${version}, newer than this Runbook Agent understands (${latest}). ` +
        'Update Runbook Agent, or point it at another database; the file was not changed.',
    );
  }
  return version;
}

function migrate(db: Db, current: number, list: readonly Migration[]): void {
  for (const migration of list.slice(current)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

export function classify(error: unknown, file: string): DatabaseProblem {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new DatabaseProblem('corrupt', `database ${file} is damaged (${message}). It was left as it is.`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseProblem('locked', `database ${file} is locked by another process (${message}).`);
  }
  return new DatabaseProblem('unreadable', `cannot use database ${file}: ${message}`);
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export { LATEST_SCHEMA_VERSION };

/**
 * Another connection to a database that `openDatabase` has already opened, checked and migrated: for worker
 * threads (the index worker, the intake thread, the integrity check), each with its own connection, which WAL
 * lets read beside the engine's and write in turn. Nothing here checks, migrates or switches the journal mode.
 */
export function openConnection(file: string, options: { readonly readonly?: boolean; readonly busyTimeoutMs?: number } = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
  } catch (error) {
    throw classify(error, file);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw classify(error, file);
  }
}
