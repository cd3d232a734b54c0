// Which names (environment variables, JSON/YAML keys, HTTP headers) hold secrets, judged by their words:
// `DB_PASSWORD`, `clientSecret`, `X-Api-Key` and `aws_secret_access_key` do; `token bucket`, `password_file`,
// `secretName` and `sort_key` do not (the last word says the value is about the secret, not the secret).

/** A word that makes the whole name secret, and the kind it is reported as. */
const SECRET_WORDS: Readonly<Record<string, string>> = {
  password: 'password',
  passwd: 'password',
  passphrase: 'password',
  secret: 'secret',
  secrets: 'secret',
  token: 'token',
  credential: 'credential',
  credentials: 'credential',
  creds: 'credential',
  apikey: 'api_key',
  auth: 'auth',
  authorization: 'authorization',
  cookie: 'cookie',
  dockerconfigjson: 'credential',
  dockercfg: 'credential',
};

/** Words that are secret only as part of a longer name: `DB_PASS` is, a test's `pass: 10` is not. */
const SECRET_IN_COMPOUND: Readonly<Record<string, string>> = { pass: 'password', pwd: 'password' };

/** `<word>_key` names that hold key material (a bare `key`, `sort_key` or `cache_key` does not). */
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'signing', 'encryption', 'master', 'ssh', 'client', 'tls', 'session', 'account', 'service', 'license', 'app', 'storage', 'shared', 'subscription']);

/** A last word that makes the value a reference to a secret, or a setting about one, rather than the secret. */
const ABOUT_WORDS = new Set([
  ...['name', 'names', 'ref', 'file', 'path', 'dir', 'type', 'id', 'length', 'policy', 'count', 'ttl', 'expiry', 'expires'],
  ...['url', 'uri', 'endpoint', 'host', 'server', 'enabled', 'mode', 'method', 'provider', 'source', 'header', 'format'],
  ...['version', 'algorithm', 'hash', 'user', 'username', 'realm', 'scope', 'scopes', 'issuer', 'audience', 'stdin'],
]);

/** Splits `clientSecret`, `X-Api-Key`, `aws.secret_access_key` into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Names seen recently and their kinds: outputs repeat the same few names (`password`, `user`, `REDACTED`). */
const seen = new Map<string, string | null>();

/** The kind of secret a name holds (`password`, `token`, …), or null when the name does not look secret. */
export function secretKindOfName(name: string): string | null {
  if (name.length > 100) return null;
  const known = seen.get(name);
  if (known !== undefined) return known;
  const kind = kindOfName(name);
  if (seen.size >= 4096) seen.clear();
  seen.set(name, kind);
  return kind;
}

function kindOfName(name: string): string | null {
  const words = nameWords(name);
  if (words.length === 0) return null;
  if (words.length > 1 && ABOUT_WORDS.has(words[words.length - 1]!)) return null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const kind = SECRET_WORDS[w] ?? (words.length > 1 ? SECRET_IN_COMPOUND[w] : undefined) ?? runTogether(w);
    if (kind) return kind;
    if (w === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)) return words[i - 1] === 'api' ? 'api_key' : `${words[i - 1]}_key`;
  }
  return null;
}

/** `PGPASSWORD`, `GITHUBTOKEN`: a secret word at the end of a run-together word (not `tokenizer`, `secretname`). */
function runTogether(word: string): string | undefined {
  const m = /(password|passwd|secret|token|apikey)$/.exec(word);
  return m ? SECRET_WORDS[m[1]!] : undefined;
}
