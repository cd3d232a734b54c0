import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeModel } from '../model/locate';
import { packageRoot } from '../../shared/paths';
import type { FromWorker, ToWorker, WorkerInit } from './messages';

export interface EmbedderOptions {
  readonly modelDir: string;
  /** ONNX intra-op threads; default: all cores but one, at least 1. */
  readonly threads?: number;
  readonly maxTokens?: number;
  readonly batchSize?: number;
  /** The bundled worker script; default dist/embedWorker.js of the package. */
  readonly workerFile?: string;
}

/** Identity of a model's vectors: two indexes agree on it only if they hold comparable vectors. */
export function modelIdOf(modelDir: string): string {
  const info = describeModel(modelDir);
  return `${path.basename(path.resolve(modelDir))}@${info.sha256.slice(0, 16)}`;
}

/**
 * The engine's handle on the embedding worker thread. Requests are queued in the worker; the engine's own
 * event loop stays free to answer while a long indexing run embeds.
 */
export class Embedder {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  /** Texts that reached the token limit and were cut (their tail is not in the vector). */
  truncated = 0;

  private constructor(
    private readonly worker: Worker,
    readonly modelId: string,
    readonly dim: number,
    readonly maxTokens: number,
  ) {
    worker.on('message', (m: FromWorker) => this.receive(m));
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`embedding worker exited (code ${code})`)));
  }

  static async open(options: EmbedderOptions): Promise<Embedder> {
    const modelId = modelIdOf(options.modelDir);
    const init: WorkerInit = {
      modelDir: path.resolve(options.modelDir),
      threads: options.threads ?? Math.max(1, os.availableParallelism() - 1),
      maxTokens: options.maxTokens ?? 256,
      // Length-sorted batches of 8 measured fastest for both models (bench/results/embed.json).
      batchSize: options.batchSize ?? 8,
    };
    const file = options.workerFile ?? path.join(packageRoot(), 'dist', 'embedWorker.js');
    const worker = new Worker(file, { workerData: init, env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' } });
    // Only our own listeners are removed afterwards: Worker keeps internal ones (removeAllListeners breaks it).
    let onMessage: (m: FromWorker) => void = () => {};
    let onError: (e: Error) => void = () => {};
    let onExit: (code: number) => void = () => {};
    const dim = await new Promise<number>((resolve, reject) => {
      onMessage = (m) => {
        if (m.type === 'ready') resolve(m.dim);
        else if (m.type === 'failed') reject(new Error(`cannot load model ${options.modelDir}: ${m.message}`));
      };
      onError = reject;
      onExit = (code) => reject(new Error(`embedding worker exited (code ${code}) before it was ready`));
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    })
      .catch(async (error: unknown) => {
        await worker.terminate();
        throw error;
      })
      .finally(() => worker.off('message', onMessage).off('error', onError).off('exit', onExit));
    return new Embedder(worker, modelId, dim, init.maxTokens);
  }

  /** One unit-length vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'embed', id, texts: [...texts] } satisfies ToWorker);
    });
  }

  private receive(m: FromWorker): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    const waiter = this.pending.get(m.id);
    if (!waiter) return;
    this.pending.delete(m.id);
    if (m.type === 'error') return waiter.reject(new Error(`embedding failed: ${m.message}`));
    this.truncated += m.truncated;
    const rows: Float32Array[] = [];
    for (let i = 0; i < m.vectors.length / m.dim; i++) rows.push(m.vectors.subarray(i * m.dim, (i + 1) * m.dim));
    waiter.resolve(rows);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.failure ??= new Error('embedder is closed');
    await this.worker.terminate();
  }
}
