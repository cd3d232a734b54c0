// The vector selectors in a PromQL expression: `metric{label="value", …}`, `metric`, `{__name__=~"…"}`, and
// Prometheus 3's quoted names (`{"my.metric", job="x"}`). A small tokenizer, not a parser: it knows enough of
// the grammar to tell a metric from a function, an aggregation, a keyword, a label list (`by (…)`, `on (…)`,
// `group_left (…)`), a range or subquery (`[5m]`, `[1h:5m]`), an `offset` or an `@` modifier, a string and a
// comment. What it cannot read (an unterminated string, a matcher without a value) is skipped, never guessed.

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  /** The label name (unquoted). */
  readonly label: string;
  readonly op: MatchOp;
  /** The value, unescaped. */
  readonly value: string;
}

export interface Selector {
  /** The metric name, when the selector names one (`__name__="x"` counts); null for `{__name__=~"…"}` and the like. */
  readonly metric: string | null;
  readonly matchers: readonly Matcher[];
  /** The selector as a query on its own: the original spelling of its name and each matcher, without ranges or modifiers. */
  readonly text: string;
}

type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'op';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
// Numbers, hex, floats with exponents, and durations (5m, 1h30m, 250ms): a number followed by unit letters.
const NUMBER = /(?:0[xX][0-9a-fA-F]+|(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?:[a-zA-Z]+\d*)*/y;
const OPS = ['==', '!=', '=~', '!~', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '^', '@', ':'];

/** Tokens of `expr`; comments and whitespace dropped. Throws on an unterminated string or an unknown character. */
export function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) {
        if (expr[j] === '\\' && c !== '`') j++;
        if (expr[j] === '\n' && c !== '`') throw new Error(`unterminated string at ${i}`);
        j++;
      }
      if (j >= expr.length) throw new Error(`unterminated string at ${i}`);
      out.push({ kind: 'string', text: expr.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(expr[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(expr)!;
      out.push({ kind: 'number', text: m[0] });
      i += m[0].length;
      continue;
    }
    IDENT.lastIndex = i;
    const id = IDENT.exec(expr);
    if (id) {
      out.push({ kind: 'ident', text: id[0] });
      i += id[0].length;
      continue;
    }
    if ('(){}[],'.includes(c)) {
      out.push({ kind: 'punct', text: c });
      i++;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op });
      i += op.length;
      continue;
    }
    throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return out;
}

/** Aggregation operators: `sum by (x) (…)` and `sum (…) without (x)` are not metrics. */
const AGGREGATIONS = new Set(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);
/** Keywords followed by a label list in parentheses. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Keywords and literals that are never a metric. */
const WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);
const MATCH_OPS = new Set<string>(['=', '!=', '=~', '!~']);

/** Unescapes a PromQL string token (double or single quotes take Go escapes; backticks are raw). */
export function unquote(token: string): string {
  const q = token[0];
  const body = token.slice(1, -1);
  if (q === '`') return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'u':
      case 'U':
      case 'x':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        return /^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}

/**
 * The distinct vector selectors of `expr`, in order of appearance. Throws only when the text cannot be
 * tokenized at all (an unterminated string); a selector it cannot read is left out.
 */
export function promqlSelectors(expr: string): Selector[] {
  const t = tokenize(expr);
  const found: Selector[] = [];
  const seen = new Set<string>();
  const add = (s: Selector | null) => {
    if (s && !seen.has(s.text)) {
      seen.add(s.text);
      found.push(s);
    }
  };
  const is = (k: number, text: string) => t[k]?.text === text && t[k]!.kind !== 'string';
  /** The index after the bracket that closes the one at `k`. */
  const skipGroup = (k: number, open: string, close: string): number => {
    let depth = 0;
    for (let j = k; j < t.length; j++) {
      if (t[j]!.kind === 'string') continue;
      if (t[j]!.text === open) depth++;
      else if (t[j]!.text === close && --depth === 0) return j + 1;
    }
    return t.length;
  };

  let k = 0;
  while (k < t.length) {
    const tok = t[k]!;
    if (tok.kind === 'punct' && tok.text === '[') {
      k = skipGroup(k, '[', ']'); // a range or subquery: durations only
      continue;
    }
    if (tok.kind === 'op' && tok.text === '@') {
      k += t[k + 1]?.kind === 'number' ? 2 : 1; // `@ 1609746000`; `@ start()` is read as a function
      continue;
    }
    if (tok.kind === 'punct' && tok.text === '{') {
      const { selector, next } = readMatchers(t, k, null);
      add(selector);
      k = next;
      continue;
    }
    if (tok.kind !== 'ident') {
      k++;
      continue;
    }
    const word = tok.text.toLowerCase();
    if (LABEL_LISTS.has(word)) {
      k = is(k + 1, '(') ? skipGroup(k + 1, '(', ')') : k + 1;
      continue;
    }
    if (word === 'offset') {
      k += is(k + 1, '-') ? 3 : 2;
      continue;
    }
    if (WORDS.has(word)) {
      k++;
      continue;
    }
    if (is(k + 1, '(')) {
      k++; // a function or an aggregation: its arguments are read as they come
      continue;
    }
    if (AGGREGATIONS.has(word) && (t[k + 1]?.kind === 'ident' && LABEL_LISTS.has(t[k + 1]!.text.toLowerCase()))) {
      k++; // `sum by (x) (…)`
      continue;
    }
    if (is(k + 1, '{')) {
      const { selector, next } = readMatchers(t, k + 1, tok.text);
      add(selector);
      k = next;
      continue;
    }
    add({ metric: tok.text, matchers: [], text: tok.text });
    k++;
  }
  return found;
}

/** Reads `{…}` starting at the `{` at `open`; a selector that does not read cleanly is null. */
function readMatchers(t: readonly Token[], open: number, metric: string | null): { selector: Selector | null; next: number } {
  const matchers: Matcher[] = [];
  const parts: string[] = [];
  let name = metric;
  let nameText = metric ?? '';
  let k = open + 1;
  const bail = (): { selector: null; next: number } => {
    let depth = 1;
    for (let j = open + 1; j < t.length; j++) {
      if (t[j]!.kind === 'string') continue;
      if (t[j]!.text === '{') depth++;
      else if (t[j]!.text === '}' && --depth === 0) return { selector: null, next: j + 1 };
    }
    return { selector: null, next: t.length };
  };
  while (k < t.length) {
    const tok = t[k]!;
    if (tok.kind === 'punct' && tok.text === '}') {
      k++;
      break;
    }
    if (tok.kind !== 'ident' && tok.kind !== 'string') return bail();
    const opTok = t[k + 1];
    if (opTok && opTok.kind === 'op' && MATCH_OPS.has(opTok.text)) {
      const valueTok = t[k + 2];
      if (!valueTok || valueTok.kind !== 'string') return bail();
      const label = tok.kind === 'string' ? unquote(tok.text) : tok.text;
      const m: Matcher = { label, op: opTok.text as MatchOp, value: unquote(valueTok.text) };
      if (label === '__name__' && m.op === '=' && name === null) {
        name = m.value;
        nameText = '';
      }
      matchers.push(m);
      parts.push(`${tok.text}${opTok.text}${valueTok.text}`);
      k += 3;
    } else if (tok.kind === 'string' && name === null && matchers.length === 0 && parts.length === 0) {
      name = unquote(tok.text); // Prometheus 3: {"my.metric", …}
      parts.push(tok.text);
      k += 1;
    } else {
      return bail();
    }
    if (t[k]?.kind === 'punct' && t[k]!.text === ',') k++;
    else if (!(t[k]?.kind === 'punct' && t[k]!.text === '}')) return bail();
  }
  if (name === null && matchers.length === 0) return { selector: null, next: k }; // `{}` selects nothing
  return { selector: { metric: name, matchers, text: `${nameText}{${parts.join(',')}}` }, next: k };
}
