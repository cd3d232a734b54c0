import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../../protocol/define';
import { setTier } from '../../protocol/agent';
import { health } from '../../protocol/engine';
import { FromWebview, ToWebview } from '../../protocol/webview';

describe('protocol schemas', () => {
  it('accept the panel messages the webview sends', () => {
    expect(FromWebview.parse({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(FromWebview.parse({ type: 'select', id: 'wf-1' })).toEqual({ type: 'select', id: 'wf-1' });
    expect(FromWebview.parse({ type: 'cancel', id: 'wf-1', note: 'false alarm' })).toEqual({ type: 'cancel', id: 'wf-1', note: 'false alarm' });
  });

  it('reject unknown message types, missing fields, extra fields and oversized notes', () => {
    expect(FromWebview.safeParse({ type: 'runShell', command: 'rm -rf /' }).success).toBe(false);
    // The developer-only check-in button is gone, and so is its message.
    expect(FromWebview.safeParse({ type: 'checkIn', note: 'hi' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'select' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'ready', extra: 1 }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'cancel', id: 'wf-1', note: 'x'.repeat(2001) }).success).toBe(false);
    expect(FromWebview.safeParse('ready').success).toBe(false);
  });

  it('refuse to send the webview a health message that lacks fields', () => {
    expect(ToWebview.safeParse({ type: 'health', health: { engineVersion: '0.1.0' } }).success).toBe(false);
  });

  it('name the failing field in parse errors', () => {
    expect(() => parseOrThrow(setTier.params, { workspace: 7, tier: 'read-only' }, 'tier params')).toThrow(/^invalid tier params: workspace: /);
    expect(() => parseOrThrow(health.params, { unexpected: true }, 'health params')).toThrow(/unexpected/);
  });
});
