import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, lineRange, shortVersion } from '../../../webview/format';

describe('formatDuration', () => {
  it('uses the unit a person compares at each scale', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(420.4)).toBe('420 ms');
    expect(formatDuration(4_240)).toBe('4.2 s');
    expect(formatDuration(38_000)).toBe('38 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });

  it('rounds once, so a value just below a unit boundary never reads as "1000 ms" or "60 s"', () => {
    expect(formatDuration(999.7)).toBe('1.0 s');
    expect(formatDuration(9_960)).toBe('10 s');
    expect(formatDuration(59_600)).toBe('1 min 00 s');
  });

  it('says nothing false about impossible values', () => {
    expect(formatDuration(-5)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('formatAge', () => {
  const now = Date.parse('2026-11-24T06:00:00Z');
  it('counts back from now', () => {
    expect(formatAge('2026-11-24T05:59:55Z', now)).toBe('just now');
    expect(formatAge('2026-11-24T05:59:18Z', now)).toBe('42 s ago');
    expect(formatAge('2026-11-24T05:55:00Z', now)).toBe('5 min ago');
    expect(formatAge('2026-11-23T06:00:00Z', now)).toBe('24 h ago');
    expect(formatAge('2026-11-20T06:00:00Z', now)).toBe('4 d ago');
  });

  it('treats clock skew (a time slightly ahead) as now, and bad input as unknown', () => {
    expect(formatAge('2026-11-24T06:00:03Z', now)).toBe('just now');
    expect(formatAge('yesterday', now)).toBe('');
  });
});

describe('shortVersion and lineRange', () => {
  it('shortens a content hash with or without its algorithm prefix', () => {
    expect(shortVersion('sha256:0123456789abcdef')).toBe('01234567');
    expect(shortVersion('abcdef0123456789')).toBe('abcdef01');
  });

  it('writes a one-line range as one number', () => {
    expect(lineRange(12, 20)).toBe('12–20');
    expect(lineRange(7, 7)).toBe('7');
  });
});
