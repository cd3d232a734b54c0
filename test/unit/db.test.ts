import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseProblem } from '../../engine/control/db/errors';
import { LATEST_SCHEMA_VERSION, migrations } from '../../engine/control/db/migrations';
import { openDatabase, schemaVersion } from '../../engine/control/db/open';
import { checkIntegrityOffThread } from '../../engine/control/db/integrity';
import { Engine } from '../../engine/entry/engine';
import { getTier, setTier } from '../../engine/control/store/sqlite/tiers';
import { ManualClock } from '../../engine/control/workflow/clock';
import { verifyChain } from '../../engine/control/store/sqlite/eventLog';
import { intake } from '../../engine/control/store/sqlite/intake';
import { loadView } from '../../engine/control/store/sqlite/commit';
import { writeDamagedDatabase } from '../helpers/damagedDb';
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
    old.prepare("INSERT INTO meta (key, value) VALUES ('kept', 'yes')").run();
    old.close();

    // A fake later migration stands in for the next real one, so the test pins the upgrade path itself.
    const next = { version: 2, name: 'test column', up: (db: Database.Database) => db.exec('ALTER TABLE meta ADD COLUMN extra TEXT') };
    const db = openDatabase(file, { migrations: [...migrations.slice(0, 1), next] });
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT key, value, extra FROM meta').all()).toEqual([{ key: 'kept', value: 'yes', extra: null }]);
    db.close();
  });

  it('drops the check-ins of a database from before migration 7 and keeps everything else as it was', () => {
    const file = path.join(tempDir(), 'v6.sqlite');
    const root = tempDir();
    const clock = new ManualClock();
    const old = openDatabase(file, { migrations: migrations.slice(0, 6) });
    const insertCheckIn = old.prepare('INSERT INTO check_ins (note, at) VALUES (?, ?)');
    for (let i = 0; i < 50; i++) insertCheckIn.run(`note ${i}`, '2026-01-01T00:00:00Z');
    // What a person's database holds besides: workflows with their chained events, a tier, cached embeddings.
    const ids = [1, 2, 3].map((n) => intake(old, { source: 'test', title: `disk almost full ${n}`, labels: { n: String(n) } }, { clock }).workflow.id);
    setTier(old, root, 'approved-writes', 'someone', clock.now());
    const insertEmbedding = old.prepare('INSERT INTO embeddings (model_id, text_hash, dim, vector) VALUES (?, ?, ?, ?)');
    for (let i = 0; i < 100; i++) insertEmbedding.run('test-model', `hash-${i}`, 4, Buffer.from(new Float32Array([i, 1, 2, 3]).buffer));
    old.prepare("INSERT INTO meta (key, value) VALUES ('kept', 'yes')").run();
    const before = contents(old);
    expect(before.get('check_ins')).toHaveLength(50);
    expect(before.get('workflow_events')!.length).toBeGreaterThan(3);
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'check_ins'").get()).toBeUndefined();
    const after = contents(db);
    before.delete('check_ins');
    expect(after).toEqual(before);
    expect(verifyChain(db)).toMatchObject({ ok: true });
    expect(ids.map((id) => loadView(db, id)?.title)).toEqual(['disk almost full 1', 'disk almost full 2', 'disk almost full 3']);
    expect(getTier(db, root)).toBe('approved-writes');
    db.close();
  });

  it('creates no check_ins table in a new database', () => {
    const db = openDatabase(path.join(tempDir(), 'new.sqlite'));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'check_ins'").get()).toBeUndefined();
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
    const bytes = writeDamagedDatabase(file);

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

/** A database in WAL mode (at the latest schema unless told), with pages of its embeddings table overwritten. */
function damagedDatabase(options: { migrations?: typeof migrations } = {}): { file: string; bytes: Buffer } {
  const file = path.join(tempDir(), 'damaged.sqlite');
  return { file, bytes: writeDamagedDatabase(file, options) };
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
    db.prepare("INSERT INTO embeddings (model_id, text_hash, dim, vector) VALUES ('m', 'a', 1, x'00000000')").run();
    expect(await checkIntegrityOffThread(file)).toBeNull();
    db.close();
  });

  it('still checks before opening when opening would write (a migration is due), so a damaged file is refused untouched', () => {
    const { file, bytes } = damagedDatabase({ migrations: migrations.slice(0, LATEST_SCHEMA_VERSION - 1) });
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
    expect(() => engine.database()).toThrow(/damaged/);
    engine.close();
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);

    const sound = Engine.open({ databasePath: path.join(tempDir(), 'ok.sqlite'), trusted: true });
    expect(await sound.integrity).toBeNull();
    expect(sound.health().database).toMatchObject({ problem: null, schemaVersion: LATEST_SCHEMA_VERSION });
    expect(sound.database().prepare("SELECT count(*) AS n FROM workflows").get()).toEqual({ n: 0 });
    sound.close();
  });
});

/** Every row of every table (FTS shadow tables included), by table name; the order of rows is the table's own. */
function contents(db: Database.Database): Map<string, unknown[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
  return new Map(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]));
}

function catchProblem(fn: () => unknown): DatabaseProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof DatabaseProblem) return error;
    throw error;
  }
  throw new Error('expected a DatabaseProblem');
}
