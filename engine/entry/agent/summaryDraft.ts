// The model's draft of a settled workflow's incident summary, once per workflow. One implementation for the editor's
// engine (its SQLite file, wrapped in SqliteControlStore) and `serve --store` (N replicas, one database): the record
// the model reads and whether a draft is still wanted are pure functions below; the outcome is appended under the
// store's lock (ControlStore.appendOnEvents), so a second drafter records nothing. The model's answer stays data: the
// planner keeps only claims citing real observations (engine/planning/observe/draftSummary.ts), and the draft is an
// event's data, shown to a person and never run, parsed as options or fed to policy.
import type { SettledRecord, Planner } from '../../control/workflow/planner';
import { messageOf } from '../../control/workflow/failures';
import type { ControlStore, EventDraft, ToolCallRecord, WorkflowEvent, WorkflowView } from '../../control/store/types';

export const SUMMARY_DRAFTED_EVENT = 'summary_drafted';
/** A summary draft is a nicety: it may not hold anything up. */
export const SUMMARY_TIMEOUT_MS = 60_000;

export interface SummaryDraftOptions {
  readonly store: ControlStore;
  /** The planner stack with a model that drafts (Planner.summarize). */
  readonly planner: Planner;
  readonly log?: (message: string) => void;
  /** Milliseconds since the epoch (tests). */
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

// ---- the pure part ----

/** Only a completed or escalated workflow is summarised, and only once (the reducer keeps the draft on the view). */
export function wantsDraft(view: WorkflowView | null): view is WorkflowView {
  return view !== null && (view.state === 'COMPLETED' || view.state === 'ESCALATED') && view.summaryDraft === undefined;
}

/** What the model reads: the view, its tool calls (cited by their idempotency key) and its events, as the store returns them. */
export function settledRecord(view: WorkflowView, calls: readonly ToolCallRecord[], events: readonly WorkflowEvent[]): SettledRecord {
  return {
    view,
    calls: calls.map((c) => ({ id: c.key, stepId: c.stepId, tool: c.tool, status: c.status, input: c.input, result: c.result, error: c.error })),
    events: events.map((e) => ({ type: e.type, at: Date.parse(e.at), actor: e.actor, data: (e.data ?? {}) as Record<string, unknown> })),
  };
}

/** The draft event to append given the drafts logged by then (under the store's lock): none when one is there already. */
export function draftToLog(logged: readonly unknown[], data: Readonly<Record<string, unknown>>): EventDraft[] {
  return logged.length > 0 ? [] : [{ type: SUMMARY_DRAFTED_EVENT, data }];
}

// ---- the drafting ----

/**
 * Asks the planner's model for the draft of one settled workflow and records it, or records why there is none (so
 * the panel and `show` say why; the composed summary stands on its own). Never throws.
 */
export async function draftSummaryOf(workflowId: string, options: SummaryDraftOptions): Promise<void> {
  const { store, planner, log } = options;
  const record = async (data: Record<string, unknown>): Promise<void> => {
    await store.appendOnEvents(workflowId, SUMMARY_DRAFTED_EVENT, options.now?.() ?? Date.now(), (logged) => draftToLog(logged, data));
  };
  try {
    if (!planner.summarize) throw new Error(`planner ${planner.name} drafts no summaries`);
    const view = await store.view(workflowId);
    if (!wantsDraft(view)) return;
    const [calls, events] = await Promise.all([store.toolCalls(workflowId), store.events(workflowId)]);
    const { draft, tokens } = await planner.summarize(settledRecord(view, calls, events), AbortSignal.timeout(options.timeoutMs ?? SUMMARY_TIMEOUT_MS));
    await record({ draft, tokens });
  } catch (error) {
    const message = messageOf(error);
    log?.(`summary draft for ${workflowId}: ${message}`);
    try {
      await record({ draft: { error: message } });
    } catch {
      // The store went away (closing); the log line above is all there is.
    }
  }
}
