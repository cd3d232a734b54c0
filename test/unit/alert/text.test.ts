// Alert text pasted by a person.
import { describe, expect, it } from 'vitest';
import { InvalidAlert, normalizeAlertText } from '../../../engine/control/alert';

describe('pasted alert text', () => {
  it('reads a title, labels from key=value and key: value lines, and a body', () => {
    const [a] = normalizeAlertText(['', '  DemoCheckoutDown: checkout has no heartbeat', 'service=checkout', 'severity: critical', '- namespace = shop', '', 'Customers cannot pay.', 'See https://example.com/x'].join('\n'));
    expect(a).toMatchObject({
      source: 'text',
      title: 'DemoCheckoutDown: checkout has no heartbeat',
      severity: 'critical',
      labels: { alertname: 'DemoCheckoutDown', service: 'checkout', severity: 'critical', namespace: 'shop' },
      body: 'Customers cannot pay.\nSee https://example.com/x',
      status: 'firing',
    });
    expect(a!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('takes the status from an Alertmanager notification prefix, and alertname only from a CamelCase word', () => {
    expect(normalizeAlertText('[RESOLVED] KubePodCrashLooping (shop)')[0]).toMatchObject({ status: 'resolved', title: 'KubePodCrashLooping (shop)', labels: { alertname: 'KubePodCrashLooping' } });
    expect(normalizeAlertText('Checkout is down again')[0]!.labels).toEqual({});
    expect(normalizeAlertText('etcdMembersDown')[0]!.labels.alertname).toBe('etcdMembersDown');
    expect(normalizeAlertText('Disk full\nalertname=DiskFull')[0]!.labels.alertname).toBe('DiskFull');
  });

  it('keeps hostile values as data and ignores keys that are not label names', () => {
    const [a] = normalizeAlertText('PodDown\npod=$(rm -rf /)\nx-y=1\n`id`: 2');
    expect(a!.labels).toEqual({ alertname: 'PodDown', pod: '$(rm -rf /)' });
    expect(a!.body).toBe('x-y=1\n`id`: 2');
  });

  it('refuses empty text and a title past the limit', () => {
    expect(() => normalizeAlertText('')).toThrow(InvalidAlert);
    expect(() => normalizeAlertText(' \n\t\n')).toThrow(/empty/);
    expect(() => normalizeAlertText('x'.repeat(600))).toThrow(/title/);
    expect(() => normalizeAlertText(`A\npod=${'p'.repeat(2001)}`)).toThrow(/labels\.pod/);
  });
});
