// Messages between the engine and its process launcher (main.ts), checked on both sides. Output travels as
// bytes (the IPC channel uses structured clone), so nothing is decoded twice or split inside a character.
import { z } from 'zod';

const Id = z.number().int().positive();

export const LaunchRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('spawn'),
    id: Id,
    file: z.string().min(1),
    args: z.array(z.string()),
    cwd: z.string().min(1),
    env: z.record(z.string(), z.string()),
    /** Also a pipe on fd 3 (bubblewrap's --info-fd). */
    info: z.boolean(),
    /** Bytes of each stream worth sending back: the engine keeps at most this many, plus one to see the cut. */
    capBytes: z.number().int().nonnegative(),
  }),
  /** Stop reading the program's output (a background job kept the pipes open after it exited). */
  z.object({ type: z.literal('drop-output'), id: Id }),
]);
export type LaunchRequest = z.infer<typeof LaunchRequest>;

export const LaunchEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('spawned'), id: Id, pid: z.number().int().positive() }),
  z.object({ type: z.literal('error'), id: Id, message: z.string() }),
  z.object({ type: z.literal('data'), id: Id, stream: z.enum(['stdout', 'stderr', 'info']), chunk: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes') }),
  z.object({ type: z.literal('exit'), id: Id, code: z.number().int().nullable(), signal: z.string().nullable() }),
  z.object({ type: z.literal('close'), id: Id }),
]);
export type LaunchEvent = z.infer<typeof LaunchEvent>;
