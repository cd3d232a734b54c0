import type { Health } from '../../protocol/engine';
import { DatabaseProblem } from '../control/db/errors';
import { checkIntegrityOffThread } from '../control/db/integrity';
import { openDatabase, schemaVersion, type Db } from '../control/db/open';
import { findModel } from '../memory/model/locate';
import { packageRoot } from '../shared/paths';
import { onnxRuntimeVersion, sqliteVersion } from '../shared/runtime';
import { sandboxInfo } from '../execution/sandbox';
import { TrustGate } from '../control/trust';
import { ENGINE_VERSION } from '../shared/version';

export interface EngineOptions {
  readonly databasePath: string;
  readonly modelPath?: string;
  readonly trusted: boolean;
  /**
   * Check the database's integrity before opening it ('before-open'), or after, off the engine's thread
   * ('after-open', the default): the engine answers at once and a damaged file is reported when the check ends.
   */
  readonly integrity?: 'before-open' | 'after-open';
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
  /**
   * The integrity check that runs after open, off this thread: resolves with the problem it found (the database
   * is then refused, as one refused at open is) or null. Resolved at once when the check ran before open.
   */
  readonly integrity: Promise<DatabaseProblem | null>;
  private readonly problemListeners: Array<(problem: DatabaseProblem) => void | Promise<void>> = [];

  private constructor(
    private readonly options: EngineOptions,
    private db: Db | null,
    private dbProblem: DatabaseProblem | null,
    checkAfterOpen: boolean,
  ) {
    this.trust = new TrustGate(options.trusted);
    this.integrity = checkAfterOpen && db ? this.checkAfterOpen() : Promise.resolve(dbProblem);
  }

  static open(options: EngineOptions): Engine {
    const after = (options.integrity ?? 'after-open') === 'after-open';
    try {
      return new Engine(options, openDatabase(options.databasePath, { integrity: after ? 'after-open' : 'before-open' }), null, after);
    } catch (error) {
      if (error instanceof DatabaseProblem) return new Engine(options, null, error, false);
      throw error;
    }
  }

  /** Called when the check after open refuses the database; the database closes once every listener is done. */
  onDatabaseProblem(listener: (problem: DatabaseProblem) => void | Promise<void>): void {
    this.problemListeners.push(listener);
  }

  private async checkAfterOpen(): Promise<DatabaseProblem | null> {
    let problem: DatabaseProblem | null;
    try {
      problem = await checkIntegrityOffThread(this.options.databasePath);
    } catch (error) {
      // The check itself could not run (no worker bundle, out of memory): say so, keep the database.
      problem = null;
      console.error(`integrity check could not run: ${(error as Error).message}`);
    }
    if (!problem || !this.db) return problem;
    // From here on the database is refused exactly as one refused at open: health says why and every request
    // that needs it fails with that message. What uses it stops first, then the connection closes.
    this.dbProblem = problem;
    const db = this.db;
    this.db = null;
    await Promise.allSettled(this.problemListeners.map(async (l) => l(problem)));
    if (db.open) db.close();
    return problem;
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

  close(): void {
    this.db?.close();
    this.db = null;
  }
}
