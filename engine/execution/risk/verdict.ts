import type { Word } from './parse';

/** What one simple command (or one part of it) amounts to: a read with a note, or a write with its reason. */
export type Verdict = { read: string } | { write: string };

export const read = (note: string): Verdict => ({ read: note });
export const write = (reason: string): Verdict => ({ write: reason });
export const isWrite = (v: Verdict): v is { write: string } => 'write' in v;

/** What a rule may ask of the classifier: call-backs for commands that run other commands, and the host list. */
export interface Context {
  /** `host` or `host:port` that network reads may reach (runbookAgent.tools.allowedHosts). */
  readonly allowedHosts: readonly string[];
  /** Classifies an argument vector as a simple command. */
  argv(words: Word[]): Verdict[];
  /** Classifies shell source text (watch and friends pass their arguments to `sh -c`). */
  script(text: string): Verdict[];
}

/** The first write among verdicts, or a read summarising them. */
export function worst(verdicts: Verdict[], readNote: string): Verdict {
  return verdicts.find(isWrite) ?? read(readNote);
}
