// A runbook reference on the alert (`runbook_url` / `runbook`, annotation or label) -> a workspace file.
// Two ways to match: a relative path that exists inside the workspace, or a URL whose trailing path segments
// match a file's trailing segments (case-insensitive, extension dropped). The longest match wins, so
// .../runbooks/alertmanager/alertmanagerfailedreload picks alertmanager/AlertmanagerFailedReload.md over a
// same-named file in another component.
import type { AlertRequest } from '../../control/workflow/request';
import { insideWorkspace } from './workspace';

const KEYS = ['runbook_url', 'runbook', 'runbookURL', 'runbook_link'];
const URL_IN_TEXT = /https?:\/\/[^\s"'{}<>|]+/;

export interface Reference {
  readonly key: string;
  readonly value: string;
}

/** Every runbook reference the alert carries: annotations first (where rules put them), then labels. */
export function referencesOf(request: AlertRequest): Reference[] {
  const out: Reference[] = [];
  for (const scope of ['annotations', 'labels'] as const) {
    for (const k of KEYS) {
      const v = request[scope][k];
      if (v !== undefined && v.trim() !== '') out.push({ key: `${scope}.${k}`, value: v.trim() });
    }
  }
  return out;
}

export interface Resolved {
  readonly path: string;
  readonly how: string;
  /** Other files matching equally well (the choice among them is by path order). */
  readonly ties: number;
}

export function resolveReference(ref: Reference, workspace: string, files: readonly string[]): Resolved | null {
  const direct = isUrl(ref.value) ? null : insideWorkspace(workspace, ref.value);
  if (direct) return { path: direct, how: `${ref.key} names ${direct}`, ties: 0 };
  // A path that climbs out (`../x.md`) or starts at the file system root is not matched by name either.
  if (!isUrl(ref.value) && /(^|[\\/])\.\.([\\/]|$)|^[\\/]|^[A-Za-z]:/.test(ref.value)) return null;
  const segments = segmentsOf(ref.value);
  if (segments.length === 0) return null;
  let best: string[] = [];
  let bestScore = 0;
  for (const f of files) {
    const score = trailingMatch(segments, fileSegments(f));
    if (score > bestScore) {
      bestScore = score;
      best = [f];
    } else if (score === bestScore && score > 0) best.push(f);
  }
  if (bestScore === 0) return null;
  return { path: best[0]!, how: `${ref.key} ${clip(ref.value)} matches ${best[0]}`, ties: best.length - 1 };
}

function isUrl(v: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
}

/** Lower-cased path segments of a URL (or a path), the last without its extension. */
export function segmentsOf(value: string): string[] {
  let p = value;
  if (!isUrl(value)) {
    // A templated reference (`{{if …}}https://a{{else}}https://b{{end}}`): the first URL in it.
    const m = URL_IN_TEXT.exec(value);
    if (m) p = m[0];
  }
  if (isUrl(p)) {
    try {
      p = new URL(p).pathname;
    } catch {
      return [];
    }
  }
  p = p.split(/[?#]/)[0]!;
  const parts = p
    .split('/')
    .map((s) => safeDecode(s).toLowerCase())
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  if (parts.length === 0) return [];
  parts[parts.length - 1] = parts.at(-1)!.replace(/\.(md|markdown|html?)$/, '');
  return parts.filter((s) => s !== '');
}

function fileSegments(rel: string): string[] {
  const parts = rel.toLowerCase().split('/');
  parts[parts.length - 1] = parts.at(-1)!.replace(/\.(md|markdown)$/, '');
  return parts;
}

function trailingMatch(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function clip(s: string, n = 120): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
