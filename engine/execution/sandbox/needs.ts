// Which programs a command runs, and so what its sandbox must grant: every simple command anywhere in the
// parsed tree (pipelines, lists, `$(…)`, subshells, loops), looking through wrappers (`sudo`, `env X=1`,
// `timeout 5`, `xargs`, `watch`, `find -exec`) to the program they run. What cannot be told (a computed
// name, a program run by a path outside the system folders, text that does not parse) is granted nothing.
import { parseShell, walk, wordOf, type Word } from '../risk/parse';
import { PROGRAM_NEEDS, WRAPPERS } from './table';

export interface Needs {
  /** Share the host's network namespace. */
  readonly network: boolean;
  /** Paths under /run to put back (sockets and their companions), `{uid}` not yet filled. */
  readonly run: readonly string[];
  /** The host's /proc (read-only) instead of the sandbox's own. */
  readonly hostProc: boolean;
  /** Capabilities to keep when running as root. */
  readonly caps: readonly string[];
  /** The programs found, in order of first appearance (for the record of what ran). */
  readonly programs: readonly string[];
}

export const NO_NEEDS: Needs = { network: false, run: [], hostProc: false, caps: [], programs: [] };

const MAX_DEPTH = 8;
const SYSTEM_PATH = /^\/(usr\/(local\/)?)?s?bin\/[^/]+$/;

/** The program a command word names: `/usr/bin/curl` is curl; `./curl`, `/opt/x/curl` and `$CURL` are unknown. */
export function programName(word: Word): string | null {
  if (word.dynamic || word.text === '') return null;
  if (!word.text.includes('/')) return word.text;
  return SYSTEM_PATH.test(word.text) ? word.text.slice(word.text.lastIndexOf('/') + 1) : null;
}

/** The programs a command line runs, wrappers looked through (a wrapper itself is listed too). */
export function programsOf(command: string): string[] {
  const found: string[] = [];
  collectScript(command, 0, found);
  return [...new Set(found)];
}

/** What the command's sandbox grants: the union of its programs' needs. */
export function commandNeeds(command: string): Needs {
  return needsOf(programsOf(command));
}

/**
 * What one program's sandbox grants, by its name (the same table): for a fixed argv the engine built itself
 * (engine/execution/tools/builtin), where the program is known without parsing. Like a command word, a path outside the
 * system folders is granted nothing.
 */
export function programNeeds(program: string): Needs {
  const name = programName({ text: program, dynamic: false });
  return name === null ? { ...NO_NEEDS, programs: [program] } : needsOf([name]);
}

function needsOf(programs: string[]): Needs {
  let network = false;
  let hostProc = false;
  const run = new Set<string>();
  const caps = new Set<string>();
  for (const p of programs) {
    const n = Object.hasOwn(PROGRAM_NEEDS, p) ? PROGRAM_NEEDS[p] : undefined;
    if (!n) continue;
    network ||= n.network === true;
    hostProc ||= n.hostProc === true;
    for (const r of n.run ?? []) run.add(r);
    for (const c of n.caps ?? []) caps.add(c);
  }
  return { network, run: [...run], hostProc, caps: [...caps], programs };
}

function collectScript(src: string, depth: number, found: string[]): void {
  if (depth > MAX_DEPTH) return;
  const parsed = parseShell(src);
  if (!parsed.ok) return;
  walk(parsed.file, (n, type) => {
    if (type === 'CallExpr') collectArgv((n.Args as unknown[]).map(wordOf), depth, found);
  });
}

function collectArgv(words: Word[], depth: number, found: string[]): void {
  if (depth > MAX_DEPTH || words.length === 0) return;
  const name = programName(words[0]!);
  if (name === null) return;
  found.push(name);
  const args = words.slice(1);
  if (name === 'watch') return watch(args, depth, found);
  if (name === 'find') return findExec(args, depth, found);
  const spec = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
  if (!spec) return;
  const values = new Set(spec.value ?? []);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (values.has(a)) i++; // `-u root`: the value is not the command (`--user=root` carries its own)
  }
  if (spec.assignments) while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!.text)) i++;
  i += spec.skip ?? 0;
  collectArgv(args.slice(i), depth + 1, found);
}

/** `watch [-n 5] CMD…` runs its joined arguments with `sh -c` (with `-x`, as an argv). */
function watch(args: Word[], depth: number, found: string[]): void {
  let i = 0;
  let exec = false;
  for (; i < args.length && args[i]!.text.startsWith('-'); i++) {
    const a = args[i]!.text;
    if (a === '--') {
      i++;
      break;
    }
    if (/^-[a-zA-Z]*x/.test(a) || a === '--exec') exec = true;
    if (a === '-n' || a === '--interval') i++; // `-n 5`: the interval is not the command
  }
  const rest = args.slice(i);
  if (rest.some((w) => w.dynamic)) return;
  if (exec) collectArgv(rest, depth + 1, found);
  else collectScript(rest.map((w) => w.text).join(' '), depth + 1, found);
}

/** `find … -exec CMD … ;` (also -execdir, -ok, -okdir) runs CMD for each file. */
function findExec(args: Word[], depth: number, found: string[]): void {
  for (let i = 0; i < args.length; i++) {
    if (!/^-(exec|execdir|ok|okdir)$/.test(args[i]!.text)) continue;
    const end = args.findIndex((w, j) => j > i && (w.text === ';' || w.text === '+'));
    collectArgv(args.slice(i + 1, end < 0 ? args.length : end), depth + 1, found);
    if (end >= 0) i = end;
  }
}
