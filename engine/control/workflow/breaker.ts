import type { BreakerState } from '../../../protocol/workflow';
import type { Db } from '../db/open';
import type { Clock } from './clock';
import { iso } from './clock';
import { storageError } from './errors';
import { appendEvent } from './eventLog';
import { sql } from './sql';

export interface BreakerConfig {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number;
  /** How long an open breaker fails fast before letting one probe through (half-open). */
  readonly cooldownMs: number;
  /** A half-open probe that never reports (its engine died) frees the slot after this long. */
  readonly probeTimeoutMs: number;
}

export const DEFAULT_BREAKER: BreakerConfig = { failureThreshold: 5, cooldownMs: 30_000, probeTimeoutMs: 60_000 };

export type Admission = { readonly allowed: true; readonly probe: boolean } | { readonly allowed: false; readonly retryInMs: number };

interface Row {
  name: string;
  state: 'closed' | 'open' | 'half-open';
  consecutive_failures: number;
  opened_at: number | null;
  probe_started_at: number | null;
}

/**
 * Circuit breakers per tool ("tool:NAME") and per model provider ("model:NAME"), kept in SQLite so the CLI and
 * the UI see the same state as the engine, and every state change is an event in the chained log.
 */
export class Breakers {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly defaults: BreakerConfig = DEFAULT_BREAKER,
    private readonly overrides: Readonly<Record<string, Partial<BreakerConfig>>> = {},
  ) {}

  config(name: string): BreakerConfig {
    return { ...this.defaults, ...this.overrides[name] };
  }

  acquire(name: string): Admission {
    // The common case (closed) needs no write transaction.
    if (this.row(name).state === 'closed') return { allowed: true, probe: false };
    return this.write(() => {
      const row = this.row(name);
      const now = this.clock.now();
      const cfg = this.config(name);
      if (row.state === 'closed') return { allowed: true, probe: false };
      if (row.state === 'open') {
        const wait = (row.opened_at ?? now) + cfg.cooldownMs - now;
        if (wait > 0) return { allowed: false, retryInMs: wait };
        this.save(row, { state: 'half-open', probe_started_at: now });
        return { allowed: true, probe: true };
      }
      if (row.probe_started_at === null || now - row.probe_started_at >= cfg.probeTimeoutMs) {
        this.save(row, { probe_started_at: now });
        return { allowed: true, probe: true };
      }
      return { allowed: false, retryInMs: Math.max(1, row.probe_started_at + cfg.probeTimeoutMs - now) };
    });
  }

  success(name: string): void {
    const current = this.row(name);
    if (current.state === 'closed' && current.consecutive_failures === 0) return;
    this.write(() => {
      const row = this.row(name);
      if (row.state !== 'closed' || row.consecutive_failures !== 0) {
        this.save(row, { state: 'closed', consecutive_failures: 0, opened_at: null, probe_started_at: null });
      }
    });
  }

  failure(name: string): void {
    this.write(() => {
      const row = this.row(name);
      const now = this.clock.now();
      const failures = row.consecutive_failures + 1;
      if (row.state === 'half-open' || (row.state === 'closed' && failures >= this.config(name).failureThreshold)) {
        this.save(row, { state: 'open', consecutive_failures: failures, opened_at: now, probe_started_at: null });
      } else {
        this.save(row, { consecutive_failures: failures });
      }
    });
  }

  state(name: string): BreakerState {
    return toWire(this.row(name));
  }

  list(): BreakerState[] {
    return listBreakers(this.db);
  }

  private row(name: string): Row {
    return (
      (sql(this.db, 'SELECT * FROM breakers WHERE name = ?').get(name) as Row | undefined) ?? {
        name,
        state: 'closed',
        consecutive_failures: 0,
        opened_at: null,
        probe_started_at: null,
      }
    );
  }

  private save(row: Row, change: Partial<Row>): void {
    const next = { ...row, ...change };
    sql(this.db, 
        `INSERT INTO breakers (name, state, consecutive_failures, opened_at, probe_started_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET state = excluded.state, consecutive_failures = excluded.consecutive_failures,
         opened_at = excluded.opened_at, probe_started_at = excluded.probe_started_at`,
      )
      .run(next.name, next.state, next.consecutive_failures, next.opened_at, next.probe_started_at);
    if (next.state !== row.state) {
      appendEvent(this.db, {
        workflowId: null,
        type: 'breaker',
        from: null,
        to: null,
        actor: 'engine',
        attempt: 0,
        at: this.clock.now(),
        data: { name: row.name, from: row.state, to: next.state, consecutiveFailures: next.consecutive_failures },
      });
    }
  }

  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw storageError(error);
    }
  }
}

function toWire(row: Row): BreakerState {
  return { name: row.name, state: row.state, consecutiveFailures: row.consecutive_failures, openedAt: row.opened_at === null ? null : iso(row.opened_at) };
}

export function listBreakers(db: Db): BreakerState[] {
  return (sql(db, 'SELECT * FROM breakers ORDER BY name').all() as Row[]).map(toWire);
}
