import { z } from 'zod';

/** Messages between the engine and its embedding worker (a thread boundary, so checked like any other). */
export const WorkerInit = z.object({
  modelDir: z.string().min(1),
  threads: z.number().int().min(1).max(64),
  maxTokens: z.number().int().min(8).max(8192),
  batchSize: z.number().int().min(1).max(512),
});
export type WorkerInit = z.infer<typeof WorkerInit>;

export const ToWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('embed'), id: z.number().int(), texts: z.array(z.string()) }),
  z.object({ type: z.literal('close') }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

export type FromWorker =
  | { type: 'ready'; dim: number }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; vectors: Float32Array; dim: number; truncated: number }
  | { type: 'error'; id: number; message: string };
