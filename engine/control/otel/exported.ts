// What the log says about a workflow's trace under `serve --store`, and whether it is due to be sent: the pure part
// of engine/control/otel/shipStore.ts. Each send is claimed by a `trace_exported` event appended under the workflow's
// lock (ControlStore.appendOnEvents), so across N replicas exactly one sends each version of a trace; a failed send
// appends a second `trace_exported` event saying so, and a few later sweeps try again.
//
// A version of the trace is the number of the workflow's events it covers, `trace_exported` ones not counted: those
// never make a trace stale (no loop), and the trace is built without them (storeRecord).
import type { EventDraft, WorkflowEvent } from '../store/types';

export const TRACE_EXPORTED_EVENT = 'trace_exported' as const;
/** As without --store (engine/control/otel/ship.ts): the states whose trace is sent. */
export const TRACE_SETTLED: ReadonlySet<string> = new Set(['COMPLETED', 'ESCALATED']);
/** Failed sends of one version of a trace before the sweeps stop trying (a later event starts over). */
export const MAX_TRACE_TRIES = 3;
/** A failed send is tried again by the first sweep at least this long after it failed. */
export const TRACE_RETRY_AFTER_MS = 10_000;

/**
 * due: send it now (after claiming it); claimed: a send of this version (or a later one) was claimed and did not fail
 * (sent, or being sent); wait: a send failed, the next try comes later; given-up: MAX_TRACE_TRIES sends failed.
 */
export type TraceVerdict = 'due' | 'claimed' | 'wait' | 'given-up';

export interface TraceTries {
  readonly maxTries?: number;
  readonly retryAfterMs?: number;
}

/** The events a trace covers: all but `trace_exported`. */
export function tracedEvents<E extends Pick<WorkflowEvent, 'type'>>(events: readonly E[]): E[] {
  return events.filter((e) => e.type !== TRACE_EXPORTED_EVENT);
}

/**
 * Whether the trace covering `events` events is due, given the data of the workflow's `trace_exported` events in log
 * order: a claim `{upTo}` or a failure `{upTo, outcome: 'failed', failedAt}`. Records of an older version (upTo below
 * `events`) say nothing about this one; each failure answers one claim, so more claims than failures means one stands.
 */
export function traceVerdict(logged: readonly unknown[], events: number, now: number, tries: TraceTries = {}): TraceVerdict {
  const maxTries = tries.maxTries ?? MAX_TRACE_TRIES;
  const retryAfterMs = tries.retryAfterMs ?? TRACE_RETRY_AFTER_MS;
  let claims = 0;
  let failures = 0;
  let lastFailedAt = -Infinity;
  for (const raw of logged) {
    const d = (raw ?? {}) as { upTo?: unknown; outcome?: unknown; failedAt?: unknown };
    if (typeof d.upTo !== 'number' || d.upTo < events) continue;
    if (d.outcome === 'failed') {
      failures++;
      if (typeof d.failedAt === 'number') lastFailedAt = Math.max(lastFailedAt, d.failedAt);
    } else claims++;
  }
  if (claims > failures) return 'claimed';
  if (failures >= maxTries) return 'given-up';
  if (failures > 0 && now - lastFailedAt < retryAfterMs) return 'wait';
  return 'due';
}

/** How many sends of this version failed so far (for the log line). */
export function failedTries(logged: readonly unknown[], events: number): number {
  return logged.filter((raw) => {
    const d = (raw ?? {}) as { upTo?: unknown; outcome?: unknown };
    return typeof d.upTo === 'number' && d.upTo >= events && d.outcome === 'failed';
  }).length;
}

const traceExported = (data: Record<string, unknown>): EventDraft => ({ type: TRACE_EXPORTED_EVENT, data });

/**
 * The claim to append given what is logged by then (under the store's lock): none unless the send is still due, so
 * two replicas (or two checks of one) that both found it due send it once.
 */
export function claimToLog(logged: readonly unknown[], events: number, now: number, state: string, tries?: TraceTries): EventDraft[] {
  return traceVerdict(logged, events, now, tries) === 'due' ? [traceExported({ upTo: events, state, try: failedTries(logged, events) + 1 })] : [];
}

/** The record of a failed send of the version claimed (always appended: it answers that claim). */
export function failureToLog(events: number, detail: string, now: number): EventDraft[] {
  return [traceExported({ upTo: events, outcome: 'failed', detail: detail.slice(0, 500), failedAt: now })];
}
