/** Front matter found at the top of a Markdown file (YAML `---` or TOML `+++`). */
export interface FrontMatter {
  /** Number of lines it occupies, including both fences; 0 when there is none. */
  readonly lines: number;
  readonly title: string | null;
  /** Alert names the runbook says it answers (`alert:`, `alertname:` or `alerts:`, a value or a list). */
  readonly alerts: readonly string[];
}

/**
 * Finds front matter so the chunker can skip it (it is metadata, not prose) while keeping line numbers
 * right. Only the title and the alert names are read, with plain `key:` / `key =` lines and simple lists: no
 * YAML parser is needed for that.
 */
export function readFrontMatter(lines: readonly string[]): FrontMatter {
  const first = lines[0]?.trim();
  const fence = first === '---' ? /^(---|\.\.\.)\s*$/ : first === '+++' ? /^\+\+\+\s*$/ : null;
  if (!fence) return { lines: 0, title: null, alerts: [] };
  for (let i = 1; i < lines.length; i++) {
    if (fence.test(lines[i]!)) {
      const body = lines.slice(1, i);
      return { lines: i + 1, title: findTitle(body), alerts: findAlerts(body) };
    }
  }
  return { lines: 0, title: null, alerts: [] }; // an unclosed fence is an ordinary thematic break
}

const unquote = (v: string) => v.trim().replace(/^(["'])(.*)\1$/, '$2').trim();

/** `alert: X`, `alertname: X`, `alerts: [X, Y]`, or `alerts:` followed by `- X` lines. */
function findAlerts(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(alert|alertname|alerts)\s*[:=]\s*(.*)$/i.exec(lines[i]!);
    if (!m) continue;
    const value = m[2]!.trim();
    if (value.startsWith('[')) out.push(...value.replace(/^\[|\]$/g, '').split(',').map(unquote));
    else if (value) out.push(unquote(value));
    else for (let j = i + 1; j < lines.length && /^\s*-\s+/.test(lines[j]!); j++) out.push(unquote(lines[j]!.replace(/^\s*-\s+/, '')));
  }
  return [...new Set(out.filter((a) => /^[\w.:-]{1,200}$/.test(a)))];
}

function findTitle(lines: readonly string[]): string | null {
  for (const line of lines) {
    const m = /^title\s*[:=]\s*(.*)$/.exec(line);
    if (m) {
      const value = m[1]!.trim().replace(/^(["'])(.*)\1$/, '$2').trim();
      return value || null;
    }
  }
  return null;
}
