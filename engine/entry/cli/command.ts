import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/** One `runbook-agent <name>` subcommand. Returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Synopsis after the command name, e.g. "[--json] [--db FILE]". */
  readonly usage: string;
  readonly options: OptionSpec;
  readonly positionals?: { min: number; max: number };
  run(args: ParsedArgs, io: Io): number | Promise<number>;
}

/** Wrong flags or arguments: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {}
