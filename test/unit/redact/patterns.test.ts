import { describe, expect, it } from 'vitest';
import { redactText } from '../../../engine/execution/redact';

/** Builds token-shaped strings at run time, so the source holds no literal that looks like a live key. */
const fake = (prefix: string, n: number, alphabet = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz'): string =>
  prefix + Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join('');

describe('redactText: secrets by shape', () => {
  const cases: Array<[string, string, string]> = [
    ['AWS access key id', fake('AKIA', 16, 'ABCDEFGHJKLMNPQRSTUVWXYZ234567'), 'aws_access_key_id'],
    ['AWS temporary key id', fake('ASIA', 16, 'ABCDEFGHJKLMNPQRSTUVWXYZ234567'), 'aws_access_key_id'],
    ['GitHub classic token', fake('ghp_', 36), 'github_token'],
    ['GitHub OAuth token', fake('gho_', 36), 'github_token'],
    ['GitHub user-to-server token', fake('ghu_', 36), 'github_token'],
    ['GitHub server-to-server token', fake('ghs_', 36), 'github_token'],
    ['GitHub refresh token', fake('ghr_', 36), 'github_token'],
    ['GitHub fine-grained token', fake('github_pat_11', 70), 'github_token'],
    ['Slack bot token', fake('xoxb-1234567890-', 24), 'slack_token'],
    ['Slack user token', fake('xoxp-1234567890-', 24), 'slack_token'],
    ['Google API key', fake('AIza', 35), 'google_api_key'],
    ['OpenAI key', fake('sk-', 48), 'api_key'],
    ['OpenAI project key', fake('sk-proj-', 60), 'api_key'],
    ['Stripe live secret key', fake('sk_live_', 24), 'stripe_key'],
    ['Stripe restricted key', fake('rk_live_', 24), 'stripe_key'],
    ['GitLab token', fake('glpat-', 20), 'gitlab_token'],
    ['npm token', fake('npm_', 36), 'npm_token'],
    ['JWT', `${fake('eyJ', 20)}.${fake('eyJ', 30)}.${fake('', 43)}`, 'jwt'],
  ];
  for (const [what, secret, kind] of cases) {
    it(what, () => {
      const out = redactText(`before ${secret} after`);
      expect(out).toBe(`before [REDACTED:${kind}] after`);
    });
  }
});

describe('redactText: credentials in context', () => {
  it('keeps the Authorization scheme and drops the credential', () => {
    expect(redactText('Authorization: Basic dXNlcjpodW50ZXIy')).toBe('Authorization: Basic [REDACTED:authorization]');
    expect(redactText('Proxy-Authorization: Digest username="a", response="6629fae49393a05397450978507c4ef1"')).toMatch(
      /^Proxy-Authorization: Digest \[REDACTED:authorization\]"?$/,
    );
    expect(redactText('curl -H "Authorization: Bearer abc123def456ghi789jkl" https://x')).toBe('curl -H "Authorization: Bearer [REDACTED:bearer]" https://x');
    expect(redactText("curl -H 'X-Api-Key: k3y-value' https://x")).toBe("curl -H 'X-Api-Key: [REDACTED:api_key]' https://x");
    expect(redactText('authorization: 3f9a7c1e5b')).toBe('authorization: [REDACTED:authorization]');
  });

  it('redacts a bare bearer token but not the word after Bearer in prose', () => {
    expect(redactText('sent Bearer abc123def456ghi789')).toBe('sent Bearer [REDACTED:bearer]');
    expect(redactText('we use Bearer authentication and Bearer tokens')).toBe('we use Bearer authentication and Bearer tokens');
    expect(redactText('curl -H "Authorization: Bearer $TOKEN" https://x')).toBe('curl -H "Authorization: Bearer $TOKEN" https://x');
  });

  it('keeps the user of a URL and drops its password', () => {
    expect(redactText('redis://default:s3cr3t@cache:6379/0')).toBe('redis://default:[REDACTED:password]@cache:6379/0');
    expect(redactText('amqp://:only-pass@mq')).toBe('amqp://:[REDACTED:password]@mq');
    expect(redactText('GET http://host:8080/find?mail=a@b.com')).toBe('GET http://host:8080/find?mail=a@b.com');
    expect(redactText('https://user@host/path')).toBe('https://user@host/path');
  });

  it('redacts curl -u passwords but not uid:gid', () => {
    expect(redactText('curl -u admin:hunter22 https://x')).toBe('curl -u admin:[REDACTED:password] https://x');
    expect(redactText("curl --user 'admin:hunter22' https://x")).toBe("curl --user 'admin:[REDACTED:password]' https://x");
    expect(redactText('docker run -u 1000:1000 img')).toBe('docker run -u 1000:1000 img');
  });

  it('redacts env, YAML, JSON and logfmt values under secret names', () => {
    expect(redactText('export DB_PASSWORD=p4ss word')).toBe('export DB_PASSWORD=[REDACTED:password] word');
    expect(redactText('client_secret: abc def ghi')).toBe('client_secret: [REDACTED:secret]');
    expect(redactText('{"apiKey":"k-123","user":"bob"}')).toBe('{"apiKey":"[REDACTED:api_key]","user":"bob"}');
    expect(redactText("{'token': 'a\\'b', 'n': 1}")).toBe("{'token': '[REDACTED:token]', 'n': 1}");
    expect(redactText('user=a password=b token=c')).toBe('user=a password=[REDACTED:password] token=[REDACTED:token]');
    expect(redactText('GET /cb?code=1&access_token=zzz&state=x')).toBe('GET /cb?code=1&access_token=[REDACTED:token]&state=x');
    expect(redactText('--password=hunter2 --verbose')).toBe('--password=[REDACTED:password] --verbose');
    expect(redactText('MYSQL_PWD=abc')).toBe('MYSQL_PWD=[REDACTED:password]');
    expect(redactText('PGPASSWORD=abc')).toBe('PGPASSWORD=[REDACTED:password]');
    expect(redactText('signing_key = "k"')).toBe('signing_key = "[REDACTED:signing_key]"');
  });

  it('redacts the rest of the line when a quoted value is not closed on it', () => {
    expect(redactText('"password": "abc def\nnext: 1')).toBe('"password": "[REDACTED:password]\nnext: 1');
  });

  it('keeps the BEGIN and END lines of a private key and drops its body', () => {
    const key = ['-----BEGIN EC PRIVATE KEY-----', 'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oJZ1', 'oAoGCCqGSM49AwEHoUQDQgAE', '-----END EC PRIVATE KEY-----'].join('\n');
    expect(redactText(`x\n${key}\ny`)).toBe('x\n-----BEGIN EC PRIVATE KEY-----\n[REDACTED:private_key]\n-----END EC PRIVATE KEY-----\ny');
  });

  it('redacts the headers and body of an encrypted key', () => {
    const key = ['-----BEGIN RSA PRIVATE KEY-----', 'Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,3F17F5316E2BAC89', '', 'dGhpcyBpcyBub3QgYSBrZXk=', '-----END RSA PRIVATE KEY-----'].join('\n');
    const out = redactText(key);
    expect(out).not.toContain('dGhpcyBpcyBub3QgYSBrZXk=');
    expect(out).not.toContain('3F17F5316E2BAC89');
    expect(out).toContain('-----END RSA PRIVATE KEY-----');
  });

  it('redacts a key cut short by an output cap, up to the next ordinary line', () => {
    const out = redactText('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nMIIEvQIBADANBgkq\n$ next command');
    expect(out).toBe('-----BEGIN PRIVATE KEY-----\n[REDACTED:private_key]\n$ next command');
  });
});

describe('redactText: what stays', () => {
  const kept = [
    'commit 3f786850e387550fdab836ed7e6dc881de23001b',
    'short sha 3f78685 and sha256:9b2c7e4f1a8d3c6b0e5f2a9d7c4b1e8f3a6d0c9b2e5f8a1d4c7b0e3f6a9d2c5b',
    'uid 123e4567-e89b-12d3-a456-426614174000',
    'pod checkout-7d9f8b6c5-x2x9k in namespace payments',
    'rate limiter: token bucket empty, refill in 250ms',
    'ERROR password authentication failed for user "admin"',
    'Bearer authentication enabled',
    'secretName: payments-db',
    'valueFrom: secretKeyRef: {name: db, key: password}',
    'password_file: /run/secrets/db',
    'auth: login ok for user=alice',
    'sk-learn-compatible-estimator-wrapper',
    'task-runner-worker-pool-large started',
    'PWD=/srv/app OLDPWD=/srv',
    'key: app.kubernetes.io/name',
    'tokens_used=1234 max_tokens=4096',
    'password: null',
    'DB_PASSWORD=${DB_PASSWORD}',
    'api_key: <your-key-here>',
    'token: "********"',
    '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAL\n-----END CERTIFICATE-----',
    'https://example.com:8443/path',
  ];
  for (const line of kept) {
    it(line.split('\n')[0]!, () => expect(redactText(line)).toBe(line));
  }
});
