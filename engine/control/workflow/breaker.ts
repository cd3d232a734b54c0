import type { BreakerState } from '../../../protocol/workflow';
import type { Db } from '../db/open';
import type { Clock } from './clock';
import { iso } from './clock';
import { storageError } from './errors';
import * as rules from '../store/breakerRules';
import { breakerRow, breakerRows, saveBreaker } from '../store/sqlite/statements';
import type { BreakerDecision, BreakerRow } from '../store/types';

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
    if (breakerRow(this.db, name).state === 'closed') return { allowed: true, probe: false };
    return this.update(name, (now) => rules.acquire(this.config(name), now));
  }

  success(name: string): void {
    const row = breakerRow(this.db, name);
    if (row.state === 'closed' && row.consecutiveFailures === 0) return;
    this.update(name, () => rules.success());
  }

  failure(name: string): void {
    this.update(name, (now) => rules.failure(this.config(name), now));
  }

  state(name: string): BreakerState {
    return toWire(breakerRow(this.db, name));
  }

  list(): BreakerState[] {
    return listBreakers(this.db);
  }

  /** The rules of engine/control/store/breakerRules.ts, which the store runtime uses too, on the row in one transaction. */
  private update<T>(name: string, rule: (now: number) => (row: BreakerRow) => BreakerDecision<T>): T {
    try {
      return this.db
        .transaction(() => {
          const now = this.clock.now();
          const row = breakerRow(this.db, name);
          const d = rule(now)(row);
          if (d.next) saveBreaker(this.db, row, d.next, now);
          return d.result;
        })
        .immediate();
    } catch (error) {
      throw storageError(error);
    }
  }
}

function toWire(row: BreakerRow): BreakerState {
  return { name: row.name, state: row.state, consecutiveFailures: row.consecutiveFailures, openedAt: row.openedAt === null ? null : iso(row.openedAt) };
}

export function listBreakers(db: Db): BreakerState[] {
  return breakerRows(db).map(toWire);
}
