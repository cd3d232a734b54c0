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

/** A paragraph, list item or table cell of prose, with the inline code and `$ ` prompt lines in it. */
export interface ProseBlock {
  kind: 'paragraph' | 'item' | 'cell';
  /** The block's text as written (inline Markdown kept), lines joined by newlines. */
  text: string;
  startLine: number;
  endLine: number;
  sectionPath: string[];
  /** Inline code spans, each with the 1-based line it is on. */
  codes: Array<{ text: string; line: number }>;
  /** Lines of the block that start with a `$ ` prompt (a command shown in running text). */
  prompts: Array<{ text: string; line: number }>;
  /** How deep in nested lists (0: not in a list). */
  depth: number;
}

export interface Structure {
  sections: Section[];
  blocks: FencedBlock[];
  /** Indented code blocks (four spaces), as CommonMark renders them: code without a language. */
  indented: FencedBlock[];
  prose: ProseBlock[];
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
  const indented: FencedBlock[] = [];
  const prose: ProseBlock[] = [];
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
  const containers: string[] = []; // open block tokens (list_item_open, paragraph_open, td_open, …)
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.nesting === 1) containers.push(t.type);
    if (t.nesting === -1) containers.pop();
    if (t.type === 'html_block') {
      hidden = followHtml(t.content, hidden);
      continue;
    }
    if (hidden) continue;
    if (t.type === 'inline' && t.map && tokens[i - 1]?.type !== 'heading_open') {
      prose.push(proseBlock(t, lines, currentPath(), containers));
      continue;
    }
    if (!t.map) continue;
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
    } else if (t.type === 'code_block') {
      const content = t.content.replace(/\n$/, '');
      indented.push({ info: '', lines: content.split('\n'), startLine: t.map[0] + 1, endLine: t.map[1], sectionPath: currentPath() });
    }
  }
  closeSections(1, lines.length);
  return { sections, blocks, indented, prose, firstH1, warnings };
}

const PROMPT_LINE = /^\s*\$\s+(\S.*)$/;

function proseBlock(t: Token, lines: readonly string[], sectionPath: string[], containers: readonly string[]): ProseBlock {
  const [start, end] = t.map!;
  const kind = containers.includes('td_open') || containers.includes('th_open') ? 'cell' : containers.includes('list_item_open') ? 'item' : 'paragraph';
  const source = lines.slice(start, end);
  // The line of each code span: the first source line, at or after the previous span's, that holds it.
  const codes: ProseBlock['codes'] = [];
  let from = 0;
  for (const child of t.children ?? []) {
    if (child.type !== 'code_inline') continue;
    const at = source.findIndex((l, k) => k >= from && l.includes(child.content));
    if (at >= 0) from = at;
    codes.push({ text: child.content, line: start + 1 + Math.max(at, from) });
  }
  const prompts = source.flatMap((l, k) => {
    const m = PROMPT_LINE.exec(l);
    return m ? [{ text: m[1]!.trim(), line: start + 1 + k }] : [];
  });
  const depth = containers.filter((c) => c === 'bullet_list_open' || c === 'ordered_list_open').length;
  return { kind, text: t.content, startLine: start + 1, endLine: end, sectionPath, codes, prompts, depth };
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
