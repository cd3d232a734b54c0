// Text from outside (alert labels, command output, a model's words) shown to a person: control characters become
// visible escapes, so a label cannot move a terminal's cursor, retitle its window or hide a command behind
// right-to-left overrides (C0 and C1 controls except newline and tab, DEL, zero-width and bidirectional marks).
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function printable(text: string): string {
  return text.replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every string inside a JSON-like value, made printable (keys too: a label name can carry escapes). */
export function printableValue(value: unknown): unknown {
  if (typeof value === 'string') return printable(value);
  if (Array.isArray(value)) return value.map(printableValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [printable(k), printableValue(v)]));
  }
  return value;
}
