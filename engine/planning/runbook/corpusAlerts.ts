// The 233 alert rules of ../shared/corpus/alerts.jsonl as firing alerts. A rule carries no label values; a
// firing alert carries the labels its templates print ({{ $labels.X }} in summary and description: Prometheus
// fills them from the firing series, so the series has them). Each gets the value an equality matcher in the
// expression gives it (namespace="monitoring"), else a typical value of the right shape (pod, node, mountpoint…).
import fs from 'node:fs';
import path from 'node:path';
import { normalizeAlerts } from '../../control/alert';
import { promqlSelectors } from '../../execution/tools/builtin/selectors';
import type { AlertRequest } from '../../control/workflow/request';

export const CORPUS = path.resolve('..', 'shared', 'corpus', 'alerts.jsonl');
// Shared by the built-in fit test and the planner's corpus evaluation (npm run bench -- planner).

/** Typical values, by label name, for labels no matcher fixes. */
export const TYPICAL: Readonly<Record<string, string>> = {
  namespace: 'shop',
  pod: 'checkout-7c9f8b6d4-x2x9q',
  container: 'checkout',
  node: 'worker-1',
  instance: 'worker-1:9100',
  mountpoint: '/var/lib/kubelet',
  persistentvolumeclaim: 'data-postgres-0',
  deployment: 'checkout',
  statefulset: 'postgres',
  daemonset: 'node-exporter',
  job_name: 'backup-29012345',
  service: 'checkout',
  cronjob: 'backup',
  horizontalpodautoscaler: 'checkout',
};

export interface Rule {
  alert: string;
  severity: string;
  summary?: string;
  description?: string;
  expr: string;
  for?: string;
  [k: string]: unknown;
}

export function corpusRules(file = CORPUS): Rule[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rule);
}

/** The label names a rule's templates print. */
export function templateLabels(rule: Rule): string[] {
  const text = `${rule.summary ?? ''}\n${rule.description ?? ''}`;
  const names = new Set<string>();
  for (const m of text.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) names.add(m[1]!);
  for (const m of text.matchAll(/\.Labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) names.add(m[1]!);
  return [...names];
}

/** node-exporter's `device` names a block device path, a disk, a RAID array or an interface, by metric family. */
function deviceFor(metrics: readonly string[]): string {
  if (metrics.some((m) => m.startsWith('node_filesystem_'))) return '/dev/sda1';
  if (metrics.some((m) => m.startsWith('node_network_'))) return 'eth0';
  if (metrics.some((m) => m.startsWith('node_md_'))) return 'md0';
  return 'sda';
}

/** The rule as a firing alert; `value` overrides every label value (hostile-value runs). */
export function firingAlert(rule: Rule, value?: (label: string) => string): AlertRequest {
  const fixed = new Map<string, string>();
  const metrics: string[] = [];
  try {
    for (const s of promqlSelectors(rule.expr)) {
      metrics.push(s.metric ?? '');
      for (const m of s.matchers) if (m.op === '=' && !fixed.has(m.label)) fixed.set(m.label, m.value);
    }
  } catch {
    // no matchers to take values from
  }
  fixed.set('device', fixed.get('device') ?? deviceFor(metrics));
  const labels: Record<string, string> = {};
  for (const name of templateLabels(rule)) labels[name] = value ? value(name) : (fixed.get(name) ?? TYPICAL[name] ?? 'example');
  const alertname = value ? value('alertname') : rule.alert;
  const [request] = normalizeAlerts(
    {
      labels: { ...labels, alertname, severity: rule.severity },
      annotations: { summary: rule.summary ?? rule.alert, description: rule.description ?? '', expr: rule.expr, ...(rule.for ? { for: rule.for } : {}) },
      startsAt: '2025-11-30T10:00:00Z',
    },
    'corpus',
  );
  return request!;
}
