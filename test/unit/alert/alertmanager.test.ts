// Alertmanager webhook payloads (version 4) -> canonical alerts: the demo alerts, the documented shape, resolved
// alerts, missing fingerprints and re-sends.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidAlert, labelsFingerprint, normalizeAlerts, normalizeAlertText } from '../../../engine/control/alert';
import { AlertRequest } from '../../../engine/control/workflow/request';

const ALERTS = path.resolve(__dirname, '..', '..', '..', 'examples', 'demo-workspace', 'alerts');
const demo = (name: string) => JSON.parse(fs.readFileSync(path.join(ALERTS, name), 'utf8')) as unknown;

/** The payload shape from Alertmanager's webhook_config documentation, two alerts in one group. */
function docsPayload() {
  return {
    version: '4',
    groupKey: '{}:{alertname="InstanceDown"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'team-x',
    groupLabels: { alertname: 'InstanceDown' },
    commonLabels: { alertname: 'InstanceDown', job: 'node' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'InstanceDown', instance: 'a:9100', job: 'node', severity: 'page' },
        annotations: { summary: 'Instance a:9100 down', description: 'a:9100 of job node has been down for more than 5 minutes.' },
        startsAt: '2026-11-24T03:00:00.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1',
        fingerprint: 'b1c2d3e4f5a60718',
      },
      {
        status: 'resolved',
        labels: { alertname: 'InstanceDown', instance: 'b:9100', job: 'node', severity: 'none' },
        annotations: {},
        startsAt: '2026-11-24T02:00:00.000Z',
        endsAt: '2026-11-24T02:30:00.000Z',
        generatorURL: '',
      },
    ],
  };
}

describe('Alertmanager webhook payloads', () => {
  it('normalises the demo alerts into exactly the canonical fields', () => {
    const [down] = normalizeAlerts(demo('checkout-down.json'));
    expect(down).toEqual({
      source: 'alertmanager',
      title: 'Checkout service is down',
      severity: 'critical',
      labels: { alertname: 'DemoCheckoutDown', service: 'checkout', severity: 'critical' },
      annotations: { summary: 'Checkout service is down', description: 'No heartbeat from services/checkout for more than a minute.' },
      body: 'No heartbeat from services/checkout for more than a minute.',
      fingerprint: 'a1b2c3d4e5f60718',
      status: 'firing',
      startsAt: '2026-11-24T03:05:00Z',
      idempotencyKey: 'alert:a1b2c3d4e5f60718:2026-11-24T03:05:00Z',
    });
    const [logs] = normalizeAlerts(demo('log-volume-filling-up.json'));
    expect(logs!.severity).toBe('warning');
    expect(logs!.labels.threshold_mb).toBe('10');
    expect(logs!.annotations.runbook_url).toBe('runbooks/log-volume-filling-up.md');
    expect(AlertRequest.parse(logs)).toEqual(logs);
  });

  it('maps each alert of the documented shape, including a resolved one without a fingerprint', () => {
    const out = normalizeAlerts(docsPayload());
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ title: 'Instance a:9100 down', severity: 'critical', status: 'firing', generatorURL: expect.stringContaining('g0.expr=') });
    const resolved = out[1]!;
    expect(resolved.status).toBe('resolved');
    expect(resolved.title).toBe('InstanceDown');
    expect(resolved.severity).toBe('info');
    expect(resolved.body).toBe('');
    expect(resolved.generatorURL).toBeUndefined();
    expect(resolved.fingerprint).toBe(labelsFingerprint({ alertname: 'InstanceDown', instance: 'b:9100', job: 'node', severity: 'none' }));
    expect(resolved.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // The hash does not depend on key order.
    expect(labelsFingerprint({ b: '1', a: '2' })).toBe(labelsFingerprint({ a: '2', b: '1' }));
  });

  it('gives a re-sent firing alert the same idempotency key, and a new firing a new one', () => {
    const first = normalizeAlerts(docsPayload())[0]!;
    const again = normalizeAlertText(JSON.stringify(docsPayload()))[0]!;
    expect(again.idempotencyKey).toBe(first.idempotencyKey);
    const later = docsPayload();
    later.alerts[0]!.startsAt = '2026-11-24T05:00:00.000Z';
    expect(normalizeAlerts(later)[0]!.idempotencyKey).not.toBe(first.idempotencyKey);
  });

  it.each([
    ['critical', 'critical'],
    ['error', 'critical'],
    ['page', 'critical'],
    ['HIGH', 'critical'],
    ['warning', 'warning'],
    ['warn', 'warning'],
    ['info', 'info'],
    ['none', 'info'],
    ['whatever', 'info'],
  ])('severity %s -> %s', (word, severity) => {
    const p = docsPayload();
    p.alerts[0]!.labels.severity = word;
    expect(normalizeAlerts(p)[0]!.severity).toBe(severity);
  });

  it('refuses a payload that breaks the schema, naming the field', () => {
    const wrongVersion = { ...docsPayload(), version: '3' };
    expect(() => normalizeAlerts(wrongVersion)).toThrow(InvalidAlert);
    expect(() => normalizeAlerts(wrongVersion)).toThrow(/version/);
    const badStatus = docsPayload() as { alerts: Array<Record<string, unknown>> };
    badStatus.alerts[1]!.status = 'pending';
    expect(() => normalizeAlerts(badStatus)).toThrow(/alerts\.1\.status/);
    const numberLabel = docsPayload() as { alerts: Array<{ labels: Record<string, unknown> }> };
    numberLabel.alerts[0]!.labels.instance = 42;
    expect(() => normalizeAlerts(numberLabel)).toThrow(/alerts\.0\.labels\.instance/);
    expect(() => normalizeAlerts({ ...docsPayload(), alerts: [] })).toThrow(/alerts/);
    const nameless = docsPayload();
    nameless.alerts[1]!.labels = { job: 'node' } as never;
    expect(() => normalizeAlerts(nameless)).toThrow(/alerts\.1: neither annotations\.summary nor labels\.alertname/);
  });
});
