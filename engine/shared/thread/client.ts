import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../paths';
import type { FromThread, ToThread } from './protocol';

/** The bundled entry of one of the engine's worker threads (scripts/build.mjs writes dist/<name>.js). */
export function threadFile(name: string): string {
  return path.join(packageRoot(), 'dist', `${name}.js`);
}

export interface ThreadOptions {
  /** What the thread is, for messages ("index worker"). */
  readonly name: string;
  readonly file: string;
  readonly workerData: unknown;
  /** Notifications the thread sends unasked (log lines, "alerts accepted"). */
  readonly onEvent?: (event: unknown) => void;
  /** The thread died (an uncaught error, or it exited) while not being closed. */
  readonly onExit?: (error: Error) => void;
}

/**
 * The engine's side of one worker thread: requests with ids, answered in any order; a thread that dies fails
 * every pending request with the reason. The thread's side is `serveThread` (server.ts).
 */
export class ThreadClient<Ready = unknown> {
  readonly ready: Promise<Ready>;
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  private closing = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: ThreadOptions) {
    this.worker = new Worker(options.file, { workerData: options.workerData });
    let readyResolve: (v: Ready) => void = () => {};
    let readyReject: (e: Error) => void = () => {};
    this.ready = new Promise<Ready>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.ready.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection
    this.worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') readyResolve(m.value as Ready);
      else if (m.type === 'failed') {
        const error = new Error(`${options.name}: ${m.message}`);
        readyReject(error);
        this.fail(error);
      } else if (m.type === 'reply') {
        const waiter = this.pending.get(m.id);
        if (!waiter) return;
        this.pending.delete(m.id);
        if (m.ok) waiter.resolve(m.value);
        else waiter.reject(new Error(m.message));
        if (this.pending.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      } else if (m.type === 'event') options.onEvent?.(m.value);
    });
    this.worker.on('error', (e) => {
      readyReject(e);
      this.fail(new Error(`${options.name} failed: ${e.message}`));
    });
    this.worker.on('exit', (code) => {
      const error = new Error(`${options.name} exited (code ${code})`);
      readyReject(error);
      const unexpected = !this.closing;
      this.fail(error);
      if (unexpected) options.onExit?.(error);
    });
  }

  request<T = unknown>(method: string, params: unknown = null): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ type: 'request', id, method, params } satisfies ToThread);
    });
  }

  /** Resolves once no request is pending (at once when none is). */
  idle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Terminates the thread; pending requests fail. Call `request('close')` first for a thread that must tidy up. */
  async close(): Promise<void> {
    this.closing = true;
    this.failure ??= new Error(`${this.options.name} is closed`);
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
