// TraceShipper for `serve --store`: the trace is built from store reads and sent by the replica whose commit settled
// the workflow (StoreRuntime's onSettled). That commit is fenced by the task's lease, so exactly one replica makes
// it: one send per settle across N replicas, with no claim to coordinate. Failures are logged and dropped, as
// engine/control/otel/ship.ts does.
import type { ControlStore } from '../store/types';
import { exportRecordOtlp } from './export';
import type { WorkflowRecord } from './trace';

export async function storeRecord(store: ControlStore, id: string): Promise<WorkflowRecord | null> {
  const [view, events, toolCalls, snapshot] = await Promise.all([store.view(id), store.events(id), store.toolCalls(id), store.snapshot(id)]);
  return view ? { view, events, toolCalls, snapshot } : null;
}

export class StoreTraceShipper {
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly store: ControlStore,
    private readonly endpoint: string,
    private readonly headers: Record<string, string>,
    private readonly log: (message: string) => void,
  ) {}

  /** Sends the workflow's trace as it is now; never throws. */
  ship(id: string): void {
    const work = (async () => {
      try {
        const record = await storeRecord(this.store, id);
        if (!record) return;
        const { spans } = await exportRecordOtlp(record, this.endpoint, this.headers);
        this.log(`trace of ${id} sent to the OTLP endpoint (${spans} spans)`);
      } catch (error) {
        this.log(`trace of ${id} not sent: ${(error as Error).message}`);
      }
    })();
    this.sending.add(work);
    void work.finally(() => this.sending.delete(work));
  }

  /** Resolves when the sends started so far are done (before the store closes). */
  async idle(): Promise<void> {
    await Promise.all(this.sending);
  }
}
