// TraceShipper for `serve --store`: every replica watches the store's change feed, and sweeps at start and every few
// seconds (the feed may have missed commits while it was down); a settled workflow (COMPLETED or ESCALATED, as
// without --store) whose trace is stale (its log has events the last send did not cover) is sent by exactly one
// replica, the one whose `trace_exported` claim the store appended first (ControlStore.appendOnEvents decides under the
// workflow's lock; engine/control/otel/exported.ts decides what is due). So a workflow is sent when it settles
// (whoever settled it: a replica's worker, or a person from the CLI), and again, same span ids, when later events
// change it (a person resolves an escalation, retries, ...). A failed send is logged and recorded as a second
// `trace_exported` event, and tried again by a few later sweeps; it never touches the workflow otherwise.
// A replica that dies between its claim and the send loses that version's send (the SQLite path is as best-effort).
import type { ControlStore, StoreChange, WorkflowEvent, WorkflowView } from '../store/types';
import { redactText } from '../../execution/redact';
import { exportRecordOtlp } from './export';
import { claimToLog, failedTries, failureToLog, MAX_TRACE_TRIES, TRACE_EXPORTED_EVENT, TRACE_SETTLED, tracedEvents, traceVerdict, type TraceTries } from './exported';
import type { WorkflowRecord } from './trace';

/** The workflow's record as a trace is built from it: its `trace_exported` events are no part of what it did. */
export async function storeRecord(store: ControlStore, id: string): Promise<WorkflowRecord | null> {
  const [view, events, toolCalls, snapshot] = await Promise.all([store.view(id), store.events(id), store.toolCalls(id), store.snapshot(id)]);
  return view ? { view, events: tracedEvents(events), toolCalls, snapshot } : null;
}

/** How many of the newest completed and of the newest escalated workflows a sweep looks at. */
const SWEEP_LIMIT = 200;

export interface StoreTraceShipperOptions extends TraceTries {
  readonly store: ControlStore;
  /** The replica's workspace: only its workflows are sent (as only its queue is worked). */
  readonly workspace: string;
  readonly endpoint: string;
  readonly headers: Record<string, string>;
  readonly log: (message: string) => void;
  /** How often to sweep for stale traces besides the change feed. */
  readonly everyMs: number;
  /** Milliseconds since the epoch (tests). */
  readonly now?: () => number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class StoreTraceShipper {
  /** Workflows the feed said changed, checked by the next run. */
  private readonly pending = new Set<string>();
  private sweepWanted = false;
  private running: Promise<void> | null = null;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Workflow id -> its updatedAt when a sweep last found nothing to do for it (skipped until it changes). */
  private quiet = new Map<string, string>();
  private readonly sending = new Set<Promise<void>>();

  private constructor(private readonly o: StoreTraceShipperOptions) {}

  /** Subscribes to the change feed, then sweeps (once the feed is sure to report every later commit). */
  static async start(options: StoreTraceShipperOptions): Promise<StoreTraceShipper> {
    const shipper = new StoreTraceShipper(options);
    shipper.unsubscribe = await options.store.subscribe((change) => shipper.onChange(change));
    shipper.timer = setInterval(() => shipper.sweep(), options.everyMs);
    shipper.timer.unref();
    shipper.sweep();
    return shipper;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private onChange(change: StoreChange): void {
    if (change.missed) this.sweepWanted = true;
    for (const id of change.workflowIds) this.pending.add(id);
    this.kick();
  }

  /** Sweeps soon: every recent settled workflow of the workspace is checked (one run at a time). */
  sweep(): void {
    this.sweepWanted = true;
    this.kick();
  }

  private kick(): void {
    if (this.stopped || this.running) return;
    this.running = (async () => {
      while (!this.stopped && (this.sweepWanted || this.pending.size > 0)) {
        if (this.sweepWanted) {
          this.sweepWanted = false;
          await this.sweepAll();
        }
        const ids = [...this.pending];
        this.pending.clear();
        for (const id of ids) if (!this.stopped) await this.check(id);
      }
    })().finally(() => {
      this.running = null;
      // Work that arrived between the loop's last look and here.
      if (this.sweepWanted || this.pending.size > 0) this.kick();
    });
  }

  private async sweepAll(): Promise<void> {
    let listed: Array<{ id: string; updatedAt: string }>;
    try {
      listed = (await Promise.all([...TRACE_SETTLED].map((state) => this.o.store.list({ state: state as WorkflowView['state'], limit: SWEEP_LIMIT })))).flat();
    } catch (error) {
      this.o.log(`traces: listing settled workflows: ${messageOf(error)}`);
      return;
    }
    const quiet = new Map<string, string>();
    for (const w of listed) {
      if (this.stopped) return;
      if (this.quiet.get(w.id) === w.updatedAt || (await this.check(w.id))) quiet.set(w.id, w.updatedAt);
    }
    this.quiet = quiet;
  }

  /**
   * Sends the workflow's trace if it is settled and stale and this replica's claim is the one appended. Returns true
   * when nothing is left to do for it until it changes (not settled, not ours, sent, given up). Never throws.
   */
  async check(id: string): Promise<boolean> {
    const { store } = this.o;
    try {
      const view = await store.view(id);
      if (!view || view.workspace !== this.o.workspace || !TRACE_SETTLED.has(view.state)) return true;
      const all = await store.events(id);
      const events = tracedEvents(all);
      const logged = all.filter((e) => e.type === TRACE_EXPORTED_EVENT).map((e) => e.data);
      const verdict = traceVerdict(logged, events.length, this.now(), this.o);
      if (verdict !== 'due') return verdict !== 'wait';
      const claimed = await store.appendOnEvents(id, TRACE_EXPORTED_EVENT, this.now(), (claims) => claimToLog(claims, events.length, this.now(), view.state, this.o));
      // Another replica (or another check here) claimed it first: it sends.
      if (claimed === 0) return true;
      const tries = failedTries(logged, events.length) + 1;
      this.track(this.send(view, events, tries));
      return false;
    } catch (error) {
      this.o.log(`trace of ${id}: ${messageOf(error)}`);
      return false;
    }
  }

  /** The claimed send: the record as read before the claim; a failure is logged and recorded. */
  private async send(view: WorkflowView, events: readonly WorkflowEvent[], tries: number): Promise<void> {
    const { store, log } = this.o;
    try {
      const [toolCalls, snapshot] = await Promise.all([store.toolCalls(view.id), store.snapshot(view.id)]);
      const { spans } = await exportRecordOtlp({ view, events, toolCalls, snapshot }, this.o.endpoint, this.o.headers);
      log(`trace of ${view.id} sent to the OTLP endpoint (${spans} spans)`);
    } catch (error) {
      const message = redactText(messageOf(error));
      const max = this.o.maxTries ?? MAX_TRACE_TRIES;
      log(`trace of ${view.id} not sent (try ${tries} of ${max}${tries < max ? ', a later sweep tries again' : ', given up until the workflow changes'}): ${message}`);
      try {
        await store.appendOnEvents(view.id, TRACE_EXPORTED_EVENT, this.now(), () => failureToLog(events.length, message, this.now()));
      } catch (recordError) {
        log(`recording the failed send of the trace of ${view.id}: ${messageOf(recordError)}`);
      }
    }
  }

  private track(work: Promise<void>): void {
    this.sending.add(work);
    void work.finally(() => this.sending.delete(work));
  }

  /** No more checks or sweeps; resolves when the one running and the sends started are done (before the store closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
    await Promise.all(this.sending);
  }
}
