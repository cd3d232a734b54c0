// What a read-only command accepts, as data: each flag it may take (with its value arity), its subcommands, and
// a last check for what flags cannot say (program text, URLs). Arguments are read the way GNU getopt_long reads
// them; anything the spec does not name (an unknown flag, an abbreviated long option, `--flag=value` on a flag
// without a value, a subcommand not listed) makes the command a write. Allow-list, so a mistake is a question
// for a person, never a silent write.
import type { Word } from './parse';
import { read, write, type Context, type Verdict } from './verdict';

export interface Spec {
  /** No option of the command writes or runs anything: its arguments are not read at all. */
  readonly free?: boolean;
  /** Flags without a value, space-separated: `-a -l --all`. */
  readonly flags?: string;
  /** Flags that take one value: the next word, `--name=value`, or `-nVALUE`. */
  readonly values?: string;
  /** Flags whose value is optional and only ever attached (`--color=auto`, getopt's `::`). */
  readonly optional?: string;
  /** Flags that take two values (`jq --arg NAME VALUE`). */
  readonly pairs?: string;
  /** `-NUM` is a count (`head -20`, `journalctl -b -1`). */
  readonly numeric?: boolean;
  /** At most this many positionals (`uniq IN OUT` writes OUT). */
  readonly maxArgs?: number;
  /** Options end at the first positional (the rest is data or another command). */
  readonly posixOrder?: boolean;
  /** Options are whole words after one dash (`openssl x509 -noout`), never letter clusters. */
  readonly singleDash?: boolean;
  /** Read-only subcommands (`get`, `rollout status`); a listed subcommand adds its flags to these. */
  readonly sub?: Readonly<Record<string, Spec>>;
  /** With `sub`: the command alone (no subcommand, no positional) is also a read. */
  readonly bare?: boolean;
  /** A further judgement once the arguments are known; null means read. */
  readonly check?: (args: Parsed, ctx: RuleContext) => Verdict | null;
}

export type RuleContext = Context;

export interface Parsed {
  /** The command and its subcommand words, e.g. `kubectl rollout status`. */
  readonly label: string;
  /** Each flag given, by the spelling used, with its values (`[]` for a flag without one). */
  readonly options: ReadonlyMap<string, readonly string[]>;
  /** Positionals before `--`, in order. */
  readonly positionals: readonly Word[];
  /** Words after `--`. */
  readonly rest: readonly Word[];
  /** All argument words after the subcommand (for checks that need order, e.g. `exec … -- CMD`). */
  readonly words: readonly Word[];
}

interface Compiled {
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlySet<string>;
  readonly optional: ReadonlySet<string>;
  readonly pairs: ReadonlySet<string>;
}

const compiled = new WeakMap<Spec, Compiled>();
const set = (s: string | undefined): Set<string> => new Set((s ?? '').split(/\s+/).filter(Boolean));

function compile(spec: Spec): Compiled {
  let c = compiled.get(spec);
  if (!c) {
    c = { flags: set(spec.flags), values: set(spec.values), optional: set(spec.optional), pairs: set(spec.pairs) };
    compiled.set(spec, c);
  }
  return c;
}

function merge(a: Spec, b: Spec): Spec {
  const join = (x?: string, y?: string) => [x ?? '', y ?? ''].join(' ');
  return {
    ...b,
    flags: join(a.flags, b.flags),
    values: join(a.values, b.values),
    optional: join(a.optional, b.optional),
    pairs: join(a.pairs, b.pairs),
    numeric: a.numeric || b.numeric,
  };
}

type Step = { ok: true; consumed: number } | { ok: false; verdict: Verdict };

/** Reads one option word at `i` (and its values); `name` is for messages. */
function option(name: string, c: Compiled, spec: Spec, args: readonly Word[], i: number, options: Map<string, string[]>): Step {
  const a = args[i]!.text;
  const numeric = spec.numeric ?? false;
  const bad = (why: string): Step => ({ ok: false, verdict: write(why) });
  const add = (flag: string, ...values: string[]) => options.set(flag, [...(options.get(flag) ?? []), ...values]);
  if (a.startsWith('--') || spec.singleDash) {
    const eq = a.indexOf('=');
    const flag = eq < 0 ? a : a.slice(0, eq);
    if (eq >= 0) {
      if (!c.values.has(flag) && !c.optional.has(flag)) return bad(`\`${name} ${flag}=…\` is not an option \`${name}\` is known to read with`);
      add(flag, a.slice(eq + 1));
      return { ok: true, consumed: 1 };
    }
    if (c.flags.has(flag) || c.optional.has(flag)) {
      add(flag);
      return { ok: true, consumed: 1 };
    }
    if (c.values.has(flag)) {
      if (i + 1 >= args.length) return bad(`\`${name} ${flag}\` needs a value`);
      add(flag, args[i + 1]!.text);
      return { ok: true, consumed: 2 };
    }
    if (c.pairs.has(flag)) {
      if (i + 2 >= args.length) return bad(`\`${name} ${flag}\` needs two values`);
      add(flag, args[i + 1]!.text, args[i + 2]!.text);
      return { ok: true, consumed: 3 };
    }
    // GNU getopt accepts unambiguous prefixes (`--outp` for `--output`): only exact names are known.
    return bad(`\`${name} ${flag}\` is not an option \`${name}\` is known to read with`);
  }
  if (numeric && /^-\d+$/.test(a)) {
    add('-NUM', a.slice(1));
    return { ok: true, consumed: 1 };
  }
  // A cluster: letters are flags until one that takes a value; the rest of the word (or the next word) is it.
  for (let j = 1; j < a.length; j++) {
    const letter = `-${a[j]}`;
    if (c.flags.has(letter)) {
      add(letter);
      continue;
    }
    if (c.optional.has(letter)) {
      add(letter, a.slice(j + 1));
      return { ok: true, consumed: 1 };
    }
    if (c.values.has(letter)) {
      if (j + 1 < a.length) {
        add(letter, a.slice(j + 1));
        return { ok: true, consumed: 1 };
      }
      if (i + 1 >= args.length) return bad(`\`${name} ${letter}\` needs a value`);
      add(letter, args[i + 1]!.text);
      return { ok: true, consumed: 2 };
    }
    if (numeric && /^\d+$/.test(a.slice(j))) {
      add('-NUM', a.slice(j));
      return { ok: true, consumed: 1 };
    }
    return bad(`\`${name} ${letter}\` is not an option \`${name}\` is known to read with`);
  }
  return { ok: true, consumed: 1 };
}

const isOption = (w: Word): boolean => w.text.length > 1 && w.text.startsWith('-');

/** A glob that starts with a pattern character may expand to a file name starting with `-`: an option. */
const globAsOption = (w: Word): boolean => w.glob === true && /^[*?[]/.test(w.text);

/** Parses `args` against `spec`; a verdict when the spec does not allow them. */
export function parseArgs(label: string, spec: Spec, args: readonly Word[]): { parsed: Parsed; spec: Spec } | { verdict: Verdict } {
  const c = compile(spec);
  const options = new Map<string, string[]>();
  const positionals: Word[] = [];
  let rest: Word[] = [];
  let subAt = -1;
  let i = 0;
  while (i < args.length) {
    const w = args[i]!;
    if (w.text === '--') {
      rest = args.slice(i + 1);
      break;
    }
    if (isOption(w) && !(spec.posixOrder && positionals.length > 0)) {
      const step = option(label, c, spec, args, i, options);
      if (!step.ok) return { verdict: step.verdict };
      i += step.consumed;
      continue;
    }
    if (globAsOption(w)) return { verdict: write(`\`${w.text}\` may expand to a file name that \`${label}\` reads as an option`) };
    if (spec.sub && positionals.length === 0 && subAt < 0) {
      subAt = i;
      break;
    }
    positionals.push(w);
    i++;
  }
  if (spec.sub && subAt >= 0) return subcommand(label, spec, args, subAt, options);
  if (spec.sub && !spec.bare) return { verdict: write(`\`${label}\` without a subcommand is not known to be read-only`) };
  if (spec.sub && positionals.length > 0) return { verdict: write(`\`${label} ${positionals[0]!.text}\` is not known to be read-only`) };
  if (spec.maxArgs !== undefined && positionals.length + rest.length > spec.maxArgs) {
    const extra = [...positionals, ...rest][spec.maxArgs]!.text;
    return { verdict: write(`\`${label} … ${extra}\` is not known to be read-only: \`${label}\` reads with at most ${spec.maxArgs} argument(s)`) };
  }
  return { parsed: { label, options, positionals, rest, words: args }, spec };
}

/** The longest listed subcommand at `at`; its flags join the command's, and the remaining words are parsed again. */
function subcommand(label: string, spec: Spec, args: readonly Word[], at: number, before: Map<string, string[]>): { parsed: Parsed; spec: Spec } | { verdict: Verdict } {
  let best: string | undefined;
  let length = 0;
  for (const key of Object.keys(spec.sub!)) {
    const parts = key.split(' ');
    if (parts.length > length && parts.every((p, k) => args[at + k] !== undefined && !args[at + k]!.dynamic && args[at + k]!.text === p)) {
      best = key;
      length = parts.length;
    }
  }
  if (best === undefined) {
    const shown = args.slice(at, at + 2).map((w) => w.text).join(' ');
    return { verdict: write(`\`${label} ${shown}\` is not known to be read-only`) };
  }
  // Keys are whole paths (`rollout status`), so the merged spec has no further subcommands.
  const { sub: _, bare: __, ...top } = spec;
  const result = parseArgs(`${label} ${best}`, merge(top, spec.sub![best]!), args.slice(at + length));
  if ('verdict' in result) return result;
  // Flags given before the subcommand (global flags) count too.
  const options = new Map(before);
  for (const [k, v] of result.parsed.options) options.set(k, [...(options.get(k) ?? []), ...v]);
  return { parsed: { ...result.parsed, options }, spec: result.spec };
}

/** Judges `args` of the command `name` against its spec. */
export function judge(name: string, spec: Spec, args: readonly Word[], ctx: RuleContext): Verdict {
  if (spec.free) return read(`\`${name}\` is read-only`);
  const result = parseArgs(name, spec, args);
  if ('verdict' in result) return result.verdict;
  const checked = result.spec.check?.(result.parsed, ctx) ?? spec.check?.(result.parsed, ctx) ?? null;
  return checked ?? read(`\`${result.parsed.label}\` is read-only`);
}

export const has = (p: Parsed, ...flags: string[]): boolean => flags.some((f) => p.options.has(f));
export const valuesOf = (p: Parsed, ...flags: string[]): string[] => flags.flatMap((f) => [...(p.options.get(f) ?? [])]);
