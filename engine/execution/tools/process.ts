// Runs one program with an argv (no shell in between): its own process group, a cap on what it prints, a
// timeout, the abort signal, a background job's linger, and, when asked, the read-only sandbox. The shell tool
// is `bash -c COMMAND` on top of this; the built-in diagnostics (engine/execution/tools/builtin) run their fixed argv
// with it. What comes back is redacted.
import { redactText } from '../redact';
import { realFs, sandboxArgv, sandboxStatus, type Needs, type SandboxStatus } from '../sandbox';
import { ClassifiedError } from '../../control/workflow/failures';
import { CappedBuffer } from './capture';
import { launcher, type LaunchedProcess } from './launcher/client';

export interface ProcessOutput {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly truncated: boolean;
  readonly durationMs: number;
  /** Where it ran: 'bubblewrap' when confined (a read, on a machine with the sandbox), 'none' otherwise. */
  readonly sandbox: 'bubblewrap' | 'none';
}

/** One program and its arguments, exactly as they are passed to execve (after a PATH lookup of `file`). */
export interface ProcessCommand {
  readonly file: string;
  readonly args: readonly string[];
  /**
   * Run it in the read-only sandbox when this machine has one, granted `needs` (engine/execution/sandbox/table.ts).
   * Absent: it runs as it is.
   */
  readonly confine?: { readonly needs: Needs; readonly hostMounts?: boolean };
  /** Stop it after this long: a `tool_timeout` failure. */
  readonly timeoutMs?: number;
}

export interface ProcessOptions {
  /** The working folder (bound read-only in the sandbox). */
  readonly cwd: string;
  /** Its whole environment (already scrubbed: engine/execution/tools/env.ts). */
  readonly env: NodeJS.ProcessEnv;
  readonly outputCapBytes: number;
  /** Between SIGTERM and SIGKILL when a call is stopped. */
  readonly killGraceMs?: number;
  /** After the program exits, how long a background process may keep its output pipes open before it is stopped. */
  readonly lingerMs?: number;
  /** Whether reads can be confined here (default: the engine's probe, engine/execution/sandbox). */
  readonly sandbox?: () => SandboxStatus;
}

/** bwrap writes `{"child-pid": N}` here: the sandbox's own init, whose death empties its pid namespace. */
const INFO_FD = 3;

/** How one call is started: the program itself, or bwrap running it in the read-only sandbox. */
function launch(command: ProcessCommand, options: ProcessOptions): { file: string; args: string[]; sandbox: ProcessOutput['sandbox'] } {
  const status = command.confine ? (options.sandbox ?? sandboxStatus)() : null;
  if (!command.confine || !status?.available || !status.path) return { file: command.file, args: [...command.args], sandbox: 'none' };
  const plan = {
    argv: [command.file, ...command.args] as [string, ...string[]],
    workspace: options.cwd,
    home: options.env.HOME,
    uid: process.getuid?.() ?? -1,
    needs: command.confine.needs,
    hostMounts: command.confine.hostMounts,
    tmpfsSize: status.tmpfsSize,
    infoFd: INFO_FD,
  };
  return { file: status.path, args: sandboxArgv(plan, realFs), sandbox: 'bubblewrap' };
}

/** Starts `command` and settles with its outcome; a non-zero exit is an outcome, not an error. */
export function runProcess(command: ProcessCommand, signal: AbortSignal, options: ProcessOptions): Promise<ProcessOutput> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const graceMs = options.killGraceMs ?? 2000;
  const lingerMs = options.lingerMs ?? 1000;
  const started = performance.now();
  const { file, args, sandbox } = launch(command, options);
  return new Promise<ProcessOutput>((resolve, reject) => {
    // Started by the launcher (engine/execution/tools/launcher), not forked from the engine: in its own process
    // group (detached), so stopping the call reaches everything the program started. A confined program is in
    // bwrap's pid namespace too, which the kernel empties when bwrap dies.
    const child = launcher().spawn({ file, args, cwd: options.cwd, env: options.env, info: sandbox === 'bubblewrap', capBytes: options.outputCapBytes });
    const stdout = new CappedBuffer(options.outputCapBytes);
    const stderr = new CappedBuffer(options.outputCapBytes);
    child.on('stdout', (c: Buffer) => stdout.push(c));
    child.on('stderr', (c: Buffer) => stderr.push(c));

    let settled = false;
    let exit: { code: number | null; signal: string | null } | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      for (const t of timers) clearTimeout(t);
    };
    // Confined, the program runs under the sandbox's init (bwrap's child), which leaves our process group with
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
      child.on('info', (c: Buffer) => {
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
    if (command.timeoutMs !== undefined) {
      const ms = command.timeoutMs;
      timers.push(setTimeout(() => stop(new ClassifiedError('tool_timeout', `command timed out after ${ms} ms`)), ms));
    }

    child.once('error', (error: Error) => {
      if (settled) return;
      finish();
      reject(new ClassifiedError('permanent', `could not start ${file} in ${options.cwd}: ${error.message}`));
    });
    // Never retried by itself: a write may have happened.
    child.once('lost', (error: Error) => {
      if (settled) return;
      finish();
      reject(new ClassifiedError('permanent', `${file}: ${error.message}`));
    });
    child.once('exit', (code: number | null, sig: string | null) => {
      exit = { code, signal: sig };
      // A background job (`cmd &`) holds our pipes open after the program is gone; it must not hold the call.
      if (!settled) {
        const t = setTimeout(() => {
          killGroup(child, graceMs);
          child.dropOutput();
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

/**
 * SIGTERM to the whole group, then SIGKILL after the grace period if anything in it is still alive. Asked
 * before the launcher has said the program's pid, it happens as soon as it does.
 */
function killGroup(child: LaunchedProcess, graceMs: number): void {
  child.withPid((pid) => {
    if (!signalGroup(pid, 'SIGTERM')) return;
    setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs).unref();
  });
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
