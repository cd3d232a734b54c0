// `NAME=value`, `NAME: value`, `"name": "value"`, `'name' => 'value'` where NAME looks secret (see names.ts).
// Only the name and separator are matched by the regex; the value is read by hand, so a name that is not secret
// consumes nothing after itself and the next pair on the same line (`user=a password=b`) is still looked at.
import { secretKindOfName } from './names';

// `[REDACTED:kind]` marks left by earlier passes are not names: skipping them early matters when there are many.
const NAME_SEP = /(?<![A-Za-z0-9_.-])(?!REDACTED:)(["']?)([A-Za-z0-9_.-]{1,100})\1([ \t]{0,8}(=>|[:=])[ \t]{0,8})/g;

/**
 * Values that are not secrets even under a secret name: empty, booleans, masks, references to variables, marks
 * left by an earlier pass, and YAML block indicators (`password: |`: the block below is markup.ts's).
 */
const NOT_SECRET = /^(?:|null|nil|none|true|false|\*+|x+|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^<>]*>|\[REDACTED:.*|[|>](?:[1-9][+-]?|[+-][1-9]?)?)$/i;

/** Whether a value (already without its quotes) is a placeholder or a mark rather than a secret. */
export function notSecret(value: string): boolean {
  return NOT_SECRET.test(value.trim());
}

interface Value {
  /** Where reading stopped. */
  readonly end: number;
  /** The text to judge and replace, without quotes. */
  readonly inner: string;
  readonly innerStart: number;
}

export function redactKeyValues(text: string): string {
  let out = '';
  let copied = 0;
  // The end of the current line, found once per line: positions only grow, so a long line is scanned once.
  let eol = -1;
  NAME_SEP.lastIndex = 0;
  for (let m = NAME_SEP.exec(text); m; m = NAME_SEP.exec(text)) {
    const kind = secretKindOfName(m[2]!);
    if (!kind) continue;
    const at = NAME_SEP.lastIndex;
    if (eol < at) eol = endOfLine(text, at);
    // `-H "Authorization: Bearer x" url`: a pair inside a string ends where the string does.
    const before = m[1] === '' ? text[m.index - 1] : undefined;
    const inString = before === '"' || before === "'" ? before : undefined;
    // `NAME=value` is shell or logfmt: the value ends at whitespace. `name = value` (ini, properties, .my.cnf)
    // takes the rest of the line, so a password with spaces goes whole.
    const value = readValue(text, at, inString ? stringEnd(text, at, eol, inString) : eol, m[3] === '=');
    if (!value) continue;
    // Whatever was read is passed over, redacted or not: no character is read twice, so this stays linear.
    NAME_SEP.lastIndex = value.end;
    const replaced = replacement(kind, value.inner);
    if (replaced === null) continue;
    out += text.slice(copied, value.innerStart) + replaced;
    copied = value.innerStart + value.inner.length;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function replacement(kind: string, value: string): string | null {
  if (kind === 'authorization') {
    // Keep the scheme: "Bearer", "Basic" tell a reader what kind of credential was sent.
    const scheme = /^([A-Za-z][A-Za-z0-9-]{0,20}[ \t]+)(.*)$/.exec(value);
    if (scheme && !NOT_SECRET.test(scheme[2]!)) return `${scheme[1]}[REDACTED:authorization]`;
    if (scheme) return null;
  }
  // "auth: login ok for alice" is a log prefix; an auth value (docker's "auth": "dXNl…") is one word.
  if (kind === 'auth' && /\s/.test(value.trim())) return null;
  return NOT_SECRET.test(value.trim()) ? null : `[REDACTED:${kind}]`;
}

function readValue(text: string, at: number, lineEnd: number, equals: boolean): Value | null {
  const q = text[at];
  if (q === '"' || q === "'") {
    const close = closingQuote(text, at + 1, lineEnd, q);
    // An unclosed string (cut output, a multi-line value): everything up to the end of the line goes.
    const innerEnd = close >= 0 ? close : trimEnd(text, at + 1, lineEnd);
    return { end: close >= 0 ? close + 1 : lineEnd, inner: text.slice(at + 1, innerEnd), innerStart: at + 1 };
  }
  if (equals) {
    // Shell, logfmt and query strings: the value ends at whitespace, a quote or `&`.
    let end = at;
    while (end < lineEnd && !STOP_AFTER_EQUALS.test(text[end]!)) end++;
    return end > at ? { end, inner: text.slice(at, end), innerStart: at } : null;
  }
  // YAML and HTTP headers: the value is the rest of the line, less the quote closing a string it sits in
  // (`-H "Authorization: Bearer $TOKEN"`).
  const end = trimEnd(text, at, lineEnd);
  return end > at ? { end: lineEnd, inner: text.slice(at, end), innerStart: at } : null;
}

const STOP_AFTER_EQUALS = /[\s"'&]/;

function trimEnd(text: string, from: number, end: number): number {
  while (end > from && /[ \t"']/.test(text[end - 1]!)) end--;
  return end;
}

/** The closing quote before `lineEnd`, honouring backslash escapes; -1 if there is none. */
function closingQuote(text: string, from: number, lineEnd: number, q: string): number {
  for (let i = from; i < lineEnd; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === q) return i;
  }
  return -1;
}

function stringEnd(text: string, from: number, lineEnd: number, q: string): number {
  const close = closingQuote(text, from, lineEnd, q);
  return close >= 0 ? close : lineEnd;
}

function endOfLine(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (text[i] === '\n' || text[i] === '\r') return i;
  return text.length;
}
