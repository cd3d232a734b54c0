import type { AlertRequest } from '../workflow/request';
import { fromAlertmanager, isAlertmanagerPayload } from './alertmanager';
import { InvalidAlert } from './errors';
import { MAX_ALERTS, MAX_INPUT_CHARS } from './limits';
import { fromPlain } from './plain';
import { fromText } from './text';

/**
 * Any parsed alert input -> canonical alerts: an Alertmanager webhook payload (one per alert in it), a plain
 * alert object, or an array of either. `source` replaces the format's default source name.
 */
// "[FIRING:2] …", "[critical] …": a bracket, then a word. JSON puts a value there ("[{", "[\"", "[1"), never a bare word.
const TAGGED_TITLE = /^\[\s*[A-Za-z]/;

export function normalizeAlerts(input: unknown, source?: string): AlertRequest[] {
  if (Array.isArray(input)) {
    if (input.length === 0) throw new InvalidAlert('no alerts: the array is empty');
    if (input.length > MAX_ALERTS) throw new InvalidAlert(`${input.length} alerts, at most ${MAX_ALERTS} are accepted at once`);
    const out = input.flatMap((item, i) =>
      isAlertmanagerPayload(item) ? prefixed(`${i}: `, () => fromAlertmanager(item, source)) : [fromPlain(item, `${i}: `, source)],
    );
    if (out.length > MAX_ALERTS) throw new InvalidAlert(`${out.length} alerts, at most ${MAX_ALERTS} are accepted at once`);
    return out;
  }
  if (isAlertmanagerPayload(input)) return fromAlertmanager(input, source);
  return [fromPlain(input, '', source)];
}

/** Text from the editor or the CLI: JSON (or JSON lines) is read as JSON, anything else as a pasted alert. */
export function normalizeAlertText(text: string, source?: string): AlertRequest[] {
  if (typeof text !== 'string') throw new InvalidAlert('alert text must be a string');
  if (text.length > MAX_INPUT_CHARS) throw new InvalidAlert(`alert text is ${text.length} characters, at most ${MAX_INPUT_CHARS} are accepted`);
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidAlert('alert text is empty');
  // Alertmanager's own notification titles start with "[FIRING:2]", people's with "[critical]": text, though it opens with a bracket.
  if (!/^[[{]/.test(trimmed) || TAGGED_TITLE.test(trimmed)) return [fromText(text, source)];
  return normalizeAlerts(parseJson(trimmed), source);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.every((l) => l.trim().startsWith('{'))) {
      return lines.map((l, i) => {
        try {
          return JSON.parse(l);
        } catch (e) {
          throw new InvalidAlert(`invalid JSON on line ${i + 1}: ${(e as Error).message}`);
        }
      });
    }
    throw new InvalidAlert(`invalid JSON: ${(error as Error).message}`);
  }
}

function prefixed<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidAlert) throw new InvalidAlert(`${where}${e.message}`);
    throw e;
  }
}
