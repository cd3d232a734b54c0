// Secret redaction for everything a tool returns: outputs are stored, shown on cards and sent to models, so a
// token printed by `env` or `kubectl get secret -o yaml` must not travel further. Secrets become
// `[REDACTED:<kind>]`; the text around them stays. Every pass is linear in the input. The passes run in order:
// private keys; token shapes and credentials in context (tokens.ts); secrets in known structures (structured.ts:
// presigned URLs, .netrc, .pgpass, command-line passwords; markup.ts: XML, YAML block scalars); values under
// secret names (keyValue.ts); and last the maintained rule set (ruleset.ts, secretlint's recommended preset) for
// the token shapes the passes before did not know. README.md in this folder has the table of files.
import { redactKeyValues } from './keyValue';
import { redactXml, redactYamlBlocks } from './markup';
import { secretKindOfName } from './names';
import { redactPem } from './pem';
import { redactRuleSet } from './ruleset';
import { redactCliPasswords, redactNetrc, redactPgpass, redactSignedUrlParams } from './structured';
import { BEARER, isUserFlagPassword, looksLikeToken, redactUrlPasswords, TOKEN_PATTERNS, USER_FLAG } from './tokens';

export { secretKindOfName } from './names';

export function redactText(text: string): string {
  if (text.length === 0) return text;
  let out = redactPem(text);
  for (const p of TOKEN_PATTERNS) {
    p.re.lastIndex = 0;
    out = out.replace(p.re, (m) => (p.accept && !p.accept(m) ? m : `[REDACTED:${p.kind}]`));
  }
  BEARER.lastIndex = 0;
  out = out.replace(BEARER, (m, prefix: string, token: string) => (looksLikeToken(token) ? `${prefix}[REDACTED:bearer]` : m));
  USER_FLAG.lastIndex = 0;
  out = out.replace(USER_FLAG, (m, head: string, q: string, pass: string) => (isUserFlagPassword(pass) ? `${head}[REDACTED:password]${q}` : m));
  out = redactSignedUrlParams(redactUrlPasswords(out));
  out = redactCliPasswords(redactPgpass(redactNetrc(out)));
  out = redactYamlBlocks(redactXml(out));
  return redactRuleSet(redactKeyValues(out));
}

/**
 * Redacts every string inside a JSON-like value. A property whose name looks secret loses its whole value
 * (a string or number), whatever it looks like. Objects other than plain ones and arrays are returned as they are.
 */
export function redactValue(value: unknown): unknown {
  return walk(value, new WeakSet());
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (Array.isArray(value)) {
    seen.add(value);
    const out = value.map((v) => walk(v, seen));
    seen.delete(value);
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  // fromEntries defines own properties, so a `__proto__` key stays data and never becomes the prototype.
  const out = Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const kind = secretKindOfName(k);
      return [k, kind && (typeof v === 'string' || typeof v === 'number') && v !== '' ? `[REDACTED:${kind}]` : walk(v, seen)];
    }),
  );
  seen.delete(value);
  return out;
}
