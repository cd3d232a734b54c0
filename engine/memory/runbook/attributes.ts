// Fence info strings: ```LANG [ATTRIBUTES]. Two attribute forms are accepted:
//  - Runme-style JSON:   ```sh {"name":"restart","risk":"write"}
//  - the simple form:    ```sh name=restart risk=write   (also `key="a b"`, `key='a b'`, a bare `key` means true,
//    and Runme's older `{ name=restart risk=write }`). Values `true`/`false` and numbers become booleans/numbers.
// Unknown keys are kept as they are. Invalid attributes produce a warning and are dropped; they never throw.
import { DeclaredRisk } from './schema';

export interface FenceInfo {
  language: string;
  attributes: Record<string, unknown>;
  declaredRisk?: DeclaredRisk;
  /** Problems with the attributes, without line numbers (the caller adds the fence's line). */
  problems: string[];
}

const SIMPLE_TOKEN = /\s*([A-Za-z_][\w.-]*)(?:=("([^"\\]|\\.)*"|'[^']*'|[^\s"']*))?\s*/y;

export function parseInfoString(info: string): FenceInfo {
  const trimmed = info.trim();
  // Pandoc-style `{.bash}` has no language before the brace; we do not treat it as a language.
  const m = /^([^\s{]*)\s*([\s\S]*)$/.exec(trimmed);
  const language = (m?.[1] ?? '').toLowerCase();
  const rest = (m?.[2] ?? '').trim();
  const out: FenceInfo = { language, attributes: {}, problems: [] };
  if (rest === '') return out;
  if (rest.startsWith('{')) {
    const json = tryJson(rest);
    if (json.ok) {
      if (json.value && typeof json.value === 'object' && !Array.isArray(json.value)) out.attributes = json.value as Record<string, unknown>;
      else out.problems.push(`fence attributes must be a JSON object: ${short(rest)}`);
    } else {
      const inner = rest.endsWith('}') ? rest.slice(1, -1) : null;
      const simple = inner === null ? null : parseSimple(inner);
      if (simple) out.attributes = simple;
      else out.problems.push(`invalid JSON fence attributes (${json.error}): ${short(rest)}`);
    }
  } else {
    const simple = parseSimple(rest);
    if (simple) out.attributes = simple;
    else out.problems.push(`fence attributes not understood (expected JSON or key=value): ${short(rest)}`);
  }
  if ('risk' in out.attributes) {
    const risk = DeclaredRisk.safeParse(out.attributes.risk);
    if (risk.success) out.declaredRisk = risk.data;
    else out.problems.push(`declared risk must be "read" or "write", got ${short(JSON.stringify(out.attributes.risk) ?? String(out.attributes.risk))}`);
  }
  return out;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** `a=1 b="x y" c` -> {a: 1, b: 'x y', c: true}; null when any part is not of that form. */
export function parseSimple(text: string): Record<string, unknown> | null {
  const attrs: Record<string, unknown> = {};
  SIMPLE_TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    SIMPLE_TOKEN.lastIndex = pos;
    const m = SIMPLE_TOKEN.exec(text);
    if (!m || m[0].length === 0) return null;
    pos = SIMPLE_TOKEN.lastIndex;
    const raw = m[2];
    attrs[m[1]!] = raw === undefined ? true : scalar(raw);
  }
  return attrs;
}

function scalar(raw: string): unknown {
  if (raw.startsWith('"')) return tryJson(raw).ok ? JSON.parse(raw) : raw.slice(1, -1);
  if (raw.startsWith("'")) return raw.slice(1, -1);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw) && raw.length < 16) return Number(raw);
  return raw;
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
