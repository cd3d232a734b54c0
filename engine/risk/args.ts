import type { Word } from './parse';

/** Options of one command: which flags take a value (so it is not taken for a positional). */
export interface FlagSpec {
  /** Long (`--namespace`) and short (`-n`) flags that take the next argument as their value. */
  value?: readonly string[];
}

export interface Split {
  positionals: Word[];
  /** Flags as written (`-n`, `--output=x`, `-sSL`), without their separate values. */
  flags: string[];
  /** Value of each flag seen, by flag name (`--output`, `-o`); a cluster's value goes to its value-taking letter. */
  values: Map<string, string[]>;
}

/** Splits arguments into flags and positionals, GNU style; `--` ends the flags. */
export function splitArgs(args: readonly Word[], spec: FlagSpec = {}): Split {
  const valueFlags = new Set(spec.value ?? []);
  const out: Split = { positionals: [], flags: [], values: new Map() };
  const setValue = (flag: string, v: string) => out.values.set(flag, [...(out.values.get(flag) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      out.flags.push(name);
      if (eq >= 0) setValue(name, a.slice(eq + 1));
      else if (valueFlags.has(name) && i + 1 < args.length) setValue(name, args[++i]!.text);
    } else if (a.startsWith('-') && a.length > 1) {
      out.flags.push(a);
      // A cluster like -sSo: letters are flags until one that takes a value; the rest (or the next arg) is it.
      for (let j = 1; j < a.length; j++) {
        const letter = `-${a[j]}`;
        if (!valueFlags.has(letter)) {
          out.flags.push(letter);
          continue;
        }
        out.flags.push(letter);
        if (j + 1 < a.length) setValue(letter, a.slice(j + 1));
        else if (i + 1 < args.length) setValue(letter, args[++i]!.text);
        break;
      }
    } else {
      out.positionals.push(args[i]!);
    }
  }
  return out;
}

export const has = (s: Split, ...flags: string[]): boolean => flags.some((f) => s.flags.includes(f) || s.values.has(f));
export const valuesOf = (s: Split, ...flags: string[]): string[] => flags.flatMap((f) => s.values.get(f) ?? []);
export const texts = (words: readonly Word[]): string[] => words.map((w) => w.text);

/** Paths that swallow or show output rather than store it. */
export const harmlessSinks = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2', '-']);
