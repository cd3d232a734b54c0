import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from '../db/open';

/**
 * Moves WAL checkpoints off the engine's thread. With synchronous=NORMAL a commit does not fsync; the fsyncs
 * happen in checkpoints, which SQLite otherwise runs inside whichever commit crosses 1,000 WAL pages, adding
 * a few to ~15 ms to that step. Here a worker thread with its own connection runs PASSIVE checkpoints (they
 * never block the writer), and autocheckpoint is turned off on the engine's connection. Under a sustained
 * burst a passive checkpoint may never catch up, so past `maxWalPages` the engine checkpoints inline
 * (maybeCheckpoint), which bounds the WAL. If the worker fails, SQLite's own autocheckpoint is restored.
 * The worker keeps the process alive: call stop() on shutdown.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private behind = 0;
  private readonly waiters: Array<(r: WalReport) => void> = [];
  private stopped = false;

  constructor(
    private readonly db: Db,
    file: string,
    private readonly options: { intervalMs?: number; maxWalPages?: number } = {},
  ) {
    const sqliteModule = createRequire(__filename).resolve('better-sqlite3');
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(SOURCE, { eval: true, workerData: { sqliteModule, file, intervalMs: options.intervalMs ?? 100 } });
    this.worker.on('message', (m: WalReport) => {
      this.behind = Math.max(0, m.log - m.checkpointed);
      for (const w of this.waiters.splice(0)) w(m);
    });
    this.worker.on('error', () => this.fallBack());
    this.worker.on('exit', () => this.fallBack());
  }

  /** Resolves with the worker's next checkpoint report (WAL frames, frames copied to the database). */
  nextReport(): Promise<WalReport> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Called between actions: checkpoints inline only when the WAL has grown past the bound. */
  maybeCheckpoint(): void {
    if (this.behind <= (this.options.maxWalPages ?? 16_384)) return;
    this.db.pragma('wal_checkpoint(PASSIVE)');
    this.behind = 0;
  }

  /**
   * Asks the worker to close its connection and exit. Never terminate() it: stopping a thread while it is still
   * loading the native SQLite module aborts the whole process (the crash harness caught exactly that).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('stop');
    await exited;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }

  private fallBack(): void {
    if (this.stopped || !this.db.open) return;
    this.stopped = true;
    this.db.pragma('wal_autocheckpoint = 1000');
  }
}

export interface WalReport {
  readonly log: number;
  readonly checkpointed: number;
}

const SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqliteModule);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (error) {
    // Busy: try again at the next interval.
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
