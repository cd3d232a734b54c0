// A line scanner for the Markdown structure runbooks use: ATX and setext headings, and fenced code blocks
// (``` or ~~~, any indentation so fences inside list items count). It is not a full CommonMark parser: it only
// needs headings outside fences and the fences themselves, and it must be linear on any input.
import type { Section, Warning } from './schema';

export interface FencedBlock {
  /** Raw info string after the fence characters. */
  info: string;
  /** Content lines with the opening fence's indentation removed. */
  lines: string[];
  /** 1-based line of the opening fence and of the closing fence (or the last line when unterminated). */
  startLine: number;
  endLine: number;
  sectionPath: string[];
}

export interface Structure {
  sections: Section[];
  blocks: FencedBlock[];
  /** Text of the first level-1 heading, if any. */
  firstH1: string | null;
  warnings: Warning[];
}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})(.*)$/;
// Greedy `.*` and a trim later: a lazy group before `[ \t]*$` is quadratic on long runs of spaces.
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const MAX_TITLE = 200;

/**
 * @param lines all lines of the file
 * @param bodyStart index of the first line after front matter
 */
export function scanMarkdown(lines: readonly string[], bodyStart: number): Structure {
  const sections: Section[] = [];
  const blocks: FencedBlock[] = [];
  const warnings: Warning[] = [];
  const open: Section[] = []; // the heading stack: open[i] is the innermost section at depth i
  let firstH1: string | null = null;
  let prevParagraph: string | null = null; // a text line that a setext underline would turn into a heading

  const closeSections = (level: number, lastLine: number) => {
    while (open.length && open[open.length - 1]!.level >= level) {
      const s = open.pop()!;
      s.endLine = Math.max(s.startLine, lastLine);
    }
  };
  const addHeading = (level: number, rawTitle: string, line: number) => {
    const title = cleanTitle(rawTitle);
    closeSections(level, line - 1);
    const s: Section = { path: [...open.map((o) => o.title), title], level, title, startLine: line, endLine: line };
    sections.push(s);
    open.push(s);
    if (level === 1 && firstH1 === null && title) firstH1 = title;
  };
  const currentPath = () => (open.length ? open[open.length - 1]!.path : []);

  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE_OPEN.exec(line);
    // A backtick fence's info string may not contain backticks (CommonMark): ```` ```x``` ```` is inline code.
    if (fence && !(fence[2]![0] === '`' && fence[3]!.includes('`'))) {
      const indent = fence[1]!.replace(/\t/g, '    ').length;
      const marker = fence[2]!;
      const body: string[] = [];
      let j = i + 1;
      let closed = false;
      for (; j < lines.length; j++) {
        const t = lines[j]!.trim();
        if (t.length >= marker.length && t[0] === marker[0] && /^(`+|~+)$/.test(t)) {
          closed = true;
          break;
        }
        body.push(dedent(lines[j]!, indent));
      }
      const endLine = closed ? j + 1 : lines.length;
      if (!closed) warnings.push({ line: i + 1, message: 'unterminated code fence: it runs to the end of the file' });
      blocks.push({ info: fence[3]!, lines: body, startLine: i + 1, endLine, sectionPath: currentPath() });
      i = closed ? j : lines.length;
      prevParagraph = null;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      addHeading(atx[1]!.length, atx[2] ?? '', i + 1);
      prevParagraph = null;
      continue;
    }
    const setext = SETEXT.exec(line);
    if (setext && prevParagraph !== null) {
      // The heading starts on the paragraph line above its underline.
      addHeading(setext[1]![0] === '=' ? 1 : 2, prevParagraph, i);
      prevParagraph = null;
      continue;
    }
    const t = line.trim();
    // Only a plain paragraph line can become a setext heading, not list items, quotes, tables or indented code.
    prevParagraph = t !== '' && !/^\s{4}/.test(line) && !/^([-*+>|]|\d+[.)])(\s|$)/.test(t) ? t : null;
  }
  closeSections(1, lines.length);
  return { sections, blocks, firstH1, warnings };
}

function dedent(line: string, indent: number): string {
  let n = 0;
  while (n < indent && n < line.length && (line[n] === ' ' || line[n] === '\t')) n++;
  return line.slice(n);
}

function cleanTitle(raw: string): string {
  // Closing #s of an ATX heading are decoration; inline code ticks and emphasis are not part of the name.
  const t = raw.trimEnd().replace(/(?:^|[ \t])#+$/, '').replace(/`|\*\*/g, '').trim();
  return t.length > MAX_TITLE ? t.slice(0, MAX_TITLE) : t;
}
