// Front matter: YAML between `---` lines at the very top. Only flat `key: value` pairs are read (no YAML
// dependency); nested maps and lists are skipped with one warning, so odd front matter never breaks parsing.
import type { Warning } from './schema';

export interface FrontMatter {
  metadata: Record<string, string>;
  /** Number of lines the front matter occupies (0 when there is none); the body starts after them. */
  lineCount: number;
  warnings: Warning[];
}

const KEY_VALUE = /^([A-Za-z_][\w.-]*)\s*:\s*(.*)$/;

export function readFrontMatter(lines: readonly string[]): FrontMatter {
  const none: FrontMatter = { metadata: {}, lineCount: 0, warnings: [] };
  if (lines.length === 0 || lines[0]!.replace(/^\uFEFF/, '').trimEnd() !== '---') return none;
  let end = -1;
  // A front matter longer than this is almost surely a thematic break followed by prose, not metadata.
  for (let i = 1; i < Math.min(lines.length, 500); i++) {
    const t = lines[i]!.trimEnd();
    if (t === '---' || t === '...') {
      end = i;
      break;
    }
  }
  if (end < 0) return { ...none, warnings: [{ line: 1, message: 'front matter is not closed by a --- line: read as Markdown' }] };
  const metadata: Record<string, string> = {};
  let skipped = 0;
  for (let i = 1; i < end; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = /^\s/.test(line) ? null : KEY_VALUE.exec(line);
    if (!m) {
      skipped++;
      continue;
    }
    const value = unquote(m[2]!.trim());
    // `key:` with an empty value opens a nested map or list: not flat metadata.
    if (value === '') {
      skipped++;
      continue;
    }
    metadata[m[1]!] = value;
  }
  const warnings: Warning[] = skipped ? [{ line: 1, message: `front matter: ${skipped} line(s) that are not flat key: value pairs were skipped` }] : [];
  return { metadata, lineCount: end + 1, warnings };
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  // A trailing ` # comment` is a YAML comment, not part of the value.
  const hash = v.search(/[ \t]#/);
  return hash < 0 ? v : v.slice(0, hash).trimEnd();
}
