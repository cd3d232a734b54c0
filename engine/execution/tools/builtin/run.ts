// How a built-in diagnostic runs a program: its fixed argv through the shared process runner (no shell),
// always in the read-only sandbox when this machine has one, granted what the program's name needs in
// engine/execution/sandbox/table.ts, with the environment every shell step gets. Output is redacted like shell's.
import fs from 'node:fs';
import { programNeeds, type SandboxStatus } from '../../sandbox';
import { scrubbedEnv } from '../env';
import { runProcess, type ProcessOutput } from '../process';
import { shellQuote } from '../quote';

export interface BuiltinRunOptions {
  /** The working folder (the workspace). */
  readonly workspace: string;
  readonly outputCapBytes: number;
  /** Extra environment variables, as for shell steps (KUBECONFIG only reaches kubectl when listed here). */
  readonly passEnv: readonly string[];
  readonly killGraceMs?: number;
  /** Whether the sandbox is there (default: the engine's probe). */
  readonly sandbox?: () => SandboxStatus;
}

export type Argv = readonly [string, ...string[]];

/** One program's outcome and the argv that ran (the program first, looked up on PATH). */
export interface ArgvOutput extends ProcessOutput {
  readonly argv: readonly string[];
}

/** The argv as a person reads it: one word per argument, quoted where it is not plain. */
export function argvText(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

export async function runArgv(
  argv: Argv,
  signal: AbortSignal,
  options: BuiltinRunOptions,
  extra: { readonly timeoutMs?: number; readonly hostMounts?: boolean } = {},
): Promise<ArgvOutput> {
  const [file, ...args] = argv;
  const out = await runProcess(
    {
      file,
      args,
      confine: { needs: programNeeds(file), ...(extra.hostMounts ? { hostMounts: true } : {}) },
      ...(extra.timeoutMs !== undefined ? { timeoutMs: extra.timeoutMs } : {}),
    },
    signal,
    {
      cwd: options.workspace,
      env: scrubbedEnv(process.env, options.passEnv),
      outputCapBytes: options.outputCapBytes,
      killGraceMs: options.killGraceMs,
      sandbox: options.sandbox,
    },
  );
  return { argv: [...argv], ...out };
}

/** An executable `name` in one of PATH's absolute folders, or null. */
export function onPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(':')) {
    if (!dir.startsWith('/')) continue;
    const file = `${dir.replace(/\/+$/, '')}/${name}`;
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}
