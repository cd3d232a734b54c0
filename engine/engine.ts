import type { CheckIn, Health } from '../protocol/engine';
import { DatabaseProblem } from './db/errors';
import { openDatabase, schemaVersion, type Db } from './db/open';
import { findModel } from './model/locate';
import { packageRoot } from './paths';
import { onnxRuntimeVersion, sqliteVersion } from './runtime';
import { sandboxInfo } from './sandbox';
import { TrustGate } from './trust';
import { ENGINE_VERSION } from './version';

export interface EngineOptions {
  readonly databasePath: string;
  readonly modelPath?: string;
  readonly trusted: boolean;
}

/**
 * The engine's state, independent of how it is reached (JSON-RPC from the extension, or the CLI).
 * A database the engine refuses does not stop it: health reports the problem, and requests that need
 * the database fail with that same message.
 */
export class Engine {
  private readonly startedAt = Date.now();
  /** Consulted by everything that executes; see trust.ts. */
  readonly trust: TrustGate;

  private constructor(
    private readonly options: EngineOptions,
    private readonly db: Db | null,
    private readonly dbProblem: DatabaseProblem | null,
  ) {
    this.trust = new TrustGate(options.trusted);
  }

  static open(options: EngineOptions): Engine {
    try {
      return new Engine(options, openDatabase(options.databasePath), null);
    } catch (error) {
      if (error instanceof DatabaseProblem) return new Engine(options, null, error);
      throw error;
    }
  }

  database(): Db {
    if (!this.db) throw this.dbProblem ?? new Error('database is closed');
    return this.db;
  }

  health(): Health {
    const lookup = findModel(packageRoot(), this.options.modelPath);
    return {
      engineVersion: ENGINE_VERSION,
      pid: process.pid,
      uptimeMs: Date.now() - this.startedAt,
      node: process.versions.node,
      sqlite: sqliteVersion(),
      onnxruntime: onnxRuntimeVersion(),
      database: {
        path: this.options.databasePath,
        schemaVersion: this.db ? schemaVersion(this.db) : null,
        journalMode: this.db ? String(this.db.pragma('journal_mode', { simple: true })) : null,
        problem: this.dbProblem?.message ?? null,
      },
      model: lookup.model,
      modelProblem: lookup.problem,
      trusted: this.trust.trusted,
      sandbox: sandboxInfo(),
    };
  }

  checkIn(note: string): CheckIn {
    const db = this.database();
    const at = new Date().toISOString();
    return db.transaction(() => {
      const id = Number(db.prepare('INSERT INTO check_ins (note, at) VALUES (?, ?)').run(note, at).lastInsertRowid);
      const total = (db.prepare('SELECT count(*) AS n FROM check_ins').get() as { n: number }).n;
      return { id, note, at, total };
    })();
  }

  close(): void {
    this.db?.close();
  }
}
