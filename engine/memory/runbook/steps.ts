// One fenced block -> a step (shell or PromQL) or a context block. One step per block: a block is what the
// author meant to run together, so `command` is the whole block (as a shell tool would run it) and `commands`
// lists its logical commands.
import { createHash } from 'node:crypto';
import { parseInfoString } from './attributes';
import { hasPrompt, splitConsole } from './console';
import type { FencedBlock } from './markdown';
import { findPlaceholders } from './placeholders';
import type { ContextBlock, Step, Warning } from './schema';
import { intoDebugShell } from './debugShell';
import { shellBlockIs } from './notShell';
import { splitShellCommands } from './shell';

const clip = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'zsh', 'console']);
export const PROMQL_LANGUAGES = new Set(['promql']);

export type BlockResult = { step: Omit<Step, 'id'> } | { context: ContextBlock } | { empty: true };

export function hash16(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Lines typed into `oc debug node/…`'s shell go to its pod (debugShell.ts); lint says when they cannot. */
function debugShell(commands: string[], line: number, warnings: Warning[]): string[] {
  const d = intoDebugShell(commands);
  if (d.note && d.commands.length === commands.length) warnings.push({ line, message: d.note });
  return d.commands;
}

export function blockToStep(block: FencedBlock, warnings: Warning[]): BlockResult {
  const info = parseInfoString(block.info);
  for (const p of info.problems) warnings.push({ line: block.startLine, message: p });
  const where = { sectionPath: block.sectionPath, startLine: block.startLine, endLine: block.endLine };
  const language = info.language;
  if (!SHELL_LANGUAGES.has(language) && !PROMQL_LANGUAGES.has(language)) {
    return { context: { ...where, language, text: block.lines.join('\n') } };
  }
  let commands: string[];
  let sampleOutput: string | undefined;
  let promptless: boolean | undefined;
  let command: string;
  let kind: 'shell' | 'promql' = PROMQL_LANGUAGES.has(language) ? 'promql' : 'shell';
  if (PROMQL_LANGUAGES.has(language)) {
    // Queries are separated by blank lines; `#` lines are PromQL comments.
    commands = block.lines
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n')
      .split(/\n\s*\n/)
      .map((q) => q.trim())
      .filter(Boolean);
    command = commands.join('\n\n');
  } else if (language === 'console' || hasPrompt(block.lines)) {
    // Authors often paste a terminal session into a sh/bash fence: a prompt line means console rules apply.
    const split = splitConsole(block.lines, language !== 'console');
    commands = debugShell(split.commands, block.startLine, warnings);
    if (split.sampleOutput) sampleOutput = split.sampleOutput;
    if (split.promptless) promptless = true;
    command = commands.join('\n');
  } else {
    commands = debugShell(splitShellCommands(block.lines), block.startLine, warnings);
    command = commands.join('\n');
    const is = commands.length > 0 ? shellBlockIs(command) : 'shell';
    if (is === 'output') {
      warnings.push({ line: block.startLine, message: `${language} block reads as output, not a command (\`${clip(commands[0]!)}\` names no program); it is not planned` });
      return { empty: true };
    }
    if (is === 'promql') {
      warnings.push({ line: block.startLine, message: `${language} block holds a PromQL query, not shell; it is planned as a query` });
      kind = 'promql';
      commands = [command];
    }
  }
  if (!commands.length) {
    if (!sampleOutput) warnings.push({ line: block.startLine, message: `${language} block without any command` });
    return { empty: true };
  }
  const name = typeof info.attributes.name === 'string' && info.attributes.name ? info.attributes.name : undefined;
  const step: Omit<Step, 'id'> = {
    ...(name ? { name } : {}),
    ...where,
    kind,
    language,
    command,
    commands,
    contentHash: hash16(command),
    attributes: info.attributes,
    ...(info.declaredRisk ? { declaredRisk: info.declaredRisk } : {}),
    placeholders: findPlaceholders(command, { shell: kind === 'shell' }),
    ...(sampleOutput !== undefined ? { sampleOutput } : {}),
    ...(promptless ? { promptless } : {}),
  };
  return { step };
}
