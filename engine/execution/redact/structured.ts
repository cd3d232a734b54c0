// Secrets found by where they sit rather than by how they look: `.netrc` and `.pgpass` lines, passwords on
// command lines (`mysql -uroot -pS3cret`, `psql --password hunter2`, `sshpass -p pw`), and the signature
// parameters of presigned URLs (S3, GCS, Azure SAS). The secret goes; the structure around it stays. Each pass
// reads a line once or matches bounded patterns that start at a fixed token, so every pass is linear.
import { notSecret } from './keyValue';
import { secretKindOfName } from './names';

const mark = (kind: string): string => `[REDACTED:${kind}]`;

/** Calls `fn(start, end)` for every line of `text`, without the line break. */
function forEachLine(text: string, fn: (start: number, end: number) => void): void {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    fn(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
  }
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly kind: string;
}

/** Replaces each span (in order, not overlapping) with its mark. */
function replaceSpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const s of spans) {
    out += text.slice(copied, s.start) + mark(s.kind);
    copied = s.end;
  }
  return out + text.slice(copied);
}

// --- .netrc ---------------------------------------------------------------------------------------------------------

/** `.netrc` keywords that take a value, and whether the value is secret. `default` takes none. */
const NETRC_KEYWORDS: ReadonlyMap<string, boolean> = new Map([
  ['machine', false],
  ['login', false],
  ['password', true],
  ['account', true],
  ['macdef', false],
]);

interface Token {
  readonly start: number;
  readonly end: number;
}

/** The whitespace-separated token of a line that starts at or after `i`; one in double quotes may hold spaces
 *  (`password "a b"`). Null at the end of the line. */
function tokenAt(text: string, i: number, end: number): Token | null {
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  if (i >= end) return null;
  const from = i;
  if (text[i] === '"') {
    i++;
    while (i < end && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i = Math.min(end, i + 1);
  } else {
    while (i < end && text[i] !== ' ' && text[i] !== '\t') i++;
  }
  return { start: from, end: i };
}

/** The keyword a token is, if it is one (keywords are short, so a long token is never sliced). */
function keywordOf(text: string, t: Token): string | undefined {
  if (t.end - t.start > 8) return undefined;
  const word = text.slice(t.start, t.end);
  return word === 'default' || NETRC_KEYWORDS.has(word) ? word : undefined;
}

function cutKeyword(text: string, t: Token): boolean {
  const word = text.slice(t.start, Math.min(t.end, t.start + 8));
  return [...NETRC_KEYWORDS.keys(), 'default'].some((k) => k.startsWith(word));
}

/** A line that may be `.netrc`: a `password` or `account` keyword standing as a word of its own. */
const NETRC_HINT = /(?:^|[ \t])(?:password|account)[ \t]/;

/**
 * `machine host login user password secret`, on one line or spread over several. A line counts only when it is
 * made of `.netrc` keywords and their values from start to end (a last keyword may lack its value), so
 * `password authentication failed for user x` (a log line) is left alone. Reading a line stops at its first word
 * that does not fit.
 */
export function redactNetrc(text: string): string {
  if (!text.includes('password') && !text.includes('account')) return text;
  const spans: Span[] = [];
  forEachLine(text, (start, end) => {
    if (!NETRC_HINT.test(text.slice(start, end))) return;
    const secret: Token[] = [];
    for (let word = tokenAt(text, start, end); word; ) {
      const keyword = keywordOf(text, word);
      if (keyword === 'default') {
        word = tokenAt(text, word.end, end);
        continue;
      }
      const value = tokenAt(text, word.end, end);
      // Output cut short: the last word may be the start of a keyword, or a keyword without its value.
      if (keyword === undefined && word.end === end && cutKeyword(text, word)) break;
      if (keyword === undefined || (value && keywordOf(text, value) !== undefined)) return;
      if (!value) break;
      if (NETRC_KEYWORDS.get(keyword)) secret.push(value);
      word = tokenAt(text, value.end, end);
    }
    for (const v of secret) {
      const quoted = text[v.start] === '"' && v.end - v.start > 1 && text[v.end - 1] === '"';
      if (!notSecret(text.slice(quoted ? v.start + 1 : v.start, quoted ? v.end - 1 : v.end))) spans.push({ start: v.start, end: v.end, kind: 'password' });
    }
  });
  return replaceSpans(text, spans);
}

// --- .pgpass --------------------------------------------------------------------------------------------------------

/** `host:port:database:user:` at the start of a line; `\:` and `\\` escape inside fields. The rest is the password. */
const PGPASS = /^((?:[^\s:\\]|\\.){1,255}):(\d{1,5}|\*):(?:[^\s:\\]|\\.){1,255}:(?:[^\s:\\]|\\.){1,255}:/;
/** A host name, `*`, an IP address or a socket directory; not a time of day. */
const PGPASS_HOST = /^(?:\*|\/[^:]*|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9_.-]*[A-Za-z.][A-Za-z0-9_.-]*)$/;

/** An IPv6 address written out in full has the same shape. */
const IPV6 = /^[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\S+)?(?:\/\d{1,3})?$/;

/** `db.internal:5432:orders:app:S3cr3t`: the fifth field, the rest of the line, is the password. */
export function redactPgpass(text: string): string {
  if (!text.includes(':')) return text;
  const spans: Span[] = [];
  forEachLine(text, (start, end) => {
    if (end - start < 9 || text[start] === '#') return;
    const line = text.slice(start, end);
    const m = PGPASS.exec(line);
    // An IPv6 host has its colons escaped: `\:\:1:5432:…`.
    if (!m || !PGPASS_HOST.test(m[1]!.replaceAll('\\:', ':')) || IPV6.test(line)) return;
    const password = line.slice(m[0].length);
    if (password.trim() !== '' && !notSecret(password.trim())) spans.push({ start: start + m[0].length, end, kind: 'password' });
  });
  return replaceSpans(text, spans);
}

// --- command lines --------------------------------------------------------------------------------------------------

/** A value after a flag: in double quotes, in single quotes (spaces allowed), or a bare word; one group each. */
const VALUE = String.raw`(?:"([^"\n]{0,1024})"|'([^'\n]{0,1024})'|([^\s"'|&;<>][^\s"']{0,1023}))`;

/**
 * `--password hunter2`, `-token abc`, `--client-secret "a b"`: a flag named like a secret and a separate value.
 * names.ts decides; the lookahead only skips flags without any of the words it could say yes to.
 */
const SECRET_FLAG = new RegExp(
  String.raw`(?<![^\s"'])--?(?=[A-Za-z0-9_.-]{0,60}?(?:pass|pwd|secret|token|cred|key|auth|cookie|dockerc))([A-Za-z][A-Za-z0-9_.-]{0,60})[ \t]+(?!-)${VALUE}`,
  'gi',
);

/** The mysql family takes its password glued to `-p`: `mysql -uroot -pS3cret`. */
const MYSQL_LINE = /^[^\n]*(?:mysql|mariadb)[^\n]*$/gm;
const MYSQL_COMMAND = /(?<![\w./-])(?:mysql[a-z]*|mariadb(?:-[a-z]+)?)(?![\w.-])/;
const MYSQL_P = /(?<=[ \t])-p(?:"([^"\n]{1,1024})"|'([^'\n]{1,1024})'|([^\s"']{1,1024}))/g;

/** `sshpass -p secret ssh host`. */
const SSHPASS = new RegExp(String.raw`(?<![\w-])sshpass[ \t]+-p[ \t]*${VALUE}`, 'g');

/** The match with its value (always at its end) replaced by the mark, inside the quotes when quoted. */
function markValue(match: string, dq: string | undefined, sq: string | undefined, bare: string | undefined, kind: string): string {
  const quoted = dq ?? sq;
  const value = quoted ?? bare ?? '';
  if (value === '' || notSecret(value)) return match;
  return quoted !== undefined ? `${match.slice(0, match.length - quoted.length - 1)}${mark(kind)}${match.slice(-1)}` : match.slice(0, match.length - value.length) + mark(kind);
}

/** Passwords given on a command line, as the command was shown or echoed into a log. */
export function redactCliPasswords(text: string): string {
  let out = text;
  if (out.includes('-')) {
    out = out.replace(SECRET_FLAG, (m: string, name: string, dq?: string, sq?: string, bare?: string) => {
      const kind = name.toLowerCase().startsWith('no-') ? null : secretKindOfName(name);
      return kind ? markValue(m, dq, sq, bare, kind) : m;
    });
  }
  if (out.includes('mysql') || out.includes('mariadb')) {
    out = out.replace(MYSQL_LINE, (line) => {
      const cmd = MYSQL_COMMAND.exec(line);
      if (!cmd) return line;
      const at = cmd.index + cmd[0].length;
      return line.slice(0, at) + line.slice(at).replace(MYSQL_P, (m: string, dq?: string, sq?: string, bare?: string) => markValue(m, dq, sq, bare, 'password'));
    });
  }
  if (out.includes('sshpass')) {
    out = out.replace(SSHPASS, (m: string, dq?: string, sq?: string, bare?: string) => markValue(m, dq, sq, bare, 'password'));
  }
  return out;
}

// --- presigned URLs -------------------------------------------------------------------------------------------------

/** Query parameters that carry a signature or credential: S3/AWS SigV4, GCS V4, Azure SAS (`sig`), CloudFront. */
const SIGNED_PARAM = /[?&;](sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)=([^&#\s"'<>\\]{1,8192})/gi;

function signedParamKind(name: string): string {
  const n = name.toLowerCase();
  if (n.endsWith('credential')) return 'credential';
  if (n.endsWith('token')) return 'token';
  return 'signature';
}

/** `…?X-Amz-Credential=…&X-Amz-Signature=…`, `…?sv=…&sig=…`: the URL stays readable, its signature goes. */
export function redactSignedUrlParams(text: string): string {
  if (!text.includes('=')) return text;
  const spans: Span[] = [];
  SIGNED_PARAM.lastIndex = 0;
  for (let m = SIGNED_PARAM.exec(text); m; m = SIGNED_PARAM.exec(text)) {
    const value = m[2]!;
    if (notSecret(value)) continue;
    const end = m.index + m[0].length;
    spans.push({ start: end - value.length, end, kind: signedParamKind(m[1]!) });
  }
  return replaceSpans(text, spans);
}
