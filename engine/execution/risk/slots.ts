// Where an outside value (an alert label, a person's answer) may go in a shell command, decided from the parsed
// command rather than from quoting: each placeholder is replaced by a plain marker word, the command is parsed, and
// the marker's place in the tree says what the shell (and the program) will do with the value there.
//  - argument: a word of a simple command (or a `[[ ]]` operand): the value is data if it is a plain word.
//  - number: arithmetic (`(( ))`, `$(( ))`, `[[ -gt ]]`, subscripts, offsets): bash evaluates text there as code,
//    so only a number may go in.
//  - program: program text another interpreter reads (sed/awk/jq scripts, SQL, PromQL, templates, `sh -c`).
//  - other: a command name, a redirection target, an assignment, a heredoc, a pattern, a parameter expansion.
// Values that fit their place go in as they are; anything else waits for a person (see placeValue).
import { shellQuote } from '../tools/quote';
import { isWrapper, unwrap } from './wrappers';
import { ARITHMETIC_TESTS, NAME_TESTS, parseShell, spansOf, wordOf, type Node, type Span } from './parse';

export type SlotContext = 'argument' | 'number' | 'program' | 'other';
/** How the text around the slot is quoted: a value that needs quoting is quoted to match (raw: it cannot be). */
export type SlotQuote = 'plain' | 'double' | 'single' | 'raw';

export interface SlotSite {
  readonly context: SlotContext;
  readonly quote: SlotQuote;
  /** Where, in words a person reads: "an argument of `kubectl`", "the sed script". */
  readonly where: string;
}

/** A plain word: nothing the shell or an option parser would read as syntax. */
export const SAFE_WORD = /^[A-Za-z0-9._:/@+=][A-Za-z0-9._:/@+=-]*$/;
export const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

const marker = (i: number) => `rbaslot${i}x`;

/** The site of each [start, end) range of `template` (offsets in characters), or null when it does not parse. */
export function slotSites(template: string, ranges: ReadonlyArray<readonly [number, number]>): SlotSite[] | null {
  let text = '';
  let last = 0;
  const at: Array<[number, number]> = [];
  ranges.forEach(([start, end], i) => {
    text += template.slice(last, start);
    const s = Buffer.byteLength(text);
    text += marker(i);
    at.push([s, s + marker(i).length]);
    last = end;
  });
  text += template.slice(last);
  const parsed = parseShell(text);
  if (!parsed.ok) return null;
  // Walk order puts a parent before its children: among spans of one size (a Word and its only DblQuoted part) the
  // later one is the inner one.
  const spans = spansOf(parsed.file).map((sp, order) => ({ ...sp, order }));
  const innermostFirst = (a: { start: number; end: number; order: number }, b: { start: number; end: number; order: number }) => a.end - a.start - (b.end - b.start) || b.order - a.order;
  return at.map(([s, e]) => site(spans.filter((sp) => sp.start <= s && sp.end >= e).sort(innermostFirst), s));
}

/** `chain`: the spans holding the marker, innermost first. */
function site(chain: readonly Span[], offset: number): SlotSite {
  let quote: SlotQuote = 'plain';
  for (const sp of chain) {
    if (sp.type === 'SglQuoted') {
      quote = 'single';
      break;
    }
    if (sp.type === 'DblQuoted') {
      quote = 'double';
      break;
    }
    if (sp.type === 'CmdSubst' || sp.type === 'Word') break;
  }
  // Backticks have their own backslash rules, and heredoc bodies no quoting at all: nothing can be quoted there.
  if (chain.some((sp) => (sp.type === 'CmdSubst' && sp.node.Backquotes) || (sp.type === 'Redirect' && sp.node.Hdoc && within(sp.node.Hdoc, offset)))) quote = 'raw';
  for (const sp of chain) {
    const n = sp.node;
    switch (sp.type) {
      case 'ArithmCmd':
      case 'ArithmExp':
      case 'LetClause':
      case 'CStyleLoop':
        return { context: 'number', quote, where: 'arithmetic' };
      case 'BinaryTest':
        if (ARITHMETIC_TESTS.has(n.Op)) return { context: 'number', quote, where: 'an arithmetic test' };
        return { context: 'argument', quote, where: 'a test operand' };
      case 'UnaryTest':
        return NAME_TESTS.has(n.Op) ? { context: 'other', quote, where: 'a variable name test' } : { context: 'argument', quote, where: 'a test operand' };
      case 'ParamExp':
        if ((n.Index && within(n.Index, offset)) || (n.Slice && [n.Slice.Offset, n.Slice.Length].some((x: Node) => x && within(x, offset)))) {
          return { context: 'number', quote, where: 'a subscript or offset' };
        }
        return { context: 'other', quote, where: 'a parameter expansion' };
      case 'Redirect':
        return { context: 'other', quote, where: n.Hdoc && within(n.Hdoc, offset) ? 'a heredoc' : 'a redirection target' };
      case 'Assign':
        return { context: 'other', quote, where: 'a variable assignment' };
      case 'CallExpr': {
        const words: Node[] = n.Args;
        const index = words.findIndex((w) => within(w, offset));
        if (index < 0) return { context: 'other', quote, where: 'a variable assignment' };
        const argv = words.map((w) => wordOf(w).text);
        if (index === 0 || index === programStart(argv, 0)) return { context: 'other', quote, where: 'the command name' };
        const program = programText(argv, index);
        return program ? { context: 'program', quote, where: program } : { context: 'argument', quote, where: `an argument of \`${commandName(argv)}\`` };
      }
      case 'CaseClause':
      case 'CaseItem':
      case 'ForClause':
      case 'WordIter':
        return { context: 'other', quote, where: 'a loop or case pattern' };
      default:
        break;
    }
  }
  return { context: 'other', quote, where: 'a place the engine does not know' };
}

function within(n: Node, offset: number): boolean {
  return n.Pos().Offset() <= offset && n.End().Offset() > offset;
}

function commandName(argv: readonly string[]): string {
  return (argv[programStart(argv, 0)] ?? argv[0] ?? '').replace(/^.*\//, '');
}

/** Index of the program a wrapper runs (`sudo -u x timeout 5 kubectl …` -> kubectl), read as the classifier does. */
function programStart(argv: readonly string[], from: number): number {
  let i = from;
  for (let depth = 0; depth < 8 && i < argv.length; depth++) {
    const name = argv[i]!.replace(/^.*\//, '');
    const rest = argv.slice(i + 1).map((text) => ({ text, dynamic: false }));
    if (name === 'watch' || name === 'xargs') {
      let j = 0;
      while (j < rest.length && rest[j]!.text.startsWith('-')) j++;
      i += 1 + j;
      continue;
    }
    if (!isWrapper(name)) break;
    const u = unwrap(name, rest);
    if ('verdict' in u) break;
    i += 1 + rest.length - u.inner.length;
  }
  return i;
}

/** Options whose value is program text, and commands whose first operand is. */
const PROGRAM_FLAGS: Readonly<Record<string, readonly string[]>> = {
  sed: ['-e', '--expression'],
  awk: ['-e', '--source'],
  gawk: ['-e', '--source'],
  psql: ['-c', '--command'],
  mysql: ['-e', '--execute'],
  kubectl: ['--template', '-p', '--patch'],
  oc: ['--template', '-p', '--patch'],
  sh: ['-c'],
  bash: ['-c'],
  zsh: ['-c'],
  python: ['-c'],
  python3: ['-c'],
  perl: ['-e', '-E'],
  ruby: ['-e'],
  node: ['-e', '--eval'],
};
const FIRST_OPERAND_IS_PROGRAM = new Set(['sed', 'awk', 'gawk', 'mawk', 'nawk', 'jq', 'gojq', 'yq']);

/** What program text the word at `index` is, or null when it is an ordinary argument. */
function programText(argv: readonly string[], index: number): string | null {
  const start = programStart(argv, 0);
  // Options of a wrapper (`sudo -u NAME`) are its own arguments.
  if (index < start) return null;
  const name = argv[start]!.replace(/^.*\//, '');
  const flags = PROGRAM_FLAGS[name] ?? [];
  const prev = argv[index - 1]!;
  const word = argv[index]!;
  if (flags.includes(prev) || flags.some((f) => f.startsWith('--') && word.startsWith(`${f}=`))) return `the ${name} program text`;
  // kubectl -o jsonpath=… / go-template=… / custom-columns=…
  if ((name === 'kubectl' || name === 'oc') && (/^(-o|--output)$/.test(prev) || /^(-o|--output=)/.test(word))) {
    if (/(jsonpath|go-template|template|custom-columns)/.test(word)) return `a ${name} output template`;
  }
  if (name === 'ssh') return 'a command ssh runs on another host';
  if (name === 'promtool' && argv[start + 1] === 'query' && index > start + 3) return 'a PromQL query';
  // `kubectl exec POD -- CMD …`: the words after `--` are a command of their own.
  const dash = argv.indexOf('--', start + 1);
  if ((name === 'kubectl' || name === 'oc') && dash >= 0 && index > dash) return programText(argv.slice(dash + 1), index - dash - 1);
  if (FIRST_OPERAND_IS_PROGRAM.has(name) && !argv.slice(start + 1, index).some((a) => flags.includes(a) || a === '-f' || a === '--from-file')) {
    const firstOperand = argv.findIndex((a, k) => k > start && !a.startsWith('-') && !flags.includes(argv[k - 1]!) && !/^-[FvL]$/.test(argv[k - 1]!));
    if (firstOperand === index) return `the ${name} program`;
  }
  return null;
}

/** What happens to one value at one site. */
export type Placement =
  | { readonly kind: 'insert'; readonly text: string }
  /** Goes in (quoted to match its place where quoting applies), but a person must see the step before it runs. */
  | { readonly kind: 'review'; readonly text: string; readonly reason: string }
  /** Cannot go in at all: a person supplies a value of the right shape. */
  | { readonly kind: 'ask'; readonly reason: string };

/** Control characters shown as escapes, so a reason never carries terminal sequences. */
export function shown(value: string): string {
  const escaped = JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
  return escaped.replace(/[\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How `value` (named `name`, from `source`) goes into `site`, or null when `site` is unknown (unparsed command). */
export function placeValue(value: string, site: SlotSite | null, name: string, source: string): Placement {
  const where = site?.where ?? 'a command that does not parse';
  if (site?.context === 'number') {
    return NUMBER.test(value) ? { kind: 'insert', text: value } : { kind: 'ask', reason: `${source} value for ${name} (${shown(value)}) is not a number, and ${where} takes only numbers` };
  }
  const safe = SAFE_WORD.test(value);
  if (site?.context === 'argument' && safe) return { kind: 'insert', text: value };
  const quote = site?.quote ?? 'raw';
  const text = safe ? value : quote === 'raw' ? null : quoted(value, quote);
  if (text === null) return { kind: 'ask', reason: `${source} value for ${name} (${shown(value)}) cannot be placed safely in ${where}` };
  const why =
    site?.context === 'argument'
      ? value.startsWith('-')
        ? `starts with "-", so the program could read it as an option`
        : 'is not a plain word'
      : `lands in ${where}`;
  return { kind: 'review', text, reason: `${source} value for ${name} ${shown(value)} ${why}; check the command before it runs` };
}

/** The value as one shell word in its quoting context (quotes closed around it, then reopened). */
function quoted(value: string, quote: SlotQuote): string {
  const q = shellQuote(value);
  return quote === 'double' ? `"${q}"` : quote === 'single' ? `'${q}'` : q;
}
