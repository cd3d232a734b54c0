import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseProblem } from '../../engine/db/errors';
import { LATEST_SCHEMA_VERSION, migrations } from '../../engine/db/migrations';
import { openDatabase, schemaVersion } from '../../engine/db/open';
import { checkIntegrityOffThread } from '../../engine/db/integrity';
import { Engine } from '../../engine/engine';
import { tempDir } from '../helpers/tmp';

describe('openDatabase', () => {
  it('creates a new database in WAL mode at the latest schema', () => {
    const file = path.join(tempDir(), 'nested', 'engine.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
    expect(fs.existsSync(file)).toBe(true);
  });

  it('upgrades an old database in place and keeps its rows', () => {
    const file = path.join(tempDir(), 'old.sqlite');
    const old = openDatabase(file, { migrations: migrations.slice(0, 1) });
    old.prepare("INSERT INTO check_ins (note, at) VALUES ('kept', '2026-01-01T00:00:00Z')").run();
    old.close();

    // A fake later migration stands in for the next real one, so the test pins the upgrade path itself.
    const next = { version: 2, name: 'test column', up: (db: Database.Database) => db.exec('ALTER TABLE check_ins ADD COLUMN extra TEXT') };
    const db = openDatabase(file, { migrations: [...migrations.slice(0, 1), next] });
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT note, extra FROM check_ins').all()).toEqual([{ note: 'kept', extra: null }]);
    db.close();
  });

  it('rolls a failing migration back and leaves the database at its old version', () => {
    const file = path.join(tempDir(), 'half.sqlite');
    openDatabase(file, { migrations: migrations.slice(0, 1) }).close();
    const broken = {
      version: 2,
      name: 'fails half way',
      up: (db: Database.Database) => {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => openDatabase(file, { migrations: [...migrations.slice(0, 1), broken] })).toThrow(/boom/);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database from a newer version without touching it', () => {
    const file = path.join(tempDir(), 'newer.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    const before = fs.readFileSync(file);

    expect(() => openDatabase(file)).toThrow(DatabaseProblem);
    expect(() => openDatabase(file)).toThrow(/schema version 999, newer than this Runbook Agent understands/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a file that is not a database and never replaces it', () => {
    const file = path.join(tempDir(), 'engine.sqlite');
    fs.writeFileSync(file, 'this is a text file, not SQLite\n'.repeat(20));
    const before = fs.readFileSync(file);
    const error = catchProblem(() => openDatabase(file));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toMatch(/not a Runbook Agent database/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a damaged database (valid header, garbage pages)', () => {
    const file = path.join(tempDir(), 'damaged.sqlite');
    const db = openDatabase(file);
    const insert = db.prepare('INSERT INTO check_ins (note, at) VALUES (?, ?)');
    for (let i = 0; i < 2000; i++) insert.run(`note ${i} ${'x'.repeat(100)}`, 'now');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, 4096 * 2, 4096 * 6); // overwrite pages 3-6 of the table b-tree
    fs.writeFileSync(file, bytes);

    const error = catchProblem(() => openDatabase(file));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toMatch(/damaged/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('reports a database locked by another connection instead of hanging', () => {
    const file = path.join(tempDir(), 'locked.sqlite');
    openDatabase(file).close();
    const holder = new Database(file);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const error = catchProblem(() => openDatabase(file, { busyTimeoutMs: 50 }));
      expect(error.kind).toBe('locked');
      expect(error.message).toMatch(/locked by another process/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});

/** A database at the latest schema, in WAL mode, with pages 3-6 of its check_ins table overwritten. */
function damagedDatabase(options: { migrations?: typeof migrations } = {}): { file: string; bytes: Buffer } {
  const file = path.join(tempDir(), 'damaged.sqlite');
  const db = openDatabase(file, options);
  const insert = db.prepare('INSERT INTO check_ins (note, at) VALUES (?, ?)');
  for (let i = 0; i < 2000; i++) insert.run(`note ${i} ${'x'.repeat(100)}`, 'now');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const bytes = fs.readFileSync(file);
  bytes.fill(0xa5, 4096 * 2, 4096 * 6);
  fs.writeFileSync(file, bytes);
  return { file, bytes };
}

describe('the integrity check after open (off the startup path)', () => {
  it('opens a current WAL database at once and finds the damage in a worker thread, leaving the file as it was', async () => {
    const { file, bytes } = damagedDatabase();
    const db = openDatabase(file, { integrity: 'after-open' });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const problem = await checkIntegrityOffThread(file);
    db.close();
    expect(problem?.kind).toBe('corrupt');
    expect(problem?.message).toMatch(/damaged .*It was left as it is/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('finds nothing wrong with a sound database', async () => {
    const file = path.join(tempDir(), 'sound.sqlite');
    const db = openDatabase(file, { integrity: 'after-open' });
    db.prepare("INSERT INTO check_ins (note, at) VALUES ('a', 'now')").run();
    expect(await checkIntegrityOffThread(file)).toBeNull();
    db.close();
  });

  it('still checks before opening when opening would write (a migration is due), so a damaged file is refused untouched', () => {
    const { file, bytes } = damagedDatabase({ migrations: migrations.slice(0, 1) });
    const error = catchProblem(() => openDatabase(file, { integrity: 'after-open' }));
    expect(error.kind).toBe('corrupt');
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('the engine answers at once, then refuses a damaged database as it would at open', async () => {
    const { file, bytes } = damagedDatabase();
    const engine = Engine.open({ databasePath: file, trusted: true });
    // Opened without the check: health answers now, the check runs beside it.
    expect(engine.health().database.problem).toBeNull();
    const seen: string[] = [];
    engine.onDatabaseProblem((p) => {
      seen.push(p.message);
    });
    const problem = await engine.integrity;
    expect(problem?.kind).toBe('corrupt');
    expect(seen).toEqual([problem!.message]);
    expect(engine.health().database).toMatchObject({ problem: problem!.message, schemaVersion: null });
    expect(() => engine.database()).toThrow(DatabaseProblem);
    expect(() => engine.checkIn('x')).toThrow(/damaged/);
    engine.close();
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);

    const sound = Engine.open({ databasePath: path.join(tempDir(), 'ok.sqlite'), trusted: true });
    expect(await sound.integrity).toBeNull();
    expect(sound.checkIn('fine').total).toBe(1);
    sound.close();
  });
});

function catchProblem(fn: () => unknown): DatabaseProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof DatabaseProblem) return error;
    throw error;
  }
  throw new Error('expected a DatabaseProblem');
}
