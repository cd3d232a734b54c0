import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { redactText } from '../redact';
import { ClassifiedError } from '../../control/workflow/failures';
import type { Tool } from '../../control/workflow/tool';
import { utf8Boundary } from './capture';
import { TOOL } from './names';

/** Upper bound on maxBytes whatever the step asks: the text is stored and shown. */
const MAX_READ_BYTES = 10 * 1024 * 1024;

export const ReadFileInput = z
  .object({
    path: z.string().min(1).max(4096),
    maxBytes: z.number().int().min(1).max(MAX_READ_BYTES).optional(),
  })
  .strict();
export type ReadFileInput = z.infer<typeof ReadFileInput>;

export interface ReadFileOutput {
  /** Relative to the workspace, with forward slashes. */
  readonly path: string;
  readonly text: string;
  /** The file's size. */
  readonly bytes: number;
  readonly truncated: boolean;
}

export interface ReadFileOptions {
  readonly workspace: string;
  readonly outputCapBytes: number;
}

export function readFileTool(options: ReadFileOptions): Tool<ReadFileInput> {
  return {
    name: TOOL.readFile,
    risk: 'read',
    toolClass: 'file',
    idempotent: true,
    input: ReadFileInput,
    describe: (input) => `read ${input.path}`,
    run: async (input, signal) => ({ output: await readInside(input, signal, options) }),
  };
}

const refuse = (message: string): ClassifiedError => new ClassifiedError('policy', `read_file: ${message}`);

function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

async function readInside(input: ReadFileInput, signal: AbortSignal, options: ReadFileOptions): Promise<ReadFileOutput> {
  signal.throwIfAborted();
  const asked = input.path;
  if (asked.includes('\0')) throw refuse('the path contains a NUL byte');
  const workspace = path.resolve(options.workspace);
  const lexical = path.resolve(workspace, asked);
  if (!inside(workspace, lexical)) {
    throw refuse(path.isAbsolute(asked) ? `${asked} is outside the workspace` : `${asked} leads outside the workspace`);
  }

  // Symlinks are followed only if where they lead is still inside the (real) workspace.
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(workspace);
    real = await realpath(lexical);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ClassifiedError('permanent', `read_file: ${asked} does not exist`);
    throw new ClassifiedError('permanent', `read_file: ${asked}: ${(error as Error).message}`);
  }
  if (!inside(realRoot, real)) throw refuse(`${asked} is a link to a place outside the workspace`);

  const cap = Math.min(input.maxBytes ?? options.outputCapBytes, MAX_READ_BYTES);
  // O_NOFOLLOW: the resolved path has no links left; one swapped in since realpath is refused, not followed.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    throw new ClassifiedError('permanent', `read_file: ${asked}: ${error.code === 'ELOOP' ? 'changed into a link while being read' : error.message}`);
  });
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new ClassifiedError('permanent', `read_file: ${asked} is a directory; name a file inside it`);
    // A FIFO or device would block or never end.
    if (!stat.isFile()) throw new ClassifiedError('permanent', `read_file: ${asked} is not a regular file`);
    const buf = Buffer.alloc(Math.min(cap, stat.size));
    let filled = 0;
    while (filled < buf.length) {
      signal.throwIfAborted();
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const truncated = stat.size > filled;
    const kept = buf.subarray(0, filled);
    const text = kept.subarray(0, truncated ? utf8Boundary(kept) : kept.length).toString('utf8');
    return { path: path.relative(workspace, lexical).split(path.sep).join('/'), text: redactText(text), bytes: stat.size, truncated };
  } finally {
    await handle.close();
  }
}
