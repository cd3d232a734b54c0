import type { Db } from '../../control/db/open';

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
    return (this.db.prepare('SELECT coalesce(max(seq), 0) AS s FROM workflow_events').get() as { s: number }).s;
  }

  start(): void {
    this.timer ??= setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  /** Checks now (also called right after this engine commits, so its own changes show without delay). */
  poll(): void {
    if (!this.db.open) return;
    const rows = this.db.prepare('SELECT DISTINCT workflow_id AS id, max(seq) AS s FROM workflow_events WHERE seq > ? GROUP BY workflow_id').all(this.lastSeq) as Array<{ id: string | null; s: number }>;
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
