// Alertmanager write-back, the end of it: the silences a workflow made (its done alertmanager_silence calls) are
// expired once it settles (completed, escalated or cancelled), and each expiry is an event in its log
// (`silence_expired`: the silence, and 'expired', 'gone' or 'failed' with why). A failure is logged and recorded,
// never thrown: the silence ends on its own at its end time anyway, and the next sweep tries again (a few times).
// One implementation for the editor's engine (its SQLite file) and `serve --store` (N replicas, one database): what
// to expire and whether to log it are pure functions below; the outcome is appended under the store's lock.
import { expireSilence, MAX_SILENCE_MINUTES } from '../../execution/tools/alertmanager';
import { TOOL } from '../../execution/tools/names';
import { messageOf } from '../../control/workflow/failures';
import type { ControlStore, EventDraft } from '../../control/store/types';

export const SILENCE_EXPIRED_EVENT = 'silence_expired';
const SETTLED = new Set(['COMPLETED', 'ESCALATED', 'CANCELLED']);
/** Failed expiries of one silence before the sweeps stop trying (it still ends at its end time). */
const MAX_TRIES = 3;
const EXPIRE_TIMEOUT_MS = 10_000;

/** Silences being expired in this process, so two sweeps never expire (and record) the same one twice. */
const inFlight = new Set<string>();

/**
 * Storage is a ControlStore: the embedded engine passes its SQLite file's (SqliteControlStore over its Db), `serve
 * --store` the shared one, so both paths read and record the same way.
 */
export interface SilenceSweepOptions {
  readonly store: ControlStore;
  readonly alertmanagerUrl: string;
  readonly log?: (message: string) => void;
  /** Milliseconds since the epoch (tests). */
  readonly now?: () => number;
}

export interface SilenceCall {
  readonly stepId: string;
  readonly silenceId: string;
}

// ---- the pure part: what to expire, and whether an outcome is still worth logging ----

/** The silences made by done alertmanager_silence calls (results as the store returns them: parsed). */
export function silencesOf(calls: ReadonlyArray<{ stepId: string; tool: string; status: string; result: unknown }>): SilenceCall[] {
  return calls.flatMap((c) => {
    if (c.tool !== TOOL.alertmanagerSilence || c.status !== 'done') return [];
    const id = c.result !== null && typeof c.result === 'object' ? (c.result as { silenceId?: unknown }).silenceId : undefined;
    return typeof id === 'string' ? [{ stepId: c.stepId, silenceId: id }] : [];
  });
}

/** What the log says about each silence so far (the data of its `silence_expired` events): settled ('expired' or 'gone'), or how many tries failed. */
export function recorded(logged: readonly unknown[]): Map<string, { settled: boolean; failures: number }> {
  const out = new Map<string, { settled: boolean; failures: number }>();
  for (const data of logged) {
    const d = (data ?? {}) as { silenceId?: unknown; outcome?: unknown };
    if (typeof d.silenceId !== 'string') continue;
    const seen = out.get(d.silenceId) ?? { settled: false, failures: 0 };
    if (d.outcome === 'failed') seen.failures++;
    else seen.settled = true;
    out.set(d.silenceId, seen);
  }
  return out;
}

/** Whether a silence still needs an expiry: not settled in the log, and not given up on. */
function due(seen: ReturnType<typeof recorded>, silenceId: string): boolean {
  const r = seen.get(silenceId);
  return !r?.settled && (r?.failures ?? 0) < MAX_TRIES;
}

/**
 * The expiry event to append given what is logged by then (under the store's lock): none when another sweep, in this
 * process or another replica, already settled that silence or used up its tries, so an expiry is logged once.
 */
export function expiryToLog(logged: readonly unknown[], data: Readonly<Record<string, unknown>> & { readonly silenceId: string }): EventDraft[] {
  return due(recorded(logged), data.silenceId) ? [{ type: SILENCE_EXPIRED_EVENT, data }] : [];
}

// ---- the sweep ----

/** Expires the silences of one workflow, if it has settled. Never throws. */
export async function expireSilences(workflowId: string, options: SilenceSweepOptions): Promise<void> {
  const { store, log } = options;
  let pending: SilenceCall[];
  try {
    const view = await store.view(workflowId);
    if (!view || !SETTLED.has(view.state)) return;
    const [calls, events] = await Promise.all([store.toolCalls(workflowId), store.events(workflowId)]);
    const seen = recorded(events.filter((e) => e.type === SILENCE_EXPIRED_EVENT).map((e) => e.data));
    // Filtered and marked in flight in one synchronous step: no other sweep of this process runs in between.
    pending = silencesOf(calls).filter((s) => !inFlight.has(s.silenceId) && due(seen, s.silenceId));
  } catch (error) {
    log?.(`silences of ${workflowId}: ${messageOf(error)}`);
    return;
  }
  for (const s of pending) inFlight.add(s.silenceId);
  for (const s of pending) {
    try {
      let data: Record<string, unknown>;
      try {
        const result = await expireSilence(options.alertmanagerUrl, s.silenceId, AbortSignal.timeout(EXPIRE_TIMEOUT_MS));
        data = { stepId: s.stepId, silenceId: s.silenceId, ...result };
      } catch (error) {
        const message = messageOf(error);
        log?.(`expiring Alertmanager silence ${s.silenceId} of workflow ${workflowId}: ${message}`);
        data = { stepId: s.stepId, silenceId: s.silenceId, outcome: 'failed', detail: message.slice(0, 500) };
      }
      try {
        await store.appendOnEvents(workflowId, SILENCE_EXPIRED_EVENT, options.now?.() ?? Date.now(), (logged) => expiryToLog(logged, { ...data, silenceId: s.silenceId }));
      } catch (error) {
        log?.(`recording the expiry of silence ${s.silenceId} (workflow ${workflowId}): ${messageOf(error)}`);
      }
    } finally {
      inFlight.delete(s.silenceId);
    }
  }
}

/**
 * Expires the silences of every settled workflow of `workspace` made within a silence's longest life (older ones
 * have ended on their own): after a person settles a workflow (Cancel, Escalate, Mark resolved) and when the CLI
 * runs, since only the engine's own settling calls onSettled. Never throws.
 */
export async function expireSettledSilences(workspace: string, options: SilenceSweepOptions): Promise<void> {
  let ids: string[];
  try {
    const since = (options.now?.() ?? Date.now()) - MAX_SILENCE_MINUTES * 60_000;
    ids = await options.store.settledWithDoneCalls(workspace, TOOL.alertmanagerSilence, since);
  } catch (error) {
    options.log?.(`silences of ${workspace}: ${messageOf(error)}`);
    return;
  }
  for (const id of ids) await expireSilences(id, options);
}

export interface SilenceSweeps {
  /** Sweeps soon: one at a time, and one asked for while one runs runs once after it. */
  sweep(): void;
  /** No more sweeps; resolves when the one running (if any) is done. */
  stop(): Promise<void>;
}

/**
 * `serve --store`: sweeps when this replica settles a workflow and every `everyMs`, since a person's Cancel or
 * Escalate (the CLI, another replica) reaches no onSettled here. Replicas sweeping at once are safe: Alertmanager's
 * expiry is idempotent and the store logs each silence's expiry once (ControlStore.appendOnEvents).
 */
export function startSilenceSweeps(workspace: string, options: SilenceSweepOptions & { readonly everyMs: number }): SilenceSweeps {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const sweep = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await expireSettledSilences(workspace, options);
      } while (again && !stopped);
    })().finally(() => (running = null));
  };
  const timer = setInterval(sweep, options.everyMs);
  timer.unref();
  sweep();
  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
