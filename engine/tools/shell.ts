import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { redactText } from '../redact';
import { classifyCommand } from '../risk';
import { commandNeeds, realFs, sandboxArgv, sandboxStatus, type SandboxStatus } from '../sandbox';
import { ClassifiedError } from '../workflow/failures';
import type { Tool } from '../workflow/tool';
import { CappedBuffer } from './capture';
import { scrubbedEnv } from './env';
import { TOOL } from './names';
import { bindShellAnswers } from './shellBind';

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
  /** Where it ran: 'bubblewrap' when confined (a read, on a machine with the sandbox), 'none' otherwise. */
  readonly sandbox: 'bubblewrap' | 'none';
}

export interface ShellOptions {
  readonly workspace: string;
  readonly outputCapBytes: number;
  readonly passEnv: readonly string[];
  /** Hosts network reads (curl, wget, promtool …) may reach; others make a command a write. */
  readonly allowedHosts?: readonly string[];
  /** Between SIGTERM and SIGKILL when a call is stopped. */
  readonly killGraceMs?: number;
  /** After the shell exits, how long a background process may keep its output pipes open before it is stopped. */
  readonly lingerMs?: number;
  /** Whether reads can be confined here (default: the engine's probe, engine/sandbox). */
  readonly sandbox?: () => SandboxStatus;
}

export function shellTool(options: ShellOptions): Tool<ShellInput> {
  return {
    name: TOOL.shell,
    risk: 'write',
    toolClass: 'shell',
    idempotent: false,
    input: ShellInput,
    assess: (input) => classifyCommand(input.command, { allowedHosts: options.allowedHosts ?? [] }),
    bind: bindShellAnswers,
    describe: (input) => input.command,
    run: async (input, signal, call) => ({ output: await runShell(input, signal, options, call.readOnly === true) }),
  };
}

const SHELL = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';

/** bwrap writes `{"child-pid": N}` here: the sandbox's own init, whose death empties its pid namespace. */
const INFO_FD = 3;

/** How one call is started: bash itself, or bwrap running bash in the read-only sandbox. */
function launch(input: ShellInput, options: ShellOptions, env: NodeJS.ProcessEnv, confine: boolean): { file: string; args: string[]; sandbox: ShellOutput['sandbox'] } {
  const status = confine ? (options.sandbox ?? sandboxStatus)() : null;
  if (!status?.available || !status.path) return { file: SHELL, args: ['-c', input.command], sandbox: 'none' };
  const plan = { command: input.command, shell: SHELL, workspace: options.workspace, home: env.HOME, uid: process.getuid?.() ?? -1, needs: commandNeeds(input.command), tmpfsSize: status.tmpfsSize, infoFd: INFO_FD };
  return { file: status.path, args: sandboxArgv(plan, realFs), sandbox: 'bubblewrap' };
}

/** `confine`: the engine judged the call a read; it runs in the sandbox when this machine has one. */
export function runShell(input: ShellInput, signal: AbortSignal, options: ShellOptions, confine = false): Promise<ShellOutput> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const graceMs = options.killGraceMs ?? 2000;
  const lingerMs = options.lingerMs ?? 1000;
  const started = performance.now();
  const env = scrubbedEnv(process.env, options.passEnv);
  const { file, args, sandbox } = launch(input, options, env, confine);
  return new Promise<ShellOutput>((resolve, reject) => {
    let child: ChildProcess;
    try {
      // Its own process group (detached), so stopping the call reaches everything the command started. A
      // confined command is in bwrap's pid namespace too, which the kernel empties when bwrap dies.
      child = spawn(file, args, {
        cwd: options.workspace,
        env,
        stdio: sandbox === 'bubblewrap' ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (error) {
      reject(new ClassifiedError('permanent', `could not start ${file}: ${(error as Error).message}`));
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
    // Confined, the command runs under the sandbox's init (bwrap's child), which leaves our process group with
    // --new-session and dies with bwrap only once it has set up --die-with-parent. Stopping a call kills that
    // init by pid (the kernel then kills everything in its pid namespace); stopped before bwrap has said which
    // pid it is, the kill waits for it, so a call stopped during setup cannot leave a sandbox running.
    let sandboxPid: number | undefined;
    let killPending = false;
    const killAll = (): void => {
      if (sandboxPid !== undefined && !exit) signalPid(sandboxPid, 'SIGKILL');
      killGroup(child, graceMs);
    };
    if (sandbox === 'bubblewrap') {
      let info = '';
      const infoStream = child.stdio[INFO_FD] as Readable;
      infoStream.on('error', () => undefined);
      infoStream.on('data', (c: Buffer) => {
        info += c.toString();
        const pid = /"child-pid"\s*:\s*(\d+)/.exec(info)?.[1];
        if (pid === undefined || sandboxPid !== undefined) return;
        sandboxPid = Number(pid);
        if (killPending) killAll();
      });
    }
    const stop = (error: unknown): void => {
      if (settled) return;
      finish();
      if (sandbox === 'bubblewrap' && sandboxPid === undefined && !exit) {
        killPending = true;
        setTimeout(() => killGroup(child, graceMs), graceMs).unref(); // bwrap never said: its group, at least
      } else {
        killAll();
      }
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
      reject(new ClassifiedError('permanent', `could not start ${file} in ${options.workspace}: ${error.message}`));
    });
    child.once('exit', (code, sig) => {
      exit = { code, signal: sig };
      (child.stdio[INFO_FD] as Readable | undefined)?.destroy();
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
        sandbox,
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

function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
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
