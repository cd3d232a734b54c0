/** Front matter found at the top of a Markdown file (YAML `---` or TOML `+++`). */
export interface FrontMatter {
  /** Number of lines it occupies, including both fences; 0 when there is none. */
  readonly lines: number;
  readonly title: string | null;
}

/**
 * Finds front matter so the chunker can skip it (it is metadata, not prose) while keeping line numbers
 * right. Only the title is read, with a plain `title:` / `title =` line: no YAML parser is needed for that.
 */
export function readFrontMatter(lines: readonly string[]): FrontMatter {
  const first = lines[0]?.trim();
  const fence = first === '---' ? /^(---|\.\.\.)\s*$/ : first === '+++' ? /^\+\+\+\s*$/ : null;
  if (!fence) return { lines: 0, title: null };
  for (let i = 1; i < lines.length; i++) {
    if (fence.test(lines[i]!)) return { lines: i + 1, title: findTitle(lines.slice(1, i)) };
  }
  return { lines: 0, title: null }; // an unclosed fence is an ordinary thematic break
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
