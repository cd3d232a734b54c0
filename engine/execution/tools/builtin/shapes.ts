// The only shapes a built-in diagnostic takes in a string field. Every value that reaches an argv or a query
// passes one of these first: no leading `-` (it would be an option), no whitespace, quotes, `$`, backslashes,
// newlines or `..`. A label value that does not fit is not used (engine/execution/tools/builtin/fit.ts), never quoted.
import { z } from 'zod';

/** RFC 1123 label: a namespace, a container, a StatefulSet's pods' host names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: most Kubernetes object names (pods, deployments, nodes, claims). */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const K8sLabelName = z.string().max(63).regex(DNS_LABEL, 'must be an RFC 1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63)');
export const K8sName = z.string().max(253).regex(DNS_SUBDOMAIN, 'must be an RFC 1123 subdomain (lower-case letters, digits, "-" and ".", at most 253)');
export const K8sNamespace = K8sLabelName;
export const K8sContainer = K8sLabelName;

/**
 * A systemd unit name (`nginx`, `nginx.service`, `getty@tty1.service`): letters, digits and `:_.@-`, not starting
 * with `-` or `.`. Escapes (`\x2d`) and globs (`*?[`) are not taken: journalctl -u would read a glob as a pattern.
 */
export const UnitName = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9_@][A-Za-z0-9:_.@-]*$/, 'must be a systemd unit name (letters, digits and ":_.@-", not starting with "-" or ".")')
  .refine((u) => !u.includes('..'), 'must not contain ".."');

/** An absolute path in plain characters: no `.` or `..` segments, no empty ones, no whitespace, quotes or `$`. */
export const AbsolutePath = z
  .string()
  .max(4096)
  .regex(/^\/[A-Za-z0-9_@%+=:,./-]*$/, 'must be an absolute path of letters, digits and "_@%+=:,./-"')
  .refine((p) => p === '/' || p.slice(1).split('/').every((s) => s !== '' && s !== '.' && s !== '..'), 'must not have "..", "." or empty segments');

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
const DURATION = /^(\d{1,6}(ms|s|m|h|d|w|y))+$/;

/** Seconds in a Prometheus duration (`5m`, `1h30m`); NaN when it is not one. */
export function durationSeconds(text: string): number {
  if (!DURATION.test(text)) return NaN;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** A Prometheus duration between `min` and `max` seconds. */
export function Duration(minSeconds: number, maxSeconds: number) {
  return z
    .string()
    .max(32)
    .refine((d) => DURATION.test(d), 'must be a duration such as 30s, 15m, 1h or 1h30m')
    .refine((d) => durationSeconds(d) >= minSeconds && durationSeconds(d) <= maxSeconds, `must be between ${minSeconds}s and ${maxSeconds}s`);
}

/** `journalctl --since=-N…`: a whole number of seconds, minutes, hours or days. */
export const Since = z.string().regex(/^[1-9]\d{0,4}(s|m|h|d)$/, 'must be a whole number of s, m, h or d, e.g. 30m or 2h');

/** An alert name as it appears in ALERTS{alertname="…"}: a metric-like word. */
export const AlertName = z.string().max(200).regex(/^[A-Za-z_][A-Za-z0-9_:.-]*$/, 'must be an alert name of letters, digits and "_:.-"');
