// Issue #15: a pasted text alert keeps the severity it states; before, only a lower-case `severity` line was
// read, and "CRITICAL: …", "Severity: Critical" or "[critical] …" came out as the default, warning.
import { describe, expect, it } from 'vitest';
import { normalizeAlertText } from '../../../engine/control/alert';

const severity = (text: string) => normalizeAlertText(text)[0]!.severity;

describe('the severity a pasted alert states', () => {
  it('is read from a severity line in any letter case, and the label keeps what was written', () => {
    expect(severity('DiskFull\nSeverity: Critical')).toBe('critical');
    expect(severity('DiskFull\nSEVERITY=warning')).toBe('warning');
    expect(normalizeAlertText('DiskFull\nSeverity: Critical')[0]!.labels).toEqual({ alertname: 'DiskFull', Severity: 'Critical' });
  });

  it('is read from a tag that opens the title', () => {
    expect(severity('CRITICAL: checkout is down')).toBe('critical');
    expect(severity('Critical - disk full on db-1')).toBe('critical');
    expect(severity('[critical] checkout down')).toBe('critical');
    expect(severity('(warning) queue is slow')).toBe('warning');
    expect(severity('P1: payments failing')).toBe('critical');
  });

  it('is read from the group at the end of an Alertmanager notification title, or a lone word in brackets', () => {
    expect(severity('[FIRING:1] DemoCheckoutDown (checkout critical)')).toBe('critical');
    expect(severity('checkout is down (critical)')).toBe('critical');
    const notification = ['[FIRING:1] DemoCheckoutDown (checkout critical)', 'Alerts Firing:', 'Labels:', ' - alertname = DemoCheckoutDown', ' - severity = critical'].join('\n');
    expect(severity(notification)).toBe('critical');
  });

  it('a severity line wins over the title', () => {
    expect(severity('CRITICAL: checkout is down\nseverity: info')).toBe('info');
  });

  it('is not guessed from words that describe the problem', () => {
    for (const text of ['High error rate on checkout', 'Error: checkout is down', 'Login page slow (see more info)', 'DemoCheckoutDown: checkout has no heartbeat', 'Checkout down\n\nThis is critical.']) {
      expect(severity(text), text).toBe('warning');
    }
  });

  it('still reads JSON that opens with a bracket as JSON', () => {
    expect(normalizeAlertText('[{"alertname":"A","severity":"critical"}]')[0]).toMatchObject({ severity: 'critical', labels: { alertname: 'A' } });
    expect(() => normalizeAlertText('[1, 2')).toThrow(/invalid JSON/);
  });
});
