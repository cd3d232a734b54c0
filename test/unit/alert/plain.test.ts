// Plain JSON alerts, alert-rule lines as in the public corpus, and arrays of them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidAlert, normalizeAlerts, normalizeAlertText } from '../../../engine/control/alert';
import { AlertRequest } from '../../../engine/control/workflow/request';

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'alerts.jsonl');

describe('plain JSON alerts', () => {
  it('takes alertname, severity, summary and description from the top level', () => {
    const [a] = normalizeAlerts({ alertname: 'DemoQueueBacklog', severity: 'warn', summary: 'Queue is long', description: 'More than 100 jobs wait.', labels: { threshold: '100' } });
    expect(a).toMatchObject({
      source: 'json',
      title: 'Queue is long',
      severity: 'warning',
      labels: { alertname: 'DemoQueueBacklog', severity: 'warn', threshold: '100' },
      annotations: { summary: 'Queue is long', description: 'More than 100 jobs wait.' },
      body: 'More than 100 jobs wait.',
      status: 'firing',
    });
    expect(a!.idempotencyKey).toBeUndefined();
    const [b] = normalizeAlerts({ title: 'Disk full on db-1', startsAt: '2026-11-24T01:00:00Z', fingerprint: 'f1' }, 'cli');
    expect(b).toMatchObject({ source: 'cli', title: 'Disk full on db-1', severity: 'warning', idempotencyKey: 'alert:f1:2026-11-24T01:00:00Z' });
  });

  it('reads an alert-rule line: alert is the alertname, expr and runbook_url become annotations', () => {
    const line = '{"alert": "AlertmanagerFailedReload", "severity": "critical", "summary": "Reloading failed.", "description": "Configuration has failed to load for {{ $labels.namespace }}/{{ $labels.pod}}.", "expr": "max_over_time(alertmanager_config_last_reload_successful[5m]) == 0", "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/alertmanager/alertmanagerfailedreload", "for": "10m"}';
    const [a] = normalizeAlertText(line);
    expect(a!.labels).toEqual({ alertname: 'AlertmanagerFailedReload', severity: 'critical' });
    expect(a!.annotations.expr).toBe('max_over_time(alertmanager_config_last_reload_successful[5m]) == 0');
    expect(a!.annotations.runbook_url).toContain('alertmanagerfailedreload');
    expect(a!.severity).toBe('critical');
    expect(a!.title).toBe('Reloading failed.');
  });

  it('accepts arrays and JSON lines, and names the element that is wrong', () => {
    expect(normalizeAlerts([{ alertname: 'A' }, { alert: 'B' }]).map((a) => a.labels.alertname)).toEqual(['A', 'B']);
    expect(normalizeAlertText('{"alertname":"A"}\n{"alertname":"B"}\n').map((a) => a.title)).toEqual(['A', 'B']);
    expect(() => normalizeAlerts([{ alertname: 'A' }, { labels: { x: '1' } }])).toThrow(/^1: an alert needs a name/);
    expect(() => normalizeAlerts([{ alertname: 'A' }, 7])).toThrow(/1: expected an alert object, got number/);
    expect(() => normalizeAlerts([])).toThrow(/empty/);
  });

  it.skipIf(!fs.existsSync(CORPUS))('normalises every rule line of the public corpus', () => {
    const lines = fs.readFileSync(CORPUS, 'utf8').split('\n').filter(Boolean);
    const alerts = normalizeAlertText(lines.join('\n'));
    expect(alerts).toHaveLength(lines.length);
    for (const [i, a] of alerts.entries()) {
      const rule = JSON.parse(lines[i]!) as { alert: string; expr: string };
      expect(AlertRequest.parse(a)).toEqual(a);
      expect(a.labels.alertname).toBe(rule.alert);
      expect(a.annotations.expr).toBe(rule.expr);
    }
  });
});

describe('bad and hostile input', () => {
  it('refuses garbage JSON and wrong types with the field named', () => {
    expect(() => normalizeAlertText('{"alertname": "A",')).toThrow(InvalidAlert);
    expect(() => normalizeAlertText('{"alertname": "A",')).toThrow(/invalid JSON/);
    expect(() => normalizeAlertText('[1, 2')).toThrow(/invalid JSON/);
    expect(() => normalizeAlerts(null)).toThrow(/got null/);
    expect(() => normalizeAlerts('DemoCheckoutDown')).toThrow(/got string/);
    expect(() => normalizeAlerts({ alertname: 'A', labels: { x: 1 } })).toThrow(/labels\.x/);
    expect(() => normalizeAlerts({ alertname: 'A', status: 'pending' })).toThrow(/status/);
    expect(() => normalizeAlerts({ foo: 'bar' })).toThrow(/needs a name/);
  });

  it('keeps a command-substitution or multi-line label value as data, unchanged', () => {
    const [a] = normalizeAlerts({ alertname: 'A', labels: { pod: '$(rm -rf /)', ns: "x'; reboot; echo '", note: 'line1\nline2' } });
    expect(a!.labels).toMatchObject({ pod: '$(rm -rf /)', ns: "x'; reboot; echo '", note: 'line1\nline2' });
  });

  it('refuses (never truncates) values past the canonical limits', () => {
    expect(() => normalizeAlerts({ alertname: 'A', labels: { pod: 'x'.repeat(2001) } })).toThrow(/labels\.pod/);
    expect(() => normalizeAlerts({ alertname: 'A', labels: { ['k'.repeat(201)]: 'v' } })).toThrow(/labels/);
    expect(() => normalizeAlerts({ title: 't'.repeat(501) })).toThrow(/title/);
    expect(() => normalizeAlerts({ alertname: 'A', description: 'd'.repeat(20_001) })).toThrow(/description|body/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`l${i}`, 'v']));
    expect(() => normalizeAlerts({ alertname: 'A', labels: many })).toThrow(/labels: 10\d labels, at most 100/);
    expect(() => normalizeAlerts({ alertname: 'A', labels: { pod: 'a\0b' } })).toThrow(/NUL/);
    expect(normalizeAlerts({ alertname: 'A', labels: { pod: 'x'.repeat(2000) } })[0]!.labels.pod).toHaveLength(2000);
  });
});
