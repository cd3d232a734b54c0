import type { Db } from '../db/open';
import { stateAndEventCount } from '../store/sqlite/reads';
import { exportOtlp } from './export';

const SETTLED = new Set(['COMPLETED', 'ESCALATED']);

/**
 * Sends each workflow's trace to the configured OTLP endpoint when it settles (and again if a person later
 * resolves an escalation: span ids are derived from the workflow, so the collector sees one trace grow).
 * Failures are logged and dropped: observability must never hold up the work it observes.
 */
export class TraceShipper {
  /** Workflow id -> the number of events when its trace was last sent. */
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly endpoint: string,
    private readonly headers: Record<string, string>,
    private readonly log: (message: string) => void,
  ) {}

  onChanged(ids: readonly string[]): void {
    for (const id of ids) {
      const row = stateAndEventCount(this.db, id);
      if (!row || !SETTLED.has(row.state) || this.sent.get(id) === row.n) continue;
      this.sent.set(id, row.n);
      exportOtlp(this.db, id, this.endpoint, this.headers).then(
        ({ spans }) => this.log(`trace of ${id} sent to the OTLP endpoint (${spans} spans)`),
        (error: unknown) => this.log(`trace of ${id} not sent: ${(error as Error).message}`),
      );
    }
  }
}

/** OTEL_EXPORTER_OTLP_HEADERS, the standard variable: "k1=v1,k2=v2" (serve, with or without --store). */
export function otlpHeaders(): Record<string, string> {
  const raw = process.env.OTEL_EXPORTER_OTLP_HEADERS ?? '';
  return Object.fromEntries(
    raw
      .split(',')
      .map((pair) => pair.split('=').map((s) => decodeURIComponent(s.trim())))
      .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== ''),
  );
}
