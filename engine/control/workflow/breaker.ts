// Circuit breakers per tool ("tool:NAME") and per model provider ("model:NAME"): their settings here, their rules
// in engine/control/store/breakerRules.ts, their rows in the control store (so the CLI, the panel and every replica
// see the same state, and every change is an event in the chained log).
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
