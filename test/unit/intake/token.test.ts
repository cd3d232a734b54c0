import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateToken } from '../../../engine/control/intake';
import { tempDir } from '../../helpers/tmp';

describe('loadOrCreateToken', () => {
  it('creates a random token in a 0600 file, then reads the same one back', () => {
    const file = path.join(tempDir('rba-token-'), 'sub', 'intake.token');
    const first = loadOrCreateToken(file);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(file)).toEqual({ token: first.token, created: false });
    expect(loadOrCreateToken(path.join(path.dirname(file), 'other.token')).token).not.toBe(first.token);
  });

  it('refuses a file group or others can read, and says how to fix it', () => {
    const file = path.join(tempDir('rba-token-'), 'intake.token');
    fs.writeFileSync(file, 'a-token-that-is-long-enough\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => loadOrCreateToken(file)).toThrow(/mode 0644: group or others may read it.*chmod 600/);
    fs.chmodSync(file, 0o640);
    expect(() => loadOrCreateToken(file)).toThrow(/mode 0640/);
    fs.chmodSync(file, 0o600);
    expect(loadOrCreateToken(file).token).toBe('a-token-that-is-long-enough');
  });

  it('refuses an empty or short token instead of accepting anything', () => {
    const file = path.join(tempDir('rba-token-'), 'intake.token');
    fs.writeFileSync(file, '\n', { mode: 0o600 });
    expect(() => loadOrCreateToken(file)).toThrow(/holds no token/);
    fs.writeFileSync(file, 'short', { mode: 0o600 });
    expect(() => loadOrCreateToken(file)).toThrow(/shorter than 16/);
  });
});
