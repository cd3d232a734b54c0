import type { Db } from '../../control/db/open';
import { logHead } from '../../control/store/sqlite/feed';
import { changesSince } from '../../control/store/sqlite/logReads';

/**
 * Notices every change to workflows, whoever made it (this engine's workers, the CLI, another engine on the
 * same database): the event log is append-only with increasing `seq`, so polling its head is cheap (an
 * index lookup) and misses nothing.
 */
export class ChangeWatcher {
  private lastSeq: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly onChange: (workflowIds: string[]) => void,
    private readonly intervalMs = 100,
  ) {
    this.lastSeq = this.head();
  }

  private head(): number {
    return logHead(this.db);
  }

  start(): void {
    this.timer ??= setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  /** Checks now (also called right after this engine commits, so its own changes show without delay). */
  poll(): void {
    if (!this.db.open) return;
    const rows = changesSince(this.db, this.lastSeq);
    if (rows.length === 0) return;
    this.lastSeq = Math.max(this.lastSeq, ...rows.map((r) => r.s));
    const ids = rows.flatMap((r) => (r.id === null ? [] : [r.id]));
    // Kill switches and tier changes have no workflow but still change what views show.
    this.onChange(ids);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
