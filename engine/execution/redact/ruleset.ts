// The maintained rule set: secretlint's recommended preset (@secretlint/secretlint-rule-preset-recommend, MIT),
// used as a list of scanners. Each rule is created once with a minimal context that only records what it reports
// (a message id and a range), and its `file` handler runs synchronously on the text. The rules' code comes from
// the package, bundled into dist/ by esbuild; nothing of it is copied here.
//
// Our data about the rules is a keyword table: the literal text every match of a rule contains (a token prefix
// such as `ghp_`), and how far a match can reach before and after it. A rule only runs when one of its keywords
// occurs, and only on windows around the occurrences, joined into one text. That keeps redaction linear on hostile
// input: several upstream patterns scan up to 10,000 characters from every candidate start, so the whole preset on
// 1 MB of `ghs_1_ghs_1_…` takes about a second (a full redaction of 1 MB of plain text: about 25 ms). A window holds at most
// PER_WINDOW occurrences and ends where the next one starts, so no start scans past its neighbours. A test checks
// that every scanner of the installed preset has an entry here, and that windows find what the whole text does.
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';

/** What a rule reports, as far as redaction needs it. */
interface Report {
  readonly message: { readonly messageId?: string } | string;
  readonly range: readonly [number, number];
}

interface Source {
  readonly content: string;
  readonly contentType: 'text';
  readonly ext: string;
  readonly filePath: undefined;
}

interface RuleContext {
  report(descriptor: Report): void;
  ignore(descriptor: Report): void;
  createTranslator(messages: unknown): (messageId: string) => { message: string; messageId: string; data: undefined };
}

interface RuleCreator {
  readonly meta: { readonly id: string; readonly type?: string };
  create(context: RuleContext, options: object): { file?(source: Source): unknown };
}

/** `[keyword, before, after, needs?]`: the keyword (matched case-insensitively), how many characters of context a
 *  match can take before it and after its end, and a character every match has after the keyword (the `@` of
 *  `user:password@host`), if any: an occurrence without one within reach is no candidate. */
type Keyword = readonly [text: string, before: number, after: number, needs?: string];

/**
 * Every scanner of the preset. `null`: the rule reads files by path or extension only (a `.p12` or a `.json` file)
 * and never fires on text without one.
 */
export const RULE_KEYWORDS: Readonly<Record<string, readonly Keyword[] | null>> = {
  '@secretlint/secretlint-rule-aws': [['secret', 8, 120]],
  '@secretlint/secretlint-rule-gcp': null,
  '@secretlint/secretlint-rule-privatekey': [['-----begin', 0, 10_200]],
  '@secretlint/secretlint-rule-npm': [['x-oauth-basic', 120, 40, '@'], ['npm_', 0, 40]],
  '@secretlint/secretlint-rule-basicauth': [
    ['http://', 0, 800, '@'],
    ['https://', 0, 800, '@'],
    ['ftp://', 0, 800, '@'],
    ['ftps://', 0, 800, '@'],
  ],
  '@secretlint/secretlint-rule-slack': [['xoxb-', 0, 400], ['xoxp-', 0, 400], ['xoxa-', 0, 400], ['xoxo-', 0, 400], ['xoxr-', 0, 400], ['xapp-', 0, 400], ['hooks.slack.com', 8, 140]],
  '@secretlint/secretlint-rule-sendgrid': [['sg.', 0, 400]],
  '@secretlint/secretlint-rule-shopify': [['shppa_', 0, 72], ['shpca_', 0, 72], ['shpat_', 0, 72], ['shpss_', 0, 72]],
  '@secretlint/secretlint-rule-stripe': [['sk_live_', 0, 110], ['sk_test_', 0, 110], ['rk_live_', 0, 110], ['rk_test_', 0, 110]],
  '@secretlint/secretlint-rule-github': [['ghp_', 0, 40], ['gho_', 0, 40], ['ghu_', 0, 40], ['ghr_', 0, 40], ['ghs_', 0, 12_100], ['github_pat_', 0, 90]],
  '@secretlint/secretlint-rule-gitlab': [['glpat-', 0, 140]],
  '@secretlint/secretlint-rule-grafana': [['glc_', 0, 410], ['glsa_', 0, 50]],
  // Every OpenAI key holds `T3BlbkFJ` (base64 of "OpenAI"); `sk-` alone is in every `task-` and `disk-`.
  '@secretlint/secretlint-rule-openai': [['t3blbkfj', 90, 80]],
  '@secretlint/secretlint-rule-anthropic': [['sk-ant-', 0, 150]],
  '@secretlint/secretlint-rule-groq': [['gsk_', 0, 60]],
  '@secretlint/secretlint-rule-huggingface': [['hf_', 0, 40]],
  '@secretlint/secretlint-rule-linear': [['lin_api_', 0, 140]],
  '@secretlint/secretlint-rule-notion': [['ntn_', 0, 60]],
  '@secretlint/secretlint-rule-1password': [['ops_', 0, 1_300]],
  // A connection string is reported only with a user and password, so with an `@`.
  '@secretlint/secretlint-rule-database-connection-string': [
    ['mongodb://', 0, 1_100, '@'],
    ['mongodb+srv://', 0, 1_100, '@'],
    ['mysql://', 6, 1_100, '@'],
    ['mysqlx://', 6, 1_100, '@'],
    ['postgres://', 0, 1_100, '@'],
    ['postgresql://', 0, 1_100, '@'],
  ],
  '@secretlint/secretlint-rule-hashicorp-vault': [['hvs.', 0, 130], ['hvb.', 0, 310], ['hvr.', 0, 130]],
  '@secretlint/secretlint-rule-vercel': [['vcp_', 0, 70], ['vci_', 0, 70], ['vca_', 0, 70], ['vcr_', 0, 70], ['vck_', 0, 70]],
  '@secretlint/secretlint-rule-databricks': [['dapi', 0, 40]],
  '@secretlint/secretlint-rule-docker': [['dckr_pat_', 0, 40]],
  '@secretlint/secretlint-rule-figma': [['figd_', 0, 210]],
  '@secretlint/secretlint-rule-cloudflare': [['cfk_', 0, 60], ['cfut_', 0, 60], ['cfat_', 0, 60]],
  '@secretlint/secretlint-rule-tailscale': [['tskey-', 0, 140]],
};

/** Rules left out on purpose: `filter-comments` obeys `secretlint-disable` comments, which in a tool's output would
 *  let the output switch redaction off. */
const EXCLUDED = new Set(['@secretlint/secretlint-rule-filter-comments']);

/** The kind shown in `[REDACTED:<kind>]`, where it should match the kinds of the hand-written passes. Other message
 *  ids become snake case (`ANTHROPIC_API_KEY` -> `anthropic_api_key`). */
const KINDS: Readonly<Record<string, string>> = {
  GITHUB_TOKEN: 'github_token',
  PackageJSON_xOauthToken: 'github_token',
  SLACK_TOKEN: 'slack_token',
  IncomingWebhook: 'slack_webhook',
  NPM_ACCESS_TOKEN: 'npm_token',
  Npmrc_authToken: 'npm_token',
  GITLAB_PERSONAL_ACCESS_TOKEN: 'gitlab_token',
  AWSSecretAccessKey: 'aws_secret_access_key',
  AWSAccessKeyID: 'aws_access_key_id',
  PrivateKey: 'private_key',
  PrivateKeyJSON: 'private_key',
  PrivateKeyP12: 'private_key',
  BasicAuth: 'password',
  MongoDBConnection: 'password',
  MySQLConnection: 'password',
  PostgreSQLConnection: 'password',
};

export function kindOfMessage(messageId: string): string {
  const known = KINDS[messageId];
  if (known) return known;
  if (messageId.startsWith('STRIPE_')) return 'stripe_key';
  if (messageId.startsWith('HASHICORP_VAULT_')) return 'vault_token';
  return messageId
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

interface Scanner {
  readonly id: string;
  readonly keywords: readonly Keyword[] | undefined;
  readonly file: (source: Source) => unknown;
}

/** A finding: the rule's message id and the range it reported. */
export interface Found {
  readonly messageId: string;
  readonly start: number;
  readonly end: number;
}

/** Where the scanner being run reports to; redaction is synchronous, so one sink is enough. */
let sink: Found[] = [];

const context: RuleContext = {
  report(d) {
    const messageId = typeof d.message === 'string' ? d.message : (d.message.messageId ?? '');
    sink.push({ messageId, start: d.range[0], end: d.range[1] });
  },
  ignore() {},
  // The message's data would hold the secret itself; only the id is kept.
  createTranslator: () => (messageId) => ({ message: messageId, messageId, data: undefined }),
};

const ALL_RULES = presetRules as unknown as readonly RuleCreator[];

const SCANNERS: readonly Scanner[] = ALL_RULES.filter((r) => r.meta.type !== 'filter' && !EXCLUDED.has(r.meta.id) && RULE_KEYWORDS[r.meta.id] !== null).map((r) => {
  const file = r.create(context, {}).file;
  return { id: r.meta.id, keywords: RULE_KEYWORDS[r.meta.id] ?? undefined, file: file ?? (() => undefined) };
});

/** The preset's rules as run here, for the README and tests. */
export function ruleSetInfo(): { preset: number; scanners: number; gated: number; excluded: string[]; inactive: string[] } {
  return {
    preset: ALL_RULES.length,
    scanners: SCANNERS.length,
    gated: SCANNERS.filter((s) => s.keywords).length,
    excluded: ALL_RULES.filter((r) => r.meta.type === 'filter' || EXCLUDED.has(r.meta.id)).map((r) => r.meta.id),
    inactive: ALL_RULES.filter((r) => RULE_KEYWORDS[r.meta.id] === null).map((r) => r.meta.id),
  };
}

/** The ids of the preset's scanners that have no entry in RULE_KEYWORDS (they run on the whole text). */
export function ungatedRules(): string[] {
  return SCANNERS.filter((s) => !s.keywords).map((s) => s.id);
}

// A keyword's presence is checked with one regex per scanner (a search for a few literals, about as fast as a
// plain scan); only the keywords present are then located one by one. A text without any keyword (most tool
// output) costs one scan of one regex made of all of them.
const escape = (k: string): string => k.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const ANY_KEYWORD = new RegExp([...new Set(SCANNERS.flatMap((s) => (s.keywords ?? []).map(([k]) => k)))].map(escape).join('|'));
const SCANNER_KEYWORD = SCANNERS.map((s) => (s.keywords ? new RegExp(s.keywords.map(([k]) => escape(k)).join('|')) : null));

/** A scanner's keyword occurrences, in order: where each is, and which of `keywords` it is (all the first one
 *  when `which` is null). */
interface Hits {
  readonly at: number[];
  readonly which: number[] | null;
  readonly keywords: readonly Keyword[];
}

/** Where each of the keywords occurs in `lower` (with what it needs within reach), merged in order. */
function hitsOf(keywords: readonly Keyword[], lower: string): Hits {
  const lists = keywords.map(([k, , after, needs]) => {
    const at: number[] = [];
    // The next `needs` character, found once and reused while it is ahead: linear however many occurrences.
    let next = -1;
    for (let i = lower.indexOf(k); i >= 0; i = lower.indexOf(k, i + k.length)) {
      if (needs) {
        if (next !== Infinity && next < i + k.length) {
          const n = lower.indexOf(needs, i + k.length);
          next = n < 0 ? Infinity : n;
        }
        if (next > i + k.length + after) continue;
      }
      at.push(i);
    }
    return at;
  });
  if (lists.length === 1) return { at: lists[0]!, which: null, keywords };
  const at: number[] = [];
  const which: number[] = [];
  const next = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let l = 0; l < lists.length; l++) {
      const i = next[l]!;
      if (i < lists[l]!.length && (best < 0 || lists[l]![i]! < lists[best]![next[best]!]!)) best = l;
    }
    if (best < 0) return { at, which, keywords };
    at.push(lists[best]![next[best]!]!);
    which.push(best);
    next[best]!++;
  }
}

/** At most this many keyword occurrences share a window. */
const PER_WINDOW = 16;
/** Matches cannot cross it: no rule's character classes take both a newline and a NUL. */
const SEP = '\n\u0000\n';

/**
 * The windows a scanner runs on, as [from, to) pairs: keyword occurrences with the context a match can take before
 * and after them. Nearby occurrences share a window, at most PER_WINDOW of them; where more crowd together the
 * window ends at the next one's keyword. So no start can scan past the occurrences that follow it, and the
 * windows add up to about the length of the text: 1 MB of `ghs_1_ghs_1_…` costs a few plain scans, not hundreds.
 */
function windowsFor(hits: Hits, length: number): number[] {
  const out: number[] = [];
  const { at, which, keywords } = hits;
  const kw = (i: number): Keyword => keywords[which ? which[i]! : 0]!;
  // One character before the keyword at least, so `(?<!\p{L})` and `\b` see what really precedes it.
  const before = (k: Keyword): number => Math.max(1, k[1]);
  let k = kw(0);
  let from = Math.max(0, at[0]! - before(k));
  let to = Math.min(length, at[0]! + k[0].length + k[2]);
  let count = 1;
  for (let i = 1; i < at.length; i++) {
    const prevEnd = at[i - 1]! + k[0].length;
    k = kw(i);
    const start = Math.max(0, at[i]! - before(k));
    const reach = Math.min(length, at[i]! + k[0].length + k[2]);
    if (start >= to) {
      out.push(from, to);
      from = start;
      to = reach;
      count = 1;
    } else if (count === PER_WINDOW) {
      out.push(from, Math.min(to, at[i]!));
      from = Math.max(start, prevEnd);
      to = reach;
      count = 1;
    } else {
      if (reach > to) to = reach;
      count++;
    }
  }
  out.push(from, to);
  return out;
}

function run(scanner: Scanner, content: string): Found[] {
  sink = [];
  try {
    const result = scanner.file({ content, contentType: 'text', ext: '', filePath: undefined });
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, () => undefined);
  } catch {
    // A rule that throws keeps what it reported before; the other passes still run.
  }
  const found = sink;
  sink = [];
  return found;
}

/** Runs a scanner on its windows, joined into one text, and maps what it reports back onto `text`. */
function scanWindows(scanner: Scanner, text: string, windows: readonly number[]): Found[] {
  const parts: string[] = [];
  const starts: number[] = [];
  let length = 0;
  for (let w = 0; w < windows.length; w += 2) {
    if (w > 0) length += SEP.length;
    starts.push(length);
    parts.push(text.slice(windows[w], windows[w + 1]));
    length += windows[w + 1]! - windows[w]!;
  }
  const out: Found[] = [];
  for (const f of run(scanner, parts.join(SEP))) {
    // The window the report starts in.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= f.start) lo = mid;
      else hi = mid - 1;
    }
    const from = windows[2 * lo]!;
    const offset = from - starts[lo]!;
    const end = Math.min(f.end, starts[lo]! + (windows[2 * lo + 1]! - from));
    if (end > f.start) out.push({ messageId: f.messageId, start: f.start + offset, end: end + offset });
  }
  return out;
}

/** Every finding of the rule set in `text`, in the text's coordinates. */
export function findSecrets(text: string): Found[] {
  // Keywords are ASCII and matched without case. Lower-casing can change the length of a few non-ASCII characters
  // (`İ`), which would move every position after them, so those texts lose their non-ASCII characters first.
  let lower = text.toLowerCase();
  if (lower.length !== text.length) lower = text.replace(/[^\x00-\x7f]/g, '\x7f').toLowerCase();
  const any = ANY_KEYWORD.test(lower);
  const found: Found[] = [];
  SCANNERS.forEach((scanner, i) => {
    if (!scanner.keywords) {
      for (const f of run(scanner, text)) found.push(f);
      return;
    }
    if (!any || !SCANNER_KEYWORD[i]!.test(lower)) return;
    const keywords = scanner.keywords.length === 1 ? scanner.keywords : scanner.keywords.filter(([k]) => lower.includes(k));
    const hits = hitsOf(keywords, lower);
    if (hits.at.length > 0) for (const f of scanWindows(scanner, text, windowsFor(hits, text.length))) found.push(f);
  });
  return found;
}

/** What the scanners report when each runs on the whole text, as secretlint itself runs them: the reference that
 *  the keyword windows must agree with (tests), and the slow path for hostile input. */
export function findSecretsInWholeText(text: string): Found[] {
  return SCANNERS.flatMap((scanner) => run(scanner, text));
}

/** The part of a finding to replace, and its kind; null when nothing in it should go. */
function narrow(text: string, f: Found): { start: number; end: number; kind: string } | null {
  const kind = kindOfMessage(f.messageId);
  const match = text.slice(f.start, f.end);
  switch (f.messageId) {
    case 'BasicAuth':
    case 'MongoDBConnection':
    case 'MySQLConnection':
    case 'PostgreSQLConnection': {
      // `scheme://user:password@host/db`: only the password goes, as with every URL (tokens.ts).
      const auth = match.indexOf('://');
      const at = match.lastIndexOf('@', nextOf(match, '/', auth + 3));
      const colon = match.indexOf(':', auth + 3);
      if (auth < 0 || at < 0 || colon < 0 || colon > at) return { start: f.start, end: f.end, kind };
      // GitHub's `TOKEN:x-oauth-basic@`: the password is a fixed word (the token is the npm rule's finding).
      if (match.slice(colon + 1, at).toLowerCase() === 'x-oauth-basic') return null;
      return colon + 1 < at ? { start: f.start + colon + 1, end: f.start + at, kind } : null;
    }
    case 'IncomingWebhook': {
      // Keep `https://hooks.slack.com/services/`: the path is the credential.
      const path = match.toLowerCase().indexOf('/services/');
      return path < 0 ? { start: f.start, end: f.end, kind } : { start: f.start + path + 10, end: f.end, kind };
    }
    case 'PackageJSON_xOauthToken': {
      // `https://TOKEN:x-oauth-basic@github.com/`: the token is the user. The rule reports the token's length from
      // the start of the URL, so the token is that many characters after the `://`.
      const auth = match.indexOf('://');
      const start = f.start + auth + 3;
      return auth < 0 ? { start: f.start, end: f.end, kind } : { start, end: start + (f.end - f.start), kind };
    }
    case 'AWSSecretAccessKey': {
      // The rule reports the key's length from the start of the whole match (`AWS_SECRET_ACCESS_KEY=…`) as well:
      // the key itself is the 40 characters after the separator.
      const m = AWS_KEY.exec(text.slice(f.start, f.end + 160));
      return m ? { start: f.start + m.index + m[0].length - 40, end: f.start + m.index + m[0].length, kind } : { start: f.start, end: f.end, kind };
    }
    default:
      return { start: f.start, end: f.end, kind };
  }
}

const AWS_KEY = /(?:=>|[:=])\s{0,80}["']?[A-Za-z0-9/+=]{40}/;

function nextOf(s: string, c: string, from: number): number {
  const i = s.indexOf(c, from);
  return i < 0 ? s.length : i;
}

const MARK = '[REDACTED:';

/**
 * Replaces what the rule set finds. A finding that overlaps an earlier redaction is left alone: the secret in it is
 * already gone (a connection string whose password was redacted, say), and the rest of it is what a reader needs.
 */
export function redactRuleSet(text: string): string {
  if (text.length < 8) return text;
  const found = findSecrets(text)
    .map((f) => narrow(text, f))
    .filter((r): r is { start: number; end: number; kind: string } => r !== null && r.end > r.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  if (found.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const r of found) {
    if (r.start < copied) continue;
    if (overlapsMark(text, r.start, r.end)) continue;
    out += text.slice(copied, r.start) + `${MARK}${r.kind}]`;
    copied = r.end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function overlapsMark(text: string, start: number, end: number): boolean {
  // A mark that starts before the range can still reach into it; kinds are short, so 64 characters back is enough.
  const from = Math.max(0, start - 64);
  const part = text.slice(from, end);
  for (let i = part.indexOf(MARK); i >= 0; i = part.indexOf(MARK, i + 1)) {
    const close = part.indexOf(']', i);
    if (close < 0 || from + close >= start) return true;
  }
  return false;
}
