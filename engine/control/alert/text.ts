// Alert text a person pasted (a chat message, an e-mail, Alertmanager's default notification):
//   first non-empty line        -> title ("[FIRING:1] " / "[RESOLVED] " prefixes set the status)
//   `key=value`, `key: value`   -> labels (a leading "- " or "* " bullet is allowed; keys are label names)
//   everything else             -> body
// A CamelCase first word of the title becomes labels.alertname when no line named it.
// Severity: a `severity` line in any letter case, else a severity tag the title states ("CRITICAL: …",
// "[critical] …", "… (checkout critical)"); see statedSeverity.
import type { AlertRequest } from '../workflow/request';
import { canonical } from './canonical';
import { InvalidAlert } from './errors';
import { labelsFingerprint, severityOf, sha256Hex } from './fields';
import { statedSeverity } from './textSeverity';
import { MAX_INPUT_CHARS } from './limits';

const PAIR = /^\s*(?:[-*]\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|:\s)\s*(.*?)\s*$/;
const STATUS_PREFIX = /^\[(FIRING|RESOLVED)(?::\d+)?\]\s*/i;
// At least one lower-to-upper change: DemoCheckoutDown, KubeAPIDown, etcdMembersDown; not "Checkout" or "API".
const CAMEL = /^[A-Za-z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+$/;

export function fromText(text: string, source = 'text'): AlertRequest {
  if (text.length > MAX_INPUT_CHARS) throw new InvalidAlert(`alert text is ${text.length} characters, at most ${MAX_INPUT_CHARS} are accepted`);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new InvalidAlert('alert text is empty');
  let title = lines[first]!.trim();
  let status: 'firing' | 'resolved' = 'firing';
  const prefix = STATUS_PREFIX.exec(title);
  if (prefix) {
    status = prefix[1]!.toUpperCase() === 'RESOLVED' ? 'resolved' : 'firing';
    title = title.slice(prefix[0].length).trim() || title;
  }
  const labels: Record<string, string> = {};
  const body: string[] = [];
  for (const line of lines.slice(first + 1)) {
    const m = PAIR.exec(line);
    if (m && m[2] !== '' && !(m[1]! in labels)) labels[m[1]!] = unquote(m[2]!);
    else body.push(line);
  }
  const word = title.split(/\s+/)[0]!.replace(/[:,.;]+$/, '');
  if (labels.alertname === undefined && CAMEL.test(word)) labels.alertname = word;
  const fingerprint = Object.keys(labels).length > 0 ? labelsFingerprint(labels) : sha256Hex(title, 16);
  return canonical(
    {
      source,
      title,
      severity: severityOf(statedSeverity(title, labels, prefix !== null)),
      labels,
      annotations: {},
      body: body.join('\n').trim(),
      fingerprint,
      status,
    },
    '',
  );
}

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}
