import { describe, expect, it } from 'vitest';
import { redactValue } from '../../../engine/execution/redact';

describe('redactValue', () => {
  it('replaces the whole value of a secret-named property, whatever it looks like', () => {
    const out = redactValue({ Authorization: 'abc', password: 'x', api_key: 'short', clientSecret: 42, token: '', user: 'bob' });
    expect(out).toEqual({
      Authorization: '[REDACTED:authorization]',
      password: '[REDACTED:password]',
      api_key: '[REDACTED:api_key]',
      clientSecret: '[REDACTED:secret]',
      token: '',
      user: 'bob',
    });
  });

  it('walks arrays and nested objects, redacting text inside strings', () => {
    const input = { items: [{ env: ['A=1', 'DB_PASSWORD=pw'] }, 'see postgres://u:pw2@db/x'], count: 3, ok: true, none: null };
    expect(redactValue(input)).toEqual({
      items: [{ env: ['A=1', 'DB_PASSWORD=[REDACTED:password]'] }, 'see postgres://u:[REDACTED:password]@db/x'],
      count: 3,
      ok: true,
      none: null,
    });
  });

  it('recurses into a secret-named object rather than dropping it', () => {
    expect(redactValue({ credentials: { username: 'bob', password: 'pw' } })).toEqual({ credentials: { username: 'bob', password: '[REDACTED:password]' } });
  });

  it('leaves the input untouched', () => {
    const input = { password: 'pw', list: ['token=abc'] };
    redactValue(input);
    expect(input).toEqual({ password: 'pw', list: ['token=abc'] });
  });

  it('survives cycles and keeps a __proto__ key as data', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactValue(a)).toEqual({ name: 'a', self: '[Circular]' });
    const parsed = JSON.parse('{"__proto__": {"password": "pw"}}') as unknown;
    const out = redactValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ password: '[REDACTED:password]' });
  });

  it('returns primitives and non-plain objects as they are', () => {
    const date = new Date(0);
    expect(redactValue(date)).toBe(date);
    expect(redactValue(7)).toBe(7);
    expect(redactValue(undefined)).toBe(undefined);
  });
});
