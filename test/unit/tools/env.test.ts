import { describe, expect, it } from 'vitest';
import { CappedBuffer, utf8Boundary } from '../../../engine/execution/tools/capture';
import { looksSecretEnvName, scrubbedEnv } from '../../../engine/execution/tools/env';

describe('scrubbedEnv', () => {
  const source = { PATH: '/bin', HOME: '/home/a', LANG: 'C', EDITOR: 'vi', KUBECONFIG: '/k', VAULT_TOKEN: 't', AWS_SECRET_ACCESS_KEY: 's', TERM: 'xterm' };

  it('keeps the basics, adds listed names, and marks the environment', () => {
    expect(scrubbedEnv(source, ['KUBECONFIG', 'NOT_SET'])).toEqual({ PATH: '/bin', HOME: '/home/a', LANG: 'C', KUBECONFIG: '/k', TERM: 'dumb', RUNBOOK_AGENT: '1' });
  });

  it('never passes a secret-looking name, even when listed', () => {
    const env = scrubbedEnv(source, ['VAULT_TOKEN', 'AWS_SECRET_ACCESS_KEY']);
    expect(env).not.toHaveProperty('VAULT_TOKEN');
    expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
  });

  it('judges names without regard to case', () => {
    for (const n of ['github_token', 'DbPassword', 'MYSQL_PASSWD', 'ssh_key', 'GOOGLE_APPLICATION_CREDENTIALS', 'X_AUTH', 'npm_config__authToken', 'MYSQL_PWD']) expect(looksSecretEnvName(n), n).toBe(true);
    for (const n of ['KUBECONFIG', 'EDITOR', 'http_proxy', 'NODE_ENV', 'SSL_CERT_FILE']) expect(looksSecretEnvName(n), n).toBe(false);
  });
});

describe('CappedBuffer', () => {
  it('keeps the head up to the cap and flags the rest', () => {
    const b = new CappedBuffer(4);
    b.push(Buffer.from('ab'));
    expect(b.truncated).toBe(false);
    b.push(Buffer.from('cdef'));
    b.push(Buffer.from('gh'));
    expect(b.text()).toBe('abcd');
    expect(b.truncated).toBe(true);
  });

  it('drops a character cut in half at the cap', () => {
    const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
    expect(utf8Boundary(euro.subarray(0, 3))).toBe(1);
    expect(utf8Boundary(euro.subarray(0, 2))).toBe(1);
    expect(utf8Boundary(euro)).toBe(4);
    expect(utf8Boundary(Buffer.from('abc'))).toBe(3);
  });
});
