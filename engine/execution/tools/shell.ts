import { existsSync } from 'node:fs';
import { z } from 'zod';
import { classifyCommand } from '../risk';
import { commandNeeds, type SandboxStatus } from '../sandbox';
import type { Tool } from '../../control/workflow/tool';
import { scrubbedEnv } from './env';
import { TOOL } from './names';
import { runProcess, type ProcessOutput } from './process';
import { bindShellAnswers } from './shellBind';

export const ShellInput = z
  .object({
    command: z.string().min(1).max(20_000),
    timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  })
  .strict();
export type ShellInput = z.infer<typeof ShellInput>;

/** What a shell call returns: the process runner's outcome (engine/execution/tools/process.ts). */
export type ShellOutput = ProcessOutput;

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
  /** Whether reads can be confined here (default: the engine's probe, engine/execution/sandbox). */
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

/** `confine`: the engine judged the call a read; it runs in the sandbox when this machine has one. */
export function runShell(input: ShellInput, signal: AbortSignal, options: ShellOptions, confine = false): Promise<ShellOutput> {
  // Checked before the command is parsed for its needs: an aborted call does nothing at all.
  if (signal.aborted) return Promise.reject(signal.reason);
  const command = {
    file: SHELL,
    args: ['-c', input.command],
    ...(confine ? { confine: { needs: commandNeeds(input.command) } } : {}),
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
  };
  return runProcess(command, signal, {
    cwd: options.workspace,
    env: scrubbedEnv(process.env, options.passEnv),
    outputCapBytes: options.outputCapBytes,
    killGraceMs: options.killGraceMs,
    lingerMs: options.lingerMs,
    sandbox: options.sandbox,
  });
}
