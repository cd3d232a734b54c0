// Prose -> steps: inline code that is a command or a query, `$ ` lines, and indented code blocks that hold only
// commands. Each keeps its sentence as its description and the line it is on as its source. A command also in a
// fenced block of the same runbook is not repeated.
import type { FencedBlock, ProseBlock } from './markdown';
import { findPlaceholders } from './placeholders';
import { isProseCommand, isProseQuery, sentenceAround } from './prose';
import type { ProseItem, Step } from './schema';
import { hash16 } from './steps';
import { splitConsole } from './console';

type Draft = Omit<Step, 'id'>;

function draft(command: string, kind: 'shell' | 'promql', line: number, endLine: number, sectionPath: string[], origin: 'prose' | 'indented', description?: string): Draft {
  return {
    sectionPath,
    startLine: line,
    endLine,
    kind,
    language: kind === 'promql' ? 'promql' : 'sh',
    command,
    commands: [command],
    contentHash: hash16(command),
    attributes: {},
    placeholders: findPlaceholders(command, { shell: kind === 'shell' }),
    origin,
    ...(description ? { description } : {}),
  };
}

export function proseSteps(blocks: readonly ProseBlock[], indented: readonly FencedBlock[], fenced: ReadonlySet<string>): { steps: Draft[]; prose: ProseItem[] } {
  const steps: Draft[] = [];
  const seen = new Set(fenced);
  const add = (d: Draft) => {
    if (seen.has(d.command)) return false;
    seen.add(d.command);
    steps.push(d);
    return true;
  };
  const prose: ProseItem[] = [];
  for (const b of blocks) {
    let hasCommand = false;
    for (const c of b.codes) {
      const kind = isProseCommand(c.text) ? 'shell' : isProseQuery(c.text) ? 'promql' : null;
      if (kind === null) continue;
      hasCommand = true;
      add(draft(c.text.trim(), kind, c.line, c.line, b.sectionPath, 'prose', sentenceAround(b.text, c.text)));
    }
    for (const p of b.prompts) {
      if (!isProseCommand(p.text)) continue;
      hasCommand = true;
      add(draft(p.text, 'shell', p.line, p.line, b.sectionPath, 'prose', sentenceAround(b.text, p.text)));
    }
    prose.push({ kind: b.kind, text: b.text, startLine: b.startLine, endLine: b.endLine, sectionPath: b.sectionPath, hasCommand, depth: b.depth });
  }
  for (const block of indented) {
    const lines = block.lines.filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    // A session (`$ ` prompts) gives its commands; otherwise every line must be a command, or it is output.
    const split = lines.some((l) => /^\s*\$\s/.test(l)) ? splitConsole(lines) : null;
    const commands = split ? split.commands : lines;
    if (commands.length === 0 || !commands.every((c) => isProseCommand(c))) continue;
    const d = draft(commands.join('\n'), 'shell', block.startLine, block.endLine, block.sectionPath, 'indented');
    add({ ...d, commands, ...(split?.sampleOutput ? { sampleOutput: split.sampleOutput } : {}) });
  }
  return { steps, prose };
}
