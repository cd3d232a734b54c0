// A plain JSON alert: what a script, the CLI or a test sends, Prometheus's own /api/v2/alerts items
// ({labels, annotations, startsAt, generatorURL}), and alert-rule lines ({alert, severity, summary, description,
// expr, runbook_url}) such as the evaluation corpus's alerts.jsonl.
import { z } from 'zod';
import type { AlertRequest } from '../workflow/request';
import { canonical } from './canonical';
import { describeIssues, InvalidAlert } from './errors';
import { idempotencyKey, labelsFingerprint, severityOf } from './fields';

const StringMap = z.record(z.string(), z.string());

export const PlainAlert = z.object({
  alertname: z.string().optional(),
  /** Alert rules name the alert `alert`. */
  alert: z.string().optional(),
  title: z.string().optional(),
  severity: z.string().optional(),
  labels: StringMap.default({}),
  annotations: StringMap.default({}),
  summary: z.string().optional(),
  description: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  fingerprint: z.string().optional(),
  generatorURL: z.string().optional(),
  startsAt: z.string().optional(),
  expr: z.string().optional(),
  runbook_url: z.string().optional(),
  runbook: z.string().optional(),
});
export type PlainAlert = z.infer<typeof PlainAlert>;

/** Top-level fields that belong in annotations, where planners look for them. */
const TO_ANNOTATIONS = ['summary', 'description', 'expr', 'runbook_url', 'runbook'] as const;

export function fromPlain(input: unknown, where: string, source = 'json'): AlertRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidAlert(`${where}expected an alert object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`);
  }
  // JSON writers often spell "absent" as null (the corpus does for etcd rules without a runbook_url).
  const present = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null));
  const parsed = PlainAlert.safeParse(present);
  if (!parsed.success) throw new InvalidAlert(describeIssues(`invalid alert${where ? ` (${where.replace(/: $/, '')})` : ''}`, parsed.error));
  const a = parsed.data;
  const labels = { ...a.labels };
  const alertname = labels.alertname ?? a.alertname ?? a.alert;
  if (alertname !== undefined && labels.alertname === undefined) labels.alertname = alertname;
  if (a.severity !== undefined && labels.severity === undefined) labels.severity = a.severity;
  const annotations = { ...a.annotations };
  for (const k of TO_ANNOTATIONS) if (a[k] !== undefined && annotations[k] === undefined) annotations[k] = a[k];

  const title = a.title ?? a.summary ?? annotations.summary ?? alertname;
  if (title === undefined || title.trim() === '') throw new InvalidAlert(`${where}an alert needs a name: alertname, alert, title, summary or labels.alertname`);
  const fingerprint = a.fingerprint && a.fingerprint !== '' ? a.fingerprint : labelsFingerprint(labels);
  return canonical(
    {
      source,
      title,
      severity: severityOf(labels.severity),
      labels,
      annotations,
      body: a.description ?? annotations.description ?? '',
      fingerprint,
      status: a.status ?? 'firing',
      ...(a.startsAt ? { startsAt: a.startsAt } : {}),
      ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
      // Without a start time a re-send and a new firing look the same; no key lets both through.
      ...(a.startsAt ? { idempotencyKey: idempotencyKey(fingerprint, a.startsAt) } : {}),
    },
    where,
  );
}
