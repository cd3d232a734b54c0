// Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
// Unknown fields (groupKey, truncatedAlerts, future additions) are ignored rather than refused.
import { z } from 'zod';
import type { AlertRequest } from '../workflow/request';
import { canonical } from './canonical';
import { describeIssues, InvalidAlert } from './errors';
import { idempotencyKey, labelsFingerprint, severityOf } from './fields';
import { MAX_ALERTS } from './limits';

const StringMap = z.record(z.string(), z.string());
const Status = z.enum(['firing', 'resolved']);

export const AlertmanagerAlert = z.object({
  status: Status,
  labels: StringMap,
  annotations: StringMap.default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

export const AlertmanagerWebhook = z.object({
  version: z.literal('4'),
  status: Status,
  receiver: z.string(),
  groupLabels: StringMap.default({}),
  commonLabels: StringMap.default({}),
  commonAnnotations: StringMap.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(AlertmanagerAlert).min(1).max(MAX_ALERTS),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;

/** Looks like a webhook payload (so its errors are reported against that schema, not the plain alert's). */
export function isAlertmanagerPayload(input: unknown): boolean {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && 'alerts' in input && ('version' in input || 'receiver' in input);
}

export function fromAlertmanager(input: unknown, source = 'alertmanager'): AlertRequest[] {
  const parsed = AlertmanagerWebhook.safeParse(input);
  if (!parsed.success) throw new InvalidAlert(describeIssues('invalid Alertmanager webhook payload', parsed.error));
  return parsed.data.alerts.map((a, i) => {
    const where = `alerts.${i}: `;
    const alertname = a.labels.alertname;
    const title = a.annotations.summary ?? alertname;
    if (title === undefined || title.trim() === '') throw new InvalidAlert(`${where}neither annotations.summary nor labels.alertname is set`);
    const fingerprint = a.fingerprint && a.fingerprint !== '' ? a.fingerprint : labelsFingerprint(a.labels);
    return canonical(
      {
        source,
        title,
        severity: severityOf(a.labels.severity),
        labels: a.labels,
        annotations: a.annotations,
        body: a.annotations.description ?? '',
        fingerprint,
        status: a.status,
        startsAt: a.startsAt,
        ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
        idempotencyKey: idempotencyKey(fingerprint, a.startsAt),
      },
      where,
    );
  });
}
