// classifyCommand: parse with mvdan-sh, visit every simple command, redirection and declaration anywhere in the
// tree (pipelines, lists, subshells, $(…), `…`, <(…), heredoc bodies, function bodies), and let any write win.
import { harmlessSinks } from './args';
import { parseShell, Redir, walk, wordOf, type Node, type Word } from './parse';
import { Classification } from './schema';
import { TABLE } from './table';
import { isWrite, write, type Context, type Verdict } from './verdict';
import { DANGEROUS_ENV, isWrapper, unwrap } from './wrappers';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox', 'fish', 'csh', 'tcsh']);
const INTERPRETERS = new Set(['python', 'python3', 'perl', 'ruby', 'node', 'php', 'lua', 'osascript']);
/** Nesting bound for commands that run commands (sudo sudo …, watch "watch …"). */
const MAX_DEPTH = 8;

/** Judges one simple command given as words (the first is the command name). */
function classifyArgv(words: Word[], depth: number): Verdict[] {
  if (words.length === 0) return [];
  if (depth > MAX_DEPTH) return [write('commands nested too deeply to judge')];
  const [head, ...args] = words;
  if (head!.dynamic) return [write(`the command name \`${head!.text}\` is only known at run time`)];
  // /usr/bin/grep is grep; any other path (./kubectl, /tmp/x) runs a file we know nothing about.
  const system = /^\/(usr\/(local\/)?)?s?bin\/[^/]+$/.test(head!.text);
  if (head!.text.includes('/') && !system) return [write(`runs the program at ${head!.text}, which is not known to be read-only`)];
  const name = system ? head!.text.slice(head!.text.lastIndexOf('/') + 1) : head!.text;
  const ctx = context(depth);

  if (name === 'eval') return [write('`eval` runs text as shell code')];
  if (name === 'source' || name === '.') return [write(`\`${name}\` runs the commands in a file`)];
  if (SHELLS.has(name)) {
    const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a.text));
    if (c >= 0) return [write(`\`${name} -c\` runs a script given as text`)];
    return [write(args.some((a) => !a.text.startsWith('-')) ? `\`${name}\` runs a script file` : `\`${name}\` runs commands it reads from its input`)];
  }
  if (INTERPRETERS.has(name)) {
    const inPlace = name === 'perl' && args.some((a) => /^-[a-zA-Z]*i/.test(a.text));
    return [write(inPlace ? '`perl -i` edits files in place' : `\`${name}\` runs a program that was not checked`)];
  }
  if (name === 'watch') return watch(args, depth);
  if (isWrapper(name)) {
    const u = unwrap(name, args);
    if ('verdict' in u) return [u.verdict];
    const envBad = name === 'env' ? args.find((a) => DANGEROUS_ENV.test(a.text.split('=')[0]!) && a.text.includes('=')) : undefined;
    if (envBad) return [write(`\`env ${envBad.text.split('=')[0]}=…\` changes what the command loads or runs`)];
    return classifyArgv(u.inner, depth + 1);
  }
  // Own properties only: `constructor` or `__proto__` must not find Object's.
  const rule = Object.hasOwn(TABLE, name) ? TABLE[name] : undefined;
  if (!rule) return [write(`\`${name}\` is not known to be read-only`)];
  return [rule(args, ctx)];
}

/** watch joins its arguments and runs them with `sh -c` (unless -x): judge that text as a script. */
function watch(args: Word[], depth: number): Verdict[] {
  let i = 0;
  let exec = false;
  for (; i < args.length && args[i]!.text.startsWith('-'); i++) {
    const a = args[i]!.text;
    if (a === '--') {
      i++;
      break;
    }
    if (/^-[a-zA-Z]*x/.test(a) || a === '--exec') exec = true;
    if (/^(-n|--interval|-q|--equexit)$/.test(a)) i++;
  }
  const rest = args.slice(i);
  if (rest.length === 0) return [write('`watch` without a command')];
  if (rest.some((w) => w.dynamic)) return [write('the command `watch` runs is built at run time')];
  return exec ? classifyArgv(rest, depth + 1) : classifyText(rest.map((w) => w.text).join(' '), depth + 1);
}

function context(depth: number): Context {
  return { argv: (w) => classifyArgv(w, depth + 1), script: (s) => classifyText(s, depth + 1) };
}

function redirect(r: Node): Verdict | null {
  const op: number = r.Op;
  if (r.Hdoc || op === Redir.in || op === Redir.dupIn) return null;
  const target = r.Word ? wordOf(r.Word) : { text: '', dynamic: true };
  if (op === Redir.dupOut && !target.dynamic && /^(\d+|-)$/.test(target.text)) return null; // 2>&1, >&-
  const writes = [Redir.out, Redir.append, Redir.clobber, Redir.all, Redir.appendAll, Redir.inOut, Redir.dupOut] as number[];
  if (!writes.includes(op)) return null;
  if (!target.dynamic && harmlessSinks.has(target.text) && target.text !== '-') return null;
  return write(`redirects output into ${target.text}`);
}

function assignment(a: Node): Verdict | null {
  const name: string = a.Name?.Value ?? '';
  return DANGEROUS_ENV.test(name) ? write(`sets \`${name}\`, which changes what commands load or run`) : null;
}

function classifyText(src: string, depth: number): Verdict[] {
  if (depth > MAX_DEPTH) return [write('commands nested too deeply to judge')];
  const parsed = parseShell(src);
  if (!parsed.ok) return [write(`cannot parse the command: ${parsed.error}`)];
  const verdicts: Verdict[] = [];
  walk(parsed.file, (n, type) => {
    switch (type) {
      case 'CallExpr':
        for (const a of n.Assigns) {
          const v = assignment(a);
          if (v) verdicts.push(v);
        }
        verdicts.push(...classifyArgv(n.Args.map(wordOf), depth));
        break;
      case 'DeclClause':
        for (const a of n.Args) {
          const v = assignment(a);
          if (v) verdicts.push(v);
        }
        break;
      case 'Redirect': {
        const v = redirect(n);
        if (v) verdicts.push(v);
        break;
      }
      case 'CoprocClause':
        verdicts.push(write('`coproc` starts a background process'));
        break;
      default:
        // Structure (lists, pipelines, loops, tests, arithmetic, function definitions): their commands are visited.
        break;
    }
  });
  return verdicts;
}

/** Classifies a shell command line: `write` if any part may change something, with the reasons why. */
export function classifyCommand(cmd: string): Classification {
  const verdicts = classifyText(cmd, 0);
  const writes = [...new Set(verdicts.filter(isWrite).map((v) => v.write))];
  if (writes.length > 0) return Classification.parse({ risk: 'write', reasons: writes });
  const reads = [...new Set(verdicts.map((v) => ('read' in v ? v.read : '')).filter(Boolean))];
  return Classification.parse({ risk: 'read', reasons: reads.length > 0 ? reads : ['no command to run'] });
}

