// Thin typed layer over mvdan-sh (the Go parser mvdan.cc/sh compiled to JS): parsing, node kinds, node spans and
// word text.
import { syntax } from 'mvdan-sh';

/** The GopherJS objects are untyped; nodes are read field by field. */
export type Node = any;

// The GopherJS build defines a global `require`; remove it so it cannot leak into other code in the bundle.
const hadRequire = Object.prototype.hasOwnProperty.call(globalThis, 'require');
const parser = syntax.NewParser();
if (!hadRequire) delete (globalThis as { require?: unknown }).require;

export type ParseResult = { ok: true; file: Node } | { ok: false; error: string };

// One command is read many times on its way (the planner fills and checks it, the policy and the sandbox read its
// words, the classifier judges it again before it runs), and the GopherJS parser and walker are slow: each source
// is parsed once and each tree walked once. Nothing mutates a tree, so sharing one is safe.
const MAX_PARSED = 512;
const parsedBySource = new Map<string, ParseResult>();
const preorder = new WeakMap<Node, ReadonlyArray<readonly [Node, string]>>();
const spansByFile = new WeakMap<Node, readonly Span[]>();

export function parseShell(src: string): ParseResult {
  const hit = parsedBySource.get(src);
  if (hit) {
    // Most recently used last, so the oldest is evicted first.
    parsedBySource.delete(src);
    parsedBySource.set(src, hit);
    return hit;
  }
  const result = parse(src);
  parsedBySource.set(src, result);
  if (parsedBySource.size > MAX_PARSED) parsedBySource.delete(parsedBySource.keys().next().value!);
  return result;
}

function parse(src: string): ParseResult {
  try {
    return { ok: true, file: parser.Parse(src, 'command') };
  } catch (error) {
    const e = error as { Error?: () => string; message?: string };
    const message = typeof e?.Error === 'function' ? e.Error() : (e?.message ?? String(error));
    return { ok: false, error: message.replace(/^command:/, '') };
  }
}

export const nodeType = (n: Node): string => syntax.NodeType(n);

/** Visits every node in the tree, depth first. */
export function walk(n: Node, visit: (n: Node, type: string) => void): void {
  let nodes = preorder.get(n);
  if (!nodes) {
    const seen: Array<readonly [Node, string]> = [];
    syntax.Walk(n, (node) => {
      if (node) seen.push([node, nodeType(node)]);
      return true;
    });
    preorder.set(n, (nodes = seen));
  }
  for (const [node, type] of nodes) visit(node, type);
}

/** A node with its type and its byte range in the source (UTF-8 offsets, as the parser counts them). */
export interface Span {
  readonly node: Node;
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/** Every node of the tree with its range; ancestors of an offset are the spans that contain it. */
export function spansOf(file: Node): Span[] {
  let spans = spansByFile.get(file);
  if (!spans) {
    const out: Span[] = [];
    walk(file, (node, type) => out.push({ node, type, start: node.Pos().Offset(), end: node.End().Offset() }));
    spansByFile.set(file, (spans = out));
  }
  return [...spans];
}

// Operators as numbered by mvdan-sh 0.10.1 (pinned; test/unit/risk checks them through behaviour).
export const Redir = { out: 54, append: 55, in: 56, inOut: 57, dupIn: 58, dupOut: 59, clobber: 60, all: 64, appendAll: 65 } as const;
export const Pipe = { pipe: 12, pipeAll: 13 } as const;
/** `[[ a -eq b ]]` and friends: bash evaluates both operands as arithmetic (variables, subscripts, `$(…)`). */
export const ARITHMETIC_TESTS: ReadonlySet<number> = new Set([116, 117, 118, 119, 120, 121]);
/** `[[ -v name ]]` and `[[ -R name ]]` evaluate the name's subscript. */
export const NAME_TESTS: ReadonlySet<number> = new Set([110, 111]);
/** ParamExp `${x@P}`-style operators (@P runs prompt expansion, which runs command substitutions). */
export const PARAM_AT_OP = 84;

/**
 * A shell word: its text after quote removal; `dynamic` when any part is only known at run time (expansions,
 * substitutions, brace expansion, ANSI-C or locale quoting); `glob` when unquoted pattern characters may
 * turn it into other words (file names).
 */
export interface Word {
  text: string;
  dynamic: boolean;
  glob?: boolean;
}

function unescapeUnquoted(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}
function unescapeDouble(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

/** Unescaped `*` or `?`, or a `[…]` bracket, in unquoted text (a lone `[` is literal, as in `[ -f x ]`). */
function hasGlob(raw: string): boolean {
  return /(^|[^\\])(\\\\)*([*?]|\[.*\])/.test(raw);
}

/** `{a,b}` or `{1..3}` outside quotes: bash expands it into several words. */
function hasBraces(raw: string): boolean {
  return /(^|[^\\])(\\\\)*\{[^{}]*(,|\.\.)[^{}]*\}/.test(raw);
}

const words = new WeakMap<Node, Readonly<Word>>();

/** Renders a word; expansions show as `$X` / `$(…)` and make it dynamic. Read once per node, like the walk. */
export function wordOf(w: Node): Readonly<Word> {
  let word = words.get(w);
  if (!word) words.set(w, (word = Object.freeze(renderWord(w))));
  return word;
}

function renderWord(w: Node): Word {
  let text = '';
  let dynamic = false;
  let glob = false;
  const part = (p: Node, quoted: boolean): void => {
    switch (nodeType(p)) {
      case 'Lit':
        if (!quoted) {
          if (hasBraces(p.Value)) dynamic = true;
          if (hasGlob(p.Value)) glob = true;
        }
        text += quoted ? unescapeDouble(p.Value) : unescapeUnquoted(p.Value);
        break;
      case 'SglQuoted':
        // $'…' decodes escapes at run time (`$'\x2do'` is `-o`): never taken at face value.
        if (p.Dollar) dynamic = true;
        text += p.Value;
        break;
      case 'DblQuoted':
        // $"…" is translated through the locale catalogue.
        if (p.Dollar) dynamic = true;
        for (const q of p.Parts) part(q, true);
        break;
      case 'ParamExp':
        dynamic = true;
        text += p.Param ? `$${p.Param.Value}` : '$…';
        break;
      case 'CmdSubst':
        dynamic = true;
        text += '$(…)';
        break;
      case 'ProcSubst':
        // `<(cmd)` becomes a /dev/fd path chosen by bash, never an option; the command inside is judged on its own.
        text += '/dev/fd/…';
        break;
      default:
        dynamic = true;
        text += '…';
    }
  };
  for (const p of w.Parts) part(p, false);
  // `~/x` expands to the home folder: a fixed path, not an option.
  return glob ? { text, dynamic, glob } : { text, dynamic };
}

/** Every simple command anywhere in the text (pipelines, lists, `$(…)`), as words; null when it does not parse. */
export function commandWords(command: string): Word[][] | null {
  const parsed = parseShell(command);
  if (!parsed.ok) return null;
  const out: Word[][] = [];
  walk(parsed.file, (n, type) => {
    if (type === 'CallExpr' && n.Args.length > 0) out.push(n.Args.map(wordOf));
  });
  return out;
}
