import { contentHash } from '../hash';
import { parseSections, type Block, type Section } from './blocks';
import { readFrontMatter } from './frontMatter';
import { estimateTokens } from './tokens';

export interface Chunk {
  /** Stable id: the same section of the same file keeps its key when other parts of the file change. */
  readonly key: string;
  readonly ordinal: number;
  readonly startLine: number;
  readonly endLine: number;
  readonly headingPath: readonly string[];
  readonly text: string;
  /** What the embedder sees (title and heading path, then the text); its hash keys the embedding cache. */
  readonly embedText: string;
  readonly textHash: string;
  /** Estimated tokens of `text` (pessimistic; see tokens.ts). */
  readonly tokens: number;
}

export interface ChunkedDocument {
  readonly title: string;
  /** Alert names from the front matter (`alert:`, `alerts:`): strong lexical evidence for those alerts. */
  readonly alerts: readonly string[];
  /** Content hash of the whole file: the version every chunk of it records. */
  readonly version: string;
  readonly chunks: Chunk[];
}

export interface ChunkOptions {
  /** The embedding model's token limit. */
  readonly maxTokens?: number;
  /** Mixed into chunk keys so two workspaces holding the same relative path never collide. */
  readonly keyPrefix?: string;
}

interface Piece {
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
  readonly tokens: number;
  readonly kind: Block['kind'];
}

/** Cuts a Markdown document into heading-aware chunks no larger than the model's token limit. */
export function chunkMarkdown(path: string, content: string, options: ChunkOptions = {}): ChunkedDocument {
  const maxTokens = options.maxTokens ?? 256;
  const lines = content.split(/\r?\n/);
  const front = readFrontMatter(lines);
  const sections = parseSections(lines.slice(front.lines), front.lines + 1);
  const title = front.title ?? sections.find((s) => s.headingPath.length)?.headingPath[0] ?? baseName(path);

  const chunks: Chunk[] = [];
  const seen = new Map<string, number>();
  for (const section of sections) {
    if (!section.blocks.some((b) => b.kind !== 'heading')) continue; // its heading lives on in its children's paths
    const pathKey = section.headingPath.join('\u0000');
    const occurrence = seen.get(pathKey) ?? 0;
    seen.set(pathKey, occurrence + 1);
    // The title/heading prefix and [CLS]/[SEP] share the model's window with the text.
    const overhead = estimateTokens(embeddingText(title, section.headingPath, '')) + 2;
    const parts = packSection(section, Math.max(32, maxTokens - overhead));
    parts.forEach((part, partIndex) => {
      const text = part.map((p) => p.text).join('\n\n');
      const embedText = embeddingText(title, section.headingPath, text);
      chunks.push({
        key: contentHash(`${options.keyPrefix ?? ''}\u0000${path}\u0000${pathKey}\u0000${occurrence}\u0000${partIndex}`),
        ordinal: chunks.length,
        startLine: part[0]!.startLine,
        endLine: part[part.length - 1]!.endLine,
        headingPath: section.headingPath,
        text,
        embedText,
        textHash: contentHash(embedText),
        tokens: part.reduce((n, p) => n + p.tokens, 0),
      });
    });
  }
  return { title, alerts: front.alerts, version: contentHash(content), chunks };
}

/**
 * Packs a section's blocks greedily into parts of at most `max` tokens. A code block is never cut, even when
 * it alone exceeds the limit. When a section must be split, each new part repeats the previous part's last
 * short prose block, so a sentence that introduces a command stays next to it.
 */
function packSection(section: Section, max: number): Piece[][] {
  const pieces = section.blocks.flatMap((b) => toPieces(b, max));
  const total = pieces.reduce((n, p) => n + p.tokens, 0);
  if (total <= max) return [pieces];

  const parts: Piece[][] = [];
  let part: Piece[] = [];
  let size = 0;
  for (const piece of pieces) {
    if (part.length && size + piece.tokens > max) {
      parts.push(part);
      const last = part[part.length - 1]!;
      const carry = last.kind === 'text' && last.tokens <= max / 4 && last.tokens + piece.tokens <= max;
      part = carry ? [last] : [];
      size = carry ? last.tokens : 0;
    }
    part.push(piece);
    size += piece.tokens;
  }
  if (part.length) parts.push(part);
  return parts;
}

/** A block as pieces no larger than `max`: code stays whole; long prose splits by line, then by words. */
function toPieces(block: Block, max: number): Piece[] {
  const text = block.lines.join('\n');
  const tokens = estimateTokens(text);
  if (tokens <= max || block.kind === 'code') return [{ ...block, text, tokens }];
  const out: Piece[] = [];
  let acc: string[] = [];
  let accTokens = 0;
  let accStart = block.startLine;
  const push = (endLine: number) => {
    if (acc.length) out.push({ kind: block.kind, startLine: accStart, endLine, text: acc.join('\n'), tokens: accTokens });
    acc = [];
    accTokens = 0;
  };
  block.lines.forEach((line, i) => {
    const lineNo = block.startLine + i;
    const lineTokens = estimateTokens(line);
    if (lineTokens > max) {
      push(lineNo - 1);
      for (const words of splitWords(line, max)) out.push({ kind: block.kind, startLine: lineNo, endLine: lineNo, text: words, tokens: estimateTokens(words) });
      accStart = lineNo + 1;
      return;
    }
    if (accTokens + lineTokens > max) {
      push(lineNo - 1);
      accStart = lineNo;
    }
    acc.push(line);
    accTokens += lineTokens;
  });
  push(block.endLine);
  return out;
}

function splitWords(line: string, max: number): string[] {
  const out: string[] = [];
  let acc = '';
  for (const word of line.split(/(?<=\s)/)) {
    if (acc && estimateTokens(acc + word) > max) {
      out.push(acc.trim());
      acc = '';
    }
    acc += word;
  }
  if (acc.trim()) out.push(acc.trim());
  return out;
}

function baseName(path: string): string {
  return path.split('/').pop()!.replace(/\.(md|markdown)$/i, '');
}

/** The text the embedder sees: the document title and heading path give a section its context. */
export function embeddingText(title: string, headingPath: readonly string[], text: string): string {
  const context = [title, ...headingPath].filter((h, i, all) => h && all.indexOf(h) === i).join(' > ');
  return context ? `${context}\n${text}` : text;
}
