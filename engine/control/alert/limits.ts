// Limits beyond the canonical schema's field lengths, checked before it so the message names the real problem.
import { InvalidAlert } from './errors';

export const MAX_LABELS = 100;
export const MAX_ANNOTATIONS = 100;
/** Pasted text and JSON bodies larger than this are refused before parsing. */
export const MAX_INPUT_CHARS = 1_000_000;
/** Alerts per payload: Alertmanager groups are small; thousands at once is a mistake or an attack. */
export const MAX_ALERTS = 500;

export function checkMaps(where: string, labels: Record<string, string>, annotations: Record<string, string>): void {
  const nLabels = Object.keys(labels).length;
  if (nLabels > MAX_LABELS) throw new InvalidAlert(`${where}labels: ${nLabels} labels, at most ${MAX_LABELS} are accepted`);
  const nAnn = Object.keys(annotations).length;
  if (nAnn > MAX_ANNOTATIONS) throw new InvalidAlert(`${where}annotations: ${nAnn} annotations, at most ${MAX_ANNOTATIONS} are accepted`);
  // A NUL cannot reach a command line; refusing it here beats a confusing tool failure later.
  for (const [scope, map] of [['labels', labels], ['annotations', annotations]] as const) {
    for (const [k, v] of Object.entries(map)) {
      if (k.trim() === '') throw new InvalidAlert(`${where}${scope}: empty key`);
      if (k.includes('\0') || v.includes('\0')) throw new InvalidAlert(`${where}${scope}.${k}: contains a NUL character`);
    }
  }
}
