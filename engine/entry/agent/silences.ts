// Alertmanager write-back, the end of it: the silences a workflow made (its done alertmanager_silence calls) are
// expired once it settles (completed, escalated or cancelled), and each expiry is an event in its log
// (`silence_expired`: the silence, and 'expired', 'gone' or 'failed' with why). A failure is logged and recorded,
// never thrown: the silence ends on its own at its end time anyway, and the next sweep tries again (a few times).
import type { Db } from '../../control/db/open';
import { expireSilence, MAX_SILENCE_MINUTES } from '../../execution/tools/alertmanager';
import { TOOL } from '../../execution/tools/names';
import { messageOf } from '../../control/workflow/failures';
import { doneCallsOf, eventDataOf, settledWithDoneCalls } from '../../control/store/sqlite/logReads';
import { commit, loadView } from '../../control/store/sqlite/commit';

export const SILENCE_EXPIRED_EVENT = 'silence_expired';
const SETTLED = new Set(['COMPLETED', 'ESCALATED', 'CANCELLED']);
/** Failed expiries of one silence before the sweeps stop trying (it still ends at its end time). */
const MAX_TRIES = 3;
const EXPIRE_TIMEOUT_MS = 10_000;

/** Silences being expired in this process, so two sweeps never expire (and record) the same one twice. */
const inFlight = new Set<string>();

export interface SilenceSweepOptions {
  readonly db: Db;
  readonly alertmanagerUrl: string;
  readonly log?: (message: string) => void;
  /** Milliseconds since the epoch (tests). */
  readonly now?: () => number;
}

interface SilenceCall {
  readonly stepId: string;
  readonly silenceId: string;
}

/** The silences a workflow's done alertmanager_silence calls made. */
function silencesOf(db: Db, workflowId: string): SilenceCall[] {
  return doneCallsOf(db, workflowId, TOOL.alertmanagerSilence).flatMap((r) => {
    const id = (r.result === null ? null : (JSON.parse(r.result) as { silenceId?: unknown }))?.silenceId;
    return typeof id === 'string' ? [{ stepId: r.step_id, silenceId: id }] : [];
  });
}

/** What the log says about each silence so far: settled ('expired' or 'gone'), or how many tries failed. */
function recorded(db: Db, workflowId: string): Map<string, { settled: boolean; failures: number }> {
  const out = new Map<string, { settled: boolean; failures: number }>();
  for (const data of eventDataOf(db, workflowId, SILENCE_EXPIRED_EVENT)) {
    const d = JSON.parse(data) as { silenceId?: unknown; outcome?: unknown };
    if (typeof d.silenceId !== 'string') continue;
    const seen = out.get(d.silenceId) ?? { settled: false, failures: 0 };
    if (d.outcome === 'failed') seen.failures++;
    else seen.settled = true;
    out.set(d.silenceId, seen);
  }
  return out;
}

/** Expires the silences of one workflow, if it has settled. Never throws. */
export async function expireSilences(workflowId: string, options: SilenceSweepOptions): Promise<void> {
  const { db, log } = options;
  let pending: SilenceCall[];
  try {
    const view = loadView(db, workflowId);
    if (!view || !SETTLED.has(view.state)) return;
    const seen = recorded(db, workflowId);
    pending = silencesOf(db, workflowId).filter((s) => {
      const r = seen.get(s.silenceId);
      return !inFlight.has(s.silenceId) && !r?.settled && (r?.failures ?? 0) < MAX_TRIES;
    });
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
        commit(db, { workflowId, now: options.now?.() ?? Date.now() }, [{ type: SILENCE_EXPIRED_EVENT, data }]);
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
    ids = settledWithDoneCalls(options.db, workspace, TOOL.alertmanagerSilence, since);
  } catch (error) {
    options.log?.(`silences of ${workspace}: ${messageOf(error)}`);
    return;
  }
  for (const id of ids) await expireSilences(id, options);
}
