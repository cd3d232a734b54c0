import fs from 'node:fs';
import { parseRunbook } from '../../../memory/runbook';
import type { CliCommand } from '../command';

/** `runbook-agent parse FILE [--json]`: the sections, steps and placeholders the engine reads from one runbook. */
export const parseCommand: CliCommand = {
  name: 'parse',
  summary: 'parse one Markdown runbook: sections, steps (candidate tool calls), placeholders and warnings',
  usage: 'FILE [--json]',
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    const file = positionals[0] ?? '';
    // Read errors (missing file, a directory) are the CLI's exit 1 with the message; parsing itself never throws.
    const r = parseRunbook(fs.readFileSync(file, 'utf8'), { path: file });
    if (values.json) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    const lines = [`${r.title ?? '(untitled)'}  ${r.sections.length} sections, ${r.steps.length} steps`];
    for (const s of r.steps) {
      const tags = [s.kind, s.name, s.declaredRisk && `risk=${s.declaredRisk}`].filter(Boolean).join(' ');
      lines.push(`${s.id}  L${s.startLine}-${s.endLine}  ${s.sectionPath.join(' > ') || '(top)'}  [${tags}]`);
      for (const c of s.commands) lines.push(`    ${c.replace(/\n/g, '\n    ')}`);
      if (s.placeholders.length) lines.push(`    placeholders: ${s.placeholders.map((p) => `${p.raw} (${p.form})`).join(', ')}`);
    }
    for (const w of r.warnings) lines.push(`warning: line ${w.line}: ${w.message}`);
    io.out(lines.join('\n'));
    return 0;
  },
};
