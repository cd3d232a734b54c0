// The SQLite change feed: the event log's `seq` only grows and every commit appends under one write lock, so
// polling its maximum misses nothing, whoever committed (another engine, the CLI). Own commits are pushed at once.
import type { Db } from '../../db/open';
import { sql } from './sql';
import type { StoreChange } from '../types';
import { changesSince } from './logReads';

export function logHead(db: Db): number {
  return (sql(db, 'SELECT coalesce(max(seq), 0) AS s FROM workflow_events').get() as { s: number }).s;
}

export class PollingFeed {
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private timer: NodeJS.Timeout | null = null;
  private last = 0;

  constructor(
    private readonly db: Db,
    private readonly pollMs: number,
  ) {}

  subscribe(listener: (change: StoreChange) => void): () => void {
    if (this.listeners.size === 0) {
      this.last = logHead(this.db);
      this.timer = setInterval(() => this.poll(), this.pollMs);
      this.timer.unref();
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Checks now: called after this process commits, so its own changes need no poll. */
  poll(): void {
    if (this.listeners.size === 0 || !this.db.open) return;
    const rows = changesSince(this.db, this.last);
    if (rows.length === 0) return;
    this.last = Math.max(this.last, ...rows.map((r) => r.s));
    const change: StoreChange = { head: this.last, workflowIds: rows.flatMap((r) => (r.id === null ? [] : [r.id])) };
    for (const listener of [...this.listeners]) listener(change);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}
