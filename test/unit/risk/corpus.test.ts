import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Classification, classifyCommand } from '../../../engine/execution/risk';

const root = path.resolve('..', 'shared', 'corpus', 'runbooks');

/**
 * Command lines of the fenced sh/bash/shell/console blocks, continuations joined. A block with `$ ` prompts is a
 * console transcript: only prompt lines are commands. Placeholders (`<pod>`, `$NAMESPACE`, `{{ $labels.x }}`) are
 * filled with a plain word, as the planner does with alert labels.
 */
function commandsOf(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.matchAll(/^[ \t]*```(sh|bash|shell|console)\b[^\n]*\n([\s\S]*?)^[ \t]*```/gm)) {
    let lines = block[2]!.split('\n').map((l) => l.trim());
    if (block[1] === 'console' || lines.some((l) => l.startsWith('$ '))) lines = lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
    let pending = '';
    for (const line of lines) {
      if (line.endsWith('\\')) {
        pending += `${line.slice(0, -1)} `;
        continue;
      }
      const cmd = (pending + line)
        .replace(/<[A-Za-z][^<>]*>/g, 'value')
        .replace(/\$\{?[A-Z][A-Z0-9_]*\}?/g, 'value')
        .replace(/\{\{[^}]*\}\}/g, 'value')
        .trim();
      pending = '';
      if (cmd && !cmd.startsWith('#')) out.push(cmd);
    }
  }
  return out;
}

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : [],
  );
}

describe.skipIf(!fs.existsSync(root))('classifyCommand on every command line of the public runbooks (needs ../shared)', () => {
  it('classifies each one without throwing, and every kubectl/oc mutation is a write', () => {
    const commands = markdownFiles(root).flatMap((f) => commandsOf(fs.readFileSync(f, 'utf8')));
    expect(commands.length).toBeGreaterThan(500);
    const counts = { read: 0, write: 0 };
    for (const cmd of commands) {
      const r = Classification.parse(classifyCommand(cmd));
      expect(r.reasons.length, cmd).toBeGreaterThan(0);
      counts[r.risk]++;
      if (/^(oc|kubectl)\s+(-n\s+\S+\s+)?(delete|patch|scale|edit|apply|create|drain|cordon|annotate|label|rsh|debug)\b/.test(cmd)) {
        expect(r.risk, cmd).toBe('write');
      }
    }
    // Runbooks are mostly diagnostics: a classifier that called nearly everything a write would be useless.
    expect(counts.read).toBeGreaterThan(counts.write / 2);
  });
});
