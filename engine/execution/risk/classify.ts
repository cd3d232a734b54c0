// classifyCommand: parse with mvdan-sh, visit every simple command, redirection, assignment, arithmetic and test
// anywhere in the tree (pipelines, lists, subshells, $(…), `…`, <(…), heredoc bodies, function bodies), and let
// any write win. A command is a read only when every word of it is fixed before it runs and the command, its
// subcommand and every flag are in the read-only tables (engine/execution/risk/commands).
import { harmlessSinks } from './args';
import { TABLE, RULES } from './commands';
import { ARITHMETIC_TESTS, NAME_TESTS, PARAM_AT_OP, parseShell, Redir, walk, wordOf, type Node, type Word } from './parse';
import { Classification } from './schema';
import { judge } from './spec';
import { isWrite, write, type Context, type Verdict } from './verdict';
import { harmlessVariable, isWrapper, unwrap } from './wrappers';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox', 'fish', 'csh', 'tcsh']);
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'lua', 'osascript', 'pwsh', 'tclsh', 'expect']);
/** Nesting bound for commands that run commands (sudo sudo …, watch "watch …"). */
const MAX_DEPTH = 8;
/** What arithmetic made of number literals and operators consists of; anything else may name a variable. */
const ARITHMETIC_NODES = new Set(['Word', 'BinaryArithm', 'UnaryArithm', 'ParenArithm', 'BinaryTest']);

export interface ClassifyOptions {
  /** `host` or `host:port` that network reads may reach; without it every network client is a write. */
  readonly allowedHosts?: readonly string[];
}

/** Judges one simple command given as words (the first is the command name). */
function classifyArgv(words: Word[], depth: number, hosts: readonly string[]): Verdict[] {
  if (words.length === 0) return [];
  if (depth > MAX_DEPTH) return [write('commands nested too deeply to judge')];
  if (words[0]!.dynamic || words[0]!.glob) return [write(`the command name \`${words[0]!.text}\` is only known at run time`)];
  const verdicts = judgeArgv(words, depth, hosts);
  // Every argument must be known before the command runs: an expansion could become an option, a file name or code.
  const moving = words.slice(1).find((a) => a.dynamic);
  if (moving) verdicts.push(write(`the argument \`${moving.text}\` of \`${words[0]!.text}\` is only known at run time`));
  return verdicts;
}

/** The tables' verdict on a command whose words are taken as written. */
function judgeArgv(words: Word[], depth: number, hosts: readonly string[]): Verdict[] {
  const [head, ...args] = words;
  // /usr/bin/grep is grep; any other path (./kubectl, /tmp/x) runs a file we know nothing about.
  const system = /^\/(usr\/(local\/)?)?s?bin\/[^/]+$/.test(head!.text);
  if (head!.text.includes('/') && !system) return [write(`runs the program at ${head!.text}, which is not known to be read-only`)];
  const name = system ? head!.text.slice(head!.text.lastIndexOf('/') + 1) : head!.text;
  const ctx = context(depth, hosts);

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
  if (name === 'xargs') return [write('`xargs` adds words from its input to the command, and they may be options or other files')];
  if (name === 'watch') return watch(args, depth, hosts);
  if (name === 'command' && args.some((a) => a.text === '-v' || a.text === '-V')) return [{ read: '`command -v` only describes a command' }];
  if (isWrapper(name)) {
    const u = unwrap(name, args);
    if ('verdict' in u) return [u.verdict];
    return classifyArgv(u.inner, depth + 1, hosts);
  }
  // Own properties only: `constructor` or `__proto__` must not find Object's.
  if (Object.hasOwn(RULES, name)) return [RULES[name]!(args, ctx)];
  if (Object.hasOwn(TABLE, name)) return [judge(name, TABLE[name]!, args, ctx)];
  return [write(`\`${name}\` is not known to be read-only`)];
}

/** watch joins its arguments and runs them with `sh -c` (unless -x): judge that text as a script. */
function watch(args: Word[], depth: number, hosts: readonly string[]): Verdict[] {
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
    else if (!/^(-[dtbegcxpw]+|-n\d+(\.\d+)?|--interval=\S+|--differences(=\S+)?|--no-title|--beep|--errexit|--chgexit|--color|--exec|--precise|--no-wrap)$/.test(a)) {
      return [write(`\`watch ${a}\` is not an option \`watch\` is known to run commands with`)];
    }
  }
  const rest = args.slice(i);
  if (rest.length === 0) return [write('`watch` without a command')];
  return exec ? classifyArgv(rest, depth + 1, hosts) : classifyText(rest.map((w) => w.text).join(' '), depth + 1, hosts);
}

function context(depth: number, hosts: readonly string[]): Context {
  return { allowedHosts: hosts, argv: (w) => classifyArgv(w, depth + 1, hosts), script: (s) => classifyText(s, depth + 1, hosts) };
}

function redirect(r: Node): Verdict | null {
  const op: number = r.Op;
  if (r.Hdoc || op === Redir.in || op === Redir.dupIn) return null;
  const target = r.Word ? wordOf(r.Word) : { text: '', dynamic: true };
  if (op === Redir.dupOut && !target.dynamic && /^(\d+|-)$/.test(target.text)) return null; // 2>&1, >&-
  const writes = [Redir.out, Redir.append, Redir.clobber, Redir.all, Redir.appendAll, Redir.inOut, Redir.dupOut] as number[];
  if (!writes.includes(op)) return null;
  if (!target.dynamic && !target.glob && harmlessSinks.has(target.text) && target.text !== '-') return null;
  return write(`redirects output into ${target.text}`);
}

/** `NAME=value` before a command, on its own, or in export/local/readonly: only formatting variables are reads. */
function assignment(a: Node, how: string): Verdict | null {
  if (a.Naked && !a.Name) return write(`\`${how} ${a.Value ? wordOf(a.Value).text : ''}\` is not known to be read-only`);
  const name: string = a.Name?.Value ?? '';
  if (a.Index || a.Array) return write(`\`${name}[…]=\` evaluates an array subscript`);
  return harmlessVariable(name) ? null : write(`sets \`${name}\`, which can change what later commands load, read or run`);
}

/** Arithmetic (`(( ))`, `$(( ))`, `let`, `[[ a -gt b ]]`) evaluates variables' contents as code: only numbers. */
function arithmetic(n: Node, what: string): Verdict | null {
  let bad: string | null = null;
  walk(n, (c, type) => {
    if (bad !== null) return;
    if (type === 'Lit') {
      if (!/^[0-9]+$/.test(c.Value)) bad = c.Value;
    } else if (!ARITHMETIC_NODES.has(type)) bad = type === 'ParamExp' ? '$…' : '…';
  });
  return bad === null ? null : write(`${what} evaluates \`${bad}\` as arithmetic, which can run code`);
}

/** `${!x}`, `${x@P}`, `${a[expr]}` and `${s:off}` evaluate text as a name, a prompt or arithmetic. */
function evaluatingExpansion(p: Node): Verdict | null {
  if (p.Excl) return write('`${!name}` looks up a name held in a variable');
  if (p.Exp && p.Exp.Op === PARAM_AT_OP) return write('`${name@…}` transforms the value (`@P` runs prompt expansion)');
  if (p.Index) return arithmetic(p.Index, 'a subscript');
  if (p.Slice) return [p.Slice.Offset, p.Slice.Length].filter(Boolean).map((x) => arithmetic(x, 'an offset')).find(Boolean) ?? null;
  return null;
}

function classifyText(src: string, depth: number, hosts: readonly string[]): Verdict[] {
  if (depth > MAX_DEPTH) return [write('commands nested too deeply to judge')];
  const parsed = parseShell(src);
  if (!parsed.ok) return [write(`cannot parse the command: ${parsed.error}`)];
  const verdicts: Verdict[] = [];
  const add = (v: Verdict | null) => {
    if (v) verdicts.push(v);
  };
  walk(parsed.file, (n, type) => {
    switch (type) {
      case 'CallExpr':
        for (const a of n.Assigns) add(assignment(a, 'NAME=value'));
        verdicts.push(...classifyArgv(n.Args.map(wordOf), depth, hosts));
        break;
      case 'DeclClause': {
        const variant: string = n.Variant?.Value ?? 'declare';
        if (variant === 'declare' || variant === 'typeset' || variant === 'nameref') add(write(`\`${variant}\` can evaluate values as arithmetic or make a name refer to another`));
        else for (const a of n.Args) add(assignment(a, variant));
        break;
      }
      case 'Redirect':
        add(redirect(n));
        break;
      case 'ArithmCmd':
      case 'ArithmExp':
        add(arithmetic(n.X, 'arithmetic'));
        break;
      case 'LetClause':
        add(write('`let` evaluates arithmetic on variables, which can run code'));
        break;
      case 'CStyleLoop':
        add(write('a C-style `for ((…))` loop evaluates arithmetic on variables'));
        break;
      case 'BinaryTest':
        if (ARITHMETIC_TESTS.has(n.Op)) add(arithmetic(n, '`[[ … -eq/-lt/-gt … ]]`'));
        else for (const w of [n.X, n.Y]) if (w && wordOf(w).dynamic) add(write(`the test operand \`${wordOf(w).text}\` is only known at run time`));
        break;
      case 'UnaryTest':
        if (NAME_TESTS.has(n.Op)) add(write('`[[ -v name ]]` evaluates the name\'s subscript'));
        break;
      case 'ParamExp':
        add(evaluatingExpansion(n));
        break;
      case 'CoprocClause':
        add(write('`coproc` starts a background process'));
        break;
      default:
        // Structure (lists, pipelines, loops, function definitions): their commands are visited.
        break;
    }
  });
  return verdicts;
}

/** Classifies a shell command line: `write` if any part may change something, with the reasons why. */
export function classifyCommand(cmd: string, options: ClassifyOptions = {}): Classification {
  const verdicts = classifyText(cmd, 0, options.allowedHosts ?? []);
  const writes = [...new Set(verdicts.filter(isWrite).map((v) => v.write))];
  if (writes.length > 0) return Classification.parse({ risk: 'write', reasons: writes });
  const reads = [...new Set(verdicts.map((v) => ('read' in v ? v.read : '')).filter(Boolean))];
  return Classification.parse({ risk: 'read', reasons: reads.length > 0 ? reads : ['no command to run'] });
}
