import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../../protocol/define';
import { checkIn, health } from '../../protocol/engine';
import { FromWebview, ToWebview } from '../../protocol/webview';

describe('protocol schemas', () => {
  it('accept the panel messages the webview sends', () => {
    expect(FromWebview.parse({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(FromWebview.parse({ type: 'checkIn', note: 'hi' })).toEqual({ type: 'checkIn', note: 'hi' });
  });

  it('reject unknown message types, missing fields, extra fields and oversized notes', () => {
    expect(FromWebview.safeParse({ type: 'runShell', command: 'rm -rf /' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'checkIn' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'ready', extra: 1 }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'checkIn', note: 'x'.repeat(201) }).success).toBe(false);
    expect(FromWebview.safeParse('ready').success).toBe(false);
  });

  it('refuse to send the webview a health message that lacks fields', () => {
    expect(ToWebview.safeParse({ type: 'health', health: { engineVersion: '0.1.0' } }).success).toBe(false);
  });

  it('name the failing field in parse errors', () => {
    expect(() => parseOrThrow(checkIn.params, { note: 7 }, 'check-in params')).toThrow(/^invalid check-in params: note: /);
    expect(() => parseOrThrow(health.params, { unexpected: true }, 'health params')).toThrow(/unexpected/);
  });
});
