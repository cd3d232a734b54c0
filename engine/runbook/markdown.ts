// The Markdown structure runbooks use, read with a CommonMark parser (markdown-it) so that only what a reader sees
// rendered counts: headings become sections, fenced blocks become steps. Text that is never rendered is never a
// step: a fence inside an HTML comment or an HTML block, or inside an element hidden with `hidden` or
// `display:none`. (`<details>` renders, folded, so its content counts.)
import MarkdownIt from 'markdown-it';
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

const MAX_TITLE = 200;
// Tables render on every Markdown host runbooks live on (GitHub, GitLab, VS Code); linkify and typography change
// nothing about structure. Raw HTML must be recognised to know what it hides.
const md = new MarkdownIt('commonmark', { html: true }).enable(['table', 'strikethrough']);

type Token = ReturnType<typeof md.parse>[number];

const TAG = /<(\/?)([A-Za-z][\w-]*)\b([^>]*)>/g;
const HIDES = /(^|\s)hidden(\s|=|\/|$)|style\s*=\s*["'][^"']*display\s*:\s*none/i;

/** Follows the tags of raw HTML: inside an element hidden from readers, `hidden` holds its tag and nesting depth. */
function followHtml(html: string, hidden: { tag: string; depth: number } | null): { tag: string; depth: number } | null {
  let state = hidden;
  for (const m of html.matchAll(TAG)) {
    const [closing, tag, attributes] = [m[1] === '/', m[2]!.toLowerCase(), m[3] ?? ''];
    if (state) {
      if (tag === state.tag) state = closing ? (state.depth > 1 ? { tag, depth: state.depth - 1 } : null) : { tag, depth: state.depth + 1 };
    } else if (!closing && HIDES.test(attributes) && !attributes.trim().endsWith('/')) {
      state = { tag, depth: 1 };
    }
  }
  return state;
}

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

  const closeSections = (level: number, lastLine: number) => {
    while (open.length && open[open.length - 1]!.level >= level) {
      const s = open.pop()!;
      s.endLine = Math.max(s.startLine, lastLine);
    }
  };
  const currentPath = () => (open.length ? open[open.length - 1]!.path : []);

  // Front matter lines stay as blank lines, so the parser's line numbers are the file's.
  const body = lines.map((l, i) => (i < bodyStart ? '' : l)).join('\n');
  const tokens = md.parse(body, {});
  let hidden: { tag: string; depth: number } | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'html_block') {
      hidden = followHtml(t.content, hidden);
      continue;
    }
    if (hidden || !t.map) continue;
    if (t.type === 'heading_open') {
      const level = Number(t.tag.slice(1));
      const title = cleanTitle(tokens[i + 1]?.type === 'inline' ? tokens[i + 1]!.content : '');
      const line = t.map[0] + 1;
      closeSections(level, line - 1);
      const s: Section = { path: [...open.map((o) => o.title), title], level, title, startLine: line, endLine: line };
      sections.push(s);
      open.push(s);
      if (level === 1 && firstH1 === null && title) firstH1 = title;
    } else if (t.type === 'fence') {
      blocks.push(fenceBlock(t, lines, currentPath(), warnings));
    }
  }
  closeSections(1, lines.length);
  return { sections, blocks, firstH1, warnings };
}

function fenceBlock(t: Token, lines: readonly string[], sectionPath: string[], warnings: Warning[]): FencedBlock {
  const [start, end] = t.map!;
  const last = lines[end - 1]?.replace(/^[\s>]*/, '').trim() ?? '';
  const fenceChar = t.markup[0]!;
  const closed = end - 1 > start && last.length >= t.markup.length && [...last].every((c) => c === fenceChar);
  if (!closed) warnings.push({ line: start + 1, message: 'unterminated code fence: it runs to the end of the file' });
  const content = t.content.endsWith('\n') ? t.content.slice(0, -1) : t.content;
  return { info: t.info, lines: content === '' && (closed ? end - start <= 2 : end - start <= 1) ? [] : content.split('\n'), startLine: start + 1, endLine: closed ? end : lines.length, sectionPath };
}

function cleanTitle(raw: string): string {
  // Inline code ticks and emphasis are not part of the name.
  // Split, not a `\s*\n\s*` regex: that backtracks quadratically on a long run of spaces.
  const t = raw.replace(/`|\*\*/g, '').split('\n').map((l) => l.trim()).join(' ').trim();
  return t.length > MAX_TITLE ? t.slice(0, MAX_TITLE) : t;
}
