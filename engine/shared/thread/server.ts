import { parentPort } from 'node:worker_threads';
import type { FromThread, ToThread } from './protocol';

export type Handlers = Record<string, (params: never) => unknown>;

/**
 * The thread's side of ThreadClient: `init` runs first; its `ready` value is the 'ready' message; requests are then
 * handled one at a time, in arrival order (a handler that awaits holds the next one back), so a handler never
 * sees the state another left half-changed.
 */
export function serveThread(init: () => Promise<{ handlers: Handlers; ready?: unknown }> | { handlers: Handlers; ready?: unknown }): void {
  const port = parentPort;
  if (!port) throw new Error('serveThread runs inside a worker thread');
  const send = (m: FromThread) => port.postMessage(m);
  void (async () => {
    let handlers: Handlers;
    let ready: unknown;
    try {
      ({ handlers, ready } = await init());
    } catch (error) {
      send({ type: 'failed', message: (error as Error).message });
      return;
    }
    let queue: Promise<void> = Promise.resolve();
    port.on('message', (m: ToThread) => {
      if (m?.type !== 'request') return;
      queue = queue.then(async () => {
        const handler = handlers[m.method];
        try {
          if (!handler) throw new Error(`unknown request ${m.method}`);
          send({ type: 'reply', id: m.id, ok: true, value: await handler(m.params as never) });
        } catch (error) {
          send({ type: 'reply', id: m.id, ok: false, message: (error as Error).message });
        }
      });
    });
    send({ type: 'ready', value: ready ?? null });
  })();
}

/** A notification to the engine (a log line, "alerts accepted"). */
export function emit(value: unknown): void {
  parentPort?.postMessage({ type: 'event', value } satisfies FromThread);
}
