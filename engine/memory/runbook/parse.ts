// parseRunbook: Markdown text -> sections, steps, context blocks and warnings. It never throws: odd input
// (binary, unterminated fences, CRLF, huge lines, broken attributes) comes back as warnings.
import { readFrontMatter } from './frontMatter';
import { scanMarkdown } from './markdown';
import type { ParsedRunbook, Step, Warning } from './schema';
import { proseSteps } from './proseSteps';
import { blockToStep, hash16 } from './steps';

export interface ParseOptions {
  /** Workspace-relative path of the file; part of every step id. */
  path?: string;
}

/** Text with this share of control characters is taken for binary and not parsed. */
const BINARY_RATIO = 0.1;

export function parseRunbook(text: unknown, options: ParseOptions = {}): ParsedRunbook {
  const path = options.path ?? '';
  const empty: ParsedRunbook = { path, title: null, metadata: {}, sections: [], steps: [], contextBlocks: [], prose: [], warnings: [] };
  if (typeof text !== 'string') return { ...empty, warnings: [{ line: 0, message: `not text: got ${text === null ? 'null' : typeof text}` }] };
  try {
    if (looksBinary(text)) return { ...empty, warnings: [{ line: 0, message: 'looks like binary data, not Markdown: not parsed' }] };
    return parseText(text.replace(/^\uFEFF/, ''), path);
  } catch (e) {
    // A bug of ours must not take the engine down with a runbook; report it like any other problem.
    return { ...empty, warnings: [{ line: 0, message: `internal error while parsing: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}

function parseText(text: string, path: string): ParsedRunbook {
  const lines = text.split(/\r\n|\r|\n/);
  // A final newline ends the last line; it does not start another one.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const warnings: Warning[] = [];
  const front = readFrontMatter(lines);
  warnings.push(...front.warnings);
  const structure = scanMarkdown(lines, front.lineCount);
  warnings.push(...structure.warnings);
  const drafts: Array<Omit<Step, 'id'>> = [];
  const contextBlocks: ParsedRunbook['contextBlocks'] = [];
  for (const block of structure.blocks) {
    const r = blockToStep(block, warnings);
    if ('context' in r) contextBlocks.push(r.context);
    if ('step' in r) drafts.push(r.step);
  }
  const fromProse = proseSteps(structure.prose, structure.indented, new Set(drafts.map((d) => d.command)));
  drafts.push(...fromProse.steps);
  drafts.sort((a, b) => a.startLine - b.startLine);
  // Ids count steps per section path, so an edit in one section leaves the ids of the others unchanged.
  const perSection = new Map<string, number>();
  const steps: Step[] = drafts.map((d) => {
    const key = d.sectionPath.join('\u0000');
    const index = (perSection.get(key) ?? 0) + 1;
    perSection.set(key, index);
    return { id: stepId(path, d.sectionPath, index), ...d };
  });
  warnings.sort((a, b) => a.line - b.line);
  return {
    path,
    title: front.metadata.title ?? structure.firstH1,
    metadata: front.metadata,
    sections: structure.sections,
    steps,
    contextBlocks,
    prose: fromProse.prose,
    warnings,
  };
}

/** sha256 over the path, the section path and the step's 1-based index within that section; 16 hex chars. */
export function stepId(path: string, sectionPath: readonly string[], index: number): string {
  return hash16([path, ...sectionPath, String(index)].join('\u0000'));
}

function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 8192);
  if (!sample) return false;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) control++;
  }
  return control / sample.length > BINARY_RATIO;
}
