import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { redactText } from '../redact';
import { classifyCommand } from '../risk';
import { ClassifiedError } from '../workflow/failures';
import type { Tool } from '../workflow/tool';
import { CappedBuffer } from './capture';
import { scrubbedEnv } from './env';
import { TOOL } from './names';
import { shellQuote } from './quote';

export const ShellInput = z
  .object({
    command: z.string().min(1).max(20_000),
    timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  })
  .strict();
export type ShellInput = z.infer<typeof ShellInput>;

export interface ShellOutput {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly truncated: boolean;
  readonly durationMs: number;
}

export interface ShellOptions {
  readonly workspace: string;
  readonly outputCapBytes: number;
  readonly passEnv: readonly string[];
  /** Between SIGTERM and SIGKILL when a call is stopped. */
  readonly killGraceMs?: number;
  /** After the shell exits, how long a background process may keep its output pipes open before it is stopped. */
  readonly lingerMs?: number;
}

export function shellTool(options: ShellOptions): Tool<ShellInput> {
  return {
    name: TOOL.shell,
    risk: 'write',
    toolClass: 'shell',
    idempotent: false,
    input: ShellInput,
    assess: (input) => classifyCommand(input.command),
    quote: shellQuote,
    describe: (input) => input.command,
    run: async (input, signal) => ({ output: await runShell(input, signal, options) }),
  };
}

const SHELL = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';

export function runShell(input: ShellInput, signal: AbortSignal, options: ShellOptions): Promise<ShellOutput> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const graceMs = options.killGraceMs ?? 2000;
  const lingerMs = options.lingerMs ?? 1000;
  const started = performance.now();
  return new Promise<ShellOutput>((resolve, reject) => {
    let child: ChildProcess;
    try {
      // Its own process group (detached), so stopping the call reaches everything the command started.
      child = spawn(SHELL, ['-c', input.command], {
        cwd: options.workspace,
        env: scrubbedEnv(process.env, options.passEnv),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (error) {
      reject(new ClassifiedError('permanent', `could not start ${SHELL}: ${(error as Error).message}`));
      return;
    }
    const stdout = new CappedBuffer(options.outputCapBytes);
    const stderr = new CappedBuffer(options.outputCapBytes);
    child.stdout!.on('data', (c: Buffer) => stdout.push(c));
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));

    let settled = false;
    let spawned = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      for (const t of timers) clearTimeout(t);
    };
    const stop = (error: unknown): void => {
      if (settled) return;
      finish();
      killGroup(child, graceMs);
      reject(error);
    };
    const onAbort = (): void => stop(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    if (input.timeoutMs !== undefined) {
      const ms = input.timeoutMs;
      timers.push(setTimeout(() => stop(new ClassifiedError('tool_timeout', `command timed out after ${ms} ms`)), ms));
    }

    child.once('spawn', () => (spawned = true));
    child.on('error', (error) => {
      if (spawned || settled) return;
      finish();
      reject(new ClassifiedError('permanent', `could not start ${SHELL} in ${options.workspace}: ${error.message}`));
    });
    child.once('exit', (code, sig) => {
      exit = { code, signal: sig };
      // A background job (`cmd &`) holds our pipes open after the shell is gone; it must not hold the call.
      if (!settled) {
        const t = setTimeout(() => {
          killGroup(child, graceMs);
          child.stdout!.destroy();
          child.stderr!.destroy();
        }, lingerMs);
        timers.push(t);
      }
    });
    child.once('close', () => {
      if (settled || !exit) return;
      finish();
      resolve({
        exitCode: exit.code,
        signal: exit.signal,
        stdout: redactText(stdout.text()),
        stderr: redactText(stderr.text()),
        truncated: stdout.truncated || stderr.truncated,
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}

/** SIGTERM to the whole group, then SIGKILL after the grace period if anything in it is still alive. */
function killGroup(child: ChildProcess, graceMs: number): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (!signalGroup(pid, 'SIGTERM')) return;
  setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs).unref();
}

/** False when the group no longer exists. */
function signalGroup(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, sig);
    return true;
  } catch {
    return false;
  }
}
