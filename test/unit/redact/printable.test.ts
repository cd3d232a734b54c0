import { describe, expect, it } from 'vitest';
import { printable, printableValue } from '../../../engine/execution/redact/printable';

describe('printable', () => {
  it('shows terminal escapes, bidirectional overrides and zero-width marks as escapes, and keeps newlines and tabs', () => {
    expect(printable('pod\u001b]0;owned\u0007\u001b[2J')).toBe('pod\\u001b]0;owned\\u0007\\u001b[2J');
    expect(printable('rm \u202etxt.exe')).toBe('rm \\u202etxt.exe');
    expect(printable('a\u200bb\u0085c\u007f')).toBe('a\\u200bb\\u0085c\\u007f');
    expect(printable('line 1\n\tline 2 é 漢')).toBe('line 1\n\tline 2 é 漢');
  });

  it('walks values, keys included, and keeps JSON text valid', () => {
    expect(printableValue({ 'la\u001bbel': ['v\u001b[31m', 3, null] })).toEqual({ 'la\\u001bbel': ['v\\u001b[31m', 3, null] });
    const json = JSON.stringify({ title: 'x\u202ey' });
    expect(JSON.parse(printable(json))).toEqual({ title: 'x\u202ey' });
  });
});
