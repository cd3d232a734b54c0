// Small helpers shared by every input format: severity words, the labels fingerprint, the idempotency key.
import { createHash } from 'node:crypto';
import type { AlertRequest } from '../workflow/request';

const CRITICAL = new Set(['critical', 'crit', 'error', 'err', 'page', 'high', 'fatal', 'emergency', 'p1']);
const WARNING = new Set(['warning', 'warn', 'medium', 'p2']);

/**
 * Severity words vary per team; three levels are enough to order work. An absent severity keeps the canonical
 * default (warning) rather than claiming the alert is harmless.
 */
export function severityOf(word: string | undefined): AlertRequest['severity'] | undefined {
  if (word === undefined) return undefined;
  const w = word.trim().toLowerCase();
  if (CRITICAL.has(w)) return 'critical';
  if (WARNING.has(w)) return 'warning';
  return 'info';
}

export function sha256Hex(text: string, length = 64): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Alertmanager-like identity when the sender gave none: the sorted label set, hashed. */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return sha256Hex(JSON.stringify(sorted), 16);
}

/** A re-sent firing alert (same fingerprint, same start) maps to the workflow it already started. */
export function idempotencyKey(fingerprint: string, startsAt: string): string {
  const key = `alert:${fingerprint}:${startsAt}`;
  return key.length <= 200 ? key : `alert:${sha256Hex(key, 32)}`;
}
