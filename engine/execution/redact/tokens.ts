// Secrets recognisable by their own shape, wherever they appear. Every pattern starts only where a run of token
// characters starts (a lookbehind) and its repetitions are bounded, so a scan stays linear in the input.

export interface TokenPattern {
  readonly kind: string;
  readonly re: RegExp;
  /** Extra check on the match, for shapes ordinary words can also have. */
  readonly accept?: (match: string) => boolean;
}

const hasDigit = (s: string): boolean => /[0-9]/.test(s);

export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { kind: 'jwt', re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,8192}\.eyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{0,8192}/g },
  { kind: 'aws_access_key_id', re: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: 'github_token', re: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})/g },
  { kind: 'gitlab_token', re: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,255}/g },
  { kind: 'slack_token', re: /(?<![A-Za-z0-9_-])xox[abprs]-[A-Za-z0-9-]{10,255}/g },
  { kind: 'google_api_key', re: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}/g },
  { kind: 'stripe_key', re: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,255}/g },
  { kind: 'npm_token', re: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{30,255}/g },
  // `sk-learn-style-names` are words: a generated key always has digits among its letters.
  { kind: 'api_key', re: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,255}/g, accept: hasDigit },
  // Shapes the rule set (ruleset.ts) lacks: Google OAuth access tokens, and Vault tokens shorter than its 90
  // characters (`vault token create` and dev servers print `hvs.` and 24 characters).
  { kind: 'google_oauth_token', re: /(?<![A-Za-z0-9._-])ya29\.[A-Za-z0-9._-]{20,4096}/g },
  { kind: 'vault_token', re: /(?<![A-Za-z0-9._-])hv[sbr]\.[A-Za-z0-9_-]{24,512}/g },
];

/** A bearer token, not the word after "Bearer" in prose ("Bearer authentication"). */
export const BEARER = /(?<![A-Za-z0-9_-])(Bearer[ \t]{1,8})([A-Za-z0-9._~+/-]{1,8192}=*)/gi;

export function looksLikeToken(value: string): boolean {
  if (value.length < 8) return false;
  if (hasDigit(value)) return true;
  // Without digits only a long, mixed-up string: "Bearer token-based auth" is prose.
  return value.length >= 20 && /[a-z]/.test(value) && (/[A-Z]/.test(value) || /[._~+/=]/.test(value));
}

/** `curl -u user:password`, `--user user:password`; `-u 1000:1000` (uid:gid, as docker takes it) is no password, and
 *  `redis-cli -u redis://user:pw@host` is a URL (redactUrlPasswords keeps its user and host). */
export const USER_FLAG = /(?<=^|\s)((?:-[A-Za-z]{0,8}u|--user)(?:[ \t]{1,8}|=)(["']?)[^\s:"']{1,256}:)([^\s"']{1,1024})\2/g;

export function isUserFlagPassword(password: string): boolean {
  return !/^\d+$/.test(password) && !password.startsWith('//');
}

/** `scheme://user:` — the password, if any, is read by hand after it (see redactUrlPasswords). */
const URL_USER = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/([^\s:@/?#"'<>]{0,256}):/g;
const URL_PASSWORD_STOP = /[\s@"'<>]/g;
/** What ends the authority after an `@`; another `@` before it means the first one was part of the password. */
const AUTHORITY_END = /[\s@"'<>/?#]/g;

/** Digits (up to 5) then the end of the authority: `host:8080/path?mail=a@b` has a port, not a password. */
function isPort(text: string, from: number, stop: number): boolean {
  let i = from;
  while (i < stop && i - from < 6 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === from || i - from > 5) return false;
  return i === stop || text[i] === '/' || text[i] === '?' || text[i] === '#';
}

/**
 * `scheme://user:password@host`: the user stays, the password goes. A "password" of digits then `/` is a port
 * followed by a path with an `@` in it (`http://host:8080/?mail=a@b`). A password may hold `@` itself
 * (`https://u:p@ss@host/`): the userinfo ends at the last `@` before the host. In GitHub's
 * `https://TOKEN:x-oauth-basic@github.com/` the user is the token. The end of a password is searched for with
 * pointers that only move forward, so `a://a://a://…` costs linear time too.
 */
export function redactUrlPasswords(text: string): string {
  if (!text.includes('://')) return text;
  let out = '';
  let copied = 0;
  let stop = -1;
  URL_USER.lastIndex = 0;
  for (let m = URL_USER.exec(text); m; m = URL_USER.exec(text)) {
    const from = URL_USER.lastIndex;
    if (stop < from) {
      URL_PASSWORD_STOP.lastIndex = from;
      stop = URL_PASSWORD_STOP.exec(text)?.index ?? text.length;
    }
    if (text[stop] !== '@' || stop === from) continue;
    if (isPort(text, from, stop) || text.startsWith('[REDACTED:', from)) continue;
    let end = stop;
    for (;;) {
      AUTHORITY_END.lastIndex = end + 1;
      const next = AUTHORITY_END.exec(text);
      if (!next || next[0] !== '@') break;
      end = next.index;
    }
    const xOauth = end - from === 13 && text.slice(from, end).toLowerCase() === 'x-oauth-basic';
    const user = m[1]!;
    if (xOauth && user !== '' && !user.startsWith('[REDACTED:')) {
      out += text.slice(copied, from - 1 - user.length) + '[REDACTED:token]';
      copied = from - 1;
    } else if (!xOauth) {
      out += text.slice(copied, from) + '[REDACTED:password]';
      copied = end;
    }
    URL_USER.lastIndex = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
