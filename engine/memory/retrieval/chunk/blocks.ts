import { commentBoundary, stripTemplateMarkup, templateFence } from './markup';

/** A run of lines that the chunker keeps together: a paragraph/list/table, a heading, or a fenced code block. */
export interface Block {
  readonly kind: 'heading' | 'text' | 'code';
  /** 1-based, inclusive, in the original file. */
  readonly startLine: number;
  readonly endLine: number;
  readonly lines: readonly string[];
}

export interface Section {
  /** Headings from the outermost down to this section's own; empty before the first heading. */
  readonly headingPath: readonly string[];
  readonly blocks: Block[];
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;

/**
 * Splits Markdown (front matter already removed; `firstLine` is the 1-based number of `lines[0]`) into
 * sections by heading, each a list of blocks. Code blocks are opaque: headings or markup inside them are text.
 */
export function parseSections(lines: readonly string[], firstLine: number): Section[] {
  const sections: Section[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  let current: Section = { headingPath: [], blocks: [] };
  sections.push(current);
  let para: { start: number; lines: string[] } | null = null;

  const flush = (end: number) => {
    if (para && para.lines.some((l) => l.trim() !== '')) {
      current.blocks.push({ kind: 'text', startLine: para.start, endLine: end, lines: para.lines });
    }
    para = null;
  };
  const startSection = (level: number, text: string, lineNo: number, raw: string) => {
    while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, text });
    current = { headingPath: stack.map((h) => h.text), blocks: [] };
    current.blocks.push({ kind: 'heading', startLine: lineNo, endLine: lineNo, lines: [stripTemplateMarkup(raw).trimEnd()] });
    sections.push(current);
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = firstLine + i;

    const fence = FENCE.exec(raw);
    const tfence = templateFence(raw);
    if (fence || tfence === 'open') {
      flush(lineNo - 1);
      const end = fence ? closeFence(lines, i, fence[2]!) : closeTemplateFence(lines, i);
      const body = lines.slice(i, end + 1);
      // Template-tag fences become ordinary fences, so a reader of the chunk sees a normal code block.
      const shown = fence ? body : ['```' + (/highlight\s+([\w+-]+)/.exec(raw)?.[1] ?? ''), ...body.slice(1, -1), '```'];
      current.blocks.push({ kind: 'code', startLine: lineNo, endLine: firstLine + end, lines: shown });
      i = end;
      continue;
    }
    if (commentBoundary(raw) === 'open') {
      flush(lineNo - 1);
      let j = i;
      while (j < lines.length - 1 && commentBoundary(lines[j]!) !== 'close') j++;
      i = j;
      continue;
    }

    const atx = ATX.exec(raw);
    if (atx) {
      flush(lineNo - 1);
      const text = stripTemplateMarkup(atx[2] ?? '').trim();
      startSection(atx[1]!.length, text || '(untitled)', lineNo, raw);
      continue;
    }
    // Setext heading: a one-line paragraph underlined with === or ---.
    if (para && para.lines.length === 1 && /^ {0,3}(=+|-+)[ \t]*$/.test(raw) && isPlainLine(para.lines[0]!)) {
      const title = stripTemplateMarkup(para.lines[0]!).trim();
      const start = para.start;
      para = null;
      startSection(raw.trim().startsWith('=') ? 1 : 2, title, start, `${lines[i - 1]}\n${raw}`);
      continue;
    }

    if (raw.trim() === '') {
      flush(lineNo - 1);
      continue;
    }
    const cleaned = stripTemplateMarkup(raw);
    if (cleaned.trim() === '' && raw.trim() !== '') {
      // A line that held only template markup: keep the paragraph going but add nothing.
      if (para) para.lines.push('');
      continue;
    }
    if (!para) para = { start: lineNo, lines: [] };
    para.lines.push(cleaned);
  }
  flush(firstLine + lines.length - 1);
  return sections.filter((s) => s.blocks.some((b) => b.kind !== 'heading') || s.headingPath.length > 0);
}

function isPlainLine(line: string): boolean {
  return !/^\s*([-*+]|\d+[.)]|>|\|)/.test(line);
}

/** Index of the line that closes the fence opened at `start`; an unclosed fence runs to the end of the file. */
function closeFence(lines: readonly string[], start: number, marker: string): number {
  const close = new RegExp(`^\\s*${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
  for (let j = start + 1; j < lines.length; j++) if (close.test(lines[j]!)) return j;
  return lines.length - 1;
}

function closeTemplateFence(lines: readonly string[], start: number): number {
  for (let j = start + 1; j < lines.length; j++) if (templateFence(lines[j]!) === 'close') return j;
  return lines.length - 1;
}
