// The circuit-breaker rules (engine/control/workflow/breaker.ts holds their settings) as pure functions over a
// persisted row, for ControlStore.updateBreaker: the store runs one in a transaction and keeps the row it returns.
import type { BreakerState } from '../../../protocol/workflow';
import type { Admission, BreakerConfig } from '../workflow/breaker';
import { iso } from '../workflow/clock';
import type { BreakerDecision, BreakerRow } from './types';

/** A stored row as the panel, the CLI and the wire show it. */
export function breakerStateOf(row: BreakerRow): BreakerState {
  return { name: row.name, state: row.state, consecutiveFailures: row.consecutiveFailures, openedAt: row.openedAt === null ? null : iso(row.openedAt) };
}

export const closedRow = (name: string): BreakerRow => ({ name, state: 'closed', consecutiveFailures: 0, openedAt: null, probeStartedAt: null });

/** May a call go through now? An open breaker lets one probe through after its cooldown (half-open). */
export function acquire(cfg: BreakerConfig, now: number) {
  return (row: BreakerRow): BreakerDecision<Admission> => {
    if (row.state === 'closed') return { result: { allowed: true, probe: false } };
    if (row.state === 'open') {
      const wait = (row.openedAt ?? now) + cfg.cooldownMs - now;
      if (wait > 0) return { result: { allowed: false, retryInMs: wait } };
      return { result: { allowed: true, probe: true }, next: { ...row, state: 'half-open', probeStartedAt: now } };
    }
    if (row.probeStartedAt === null || now - row.probeStartedAt >= cfg.probeTimeoutMs) {
      return { result: { allowed: true, probe: true }, next: { ...row, probeStartedAt: now } };
    }
    return { result: { allowed: false, retryInMs: Math.max(1, row.probeStartedAt + cfg.probeTimeoutMs - now) } };
  };
}

export function success() {
  return (row: BreakerRow): BreakerDecision<void> =>
    row.state === 'closed' && row.consecutiveFailures === 0 ? { result: undefined } : { result: undefined, next: { ...closedRow(row.name) } };
}

export function failure(cfg: BreakerConfig, now: number) {
  return (row: BreakerRow): BreakerDecision<void> => {
    const failures = row.consecutiveFailures + 1;
    if (row.state === 'half-open' || (row.state === 'closed' && failures >= cfg.failureThreshold)) {
      return { result: undefined, next: { ...row, state: 'open', consecutiveFailures: failures, openedAt: now, probeStartedAt: null } };
    }
    return { result: undefined, next: { ...row, consecutiveFailures: failures } };
  };
}

/** The event data of a state change, as breaker.ts logs it. */
export function breakerEventData(before: BreakerRow, after: BreakerRow): Record<string, unknown> {
  return { name: before.name, from: before.state, to: after.state, consecutiveFailures: after.consecutiveFailures };
}
