// Totals over many parsed runbooks: shared by the corpus test and bench/runbooks.ts so both report the same numbers.
import fs from 'node:fs';
import path from 'node:path';
import { parseRunbook } from './parse';

export interface CorpusTotals {
  files: number;
  filesWithSteps: number;
  sections: number;
  steps: number;
  /** Where the steps were written: fenced blocks, prose (inline code, `$ ` lines), indented blocks. */
  stepsByOrigin: Record<string, number>;
  stepsByKind: Record<string, number>;
  stepsByLanguage: Record<string, number>;
  commands: number;
  stepsWithSampleOutput: number;
  promptlessConsoleSteps: number;
  stepsWithDeclaredRisk: number;
  placeholders: number;
  placeholdersByForm: Record<string, number>;
  stepsWithPlaceholders: number;
  contextBlocks: number;
  warnings: number;
  /** The most frequent warning messages (with their line numbers removed), to see what the corpus trips over. */
  topWarnings: Array<{ message: string; count: number }>;
}

/** Every .md file under dir, sorted, following no symlinks. */
export function listMarkdown(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.md')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export function corpusTotals(files: Iterable<{ path: string; text: string }>): CorpusTotals {
  const t: CorpusTotals = {
    files: 0, filesWithSteps: 0, sections: 0, steps: 0, stepsByOrigin: { fence: 0, prose: 0, indented: 0 }, stepsByKind: {}, stepsByLanguage: {}, commands: 0,
    stepsWithSampleOutput: 0, promptlessConsoleSteps: 0, stepsWithDeclaredRisk: 0, placeholders: 0,
    placeholdersByForm: { env: 0, angle: 0, template: 0 }, stepsWithPlaceholders: 0, contextBlocks: 0, warnings: 0, topWarnings: [],
  };
  const warningCounts = new Map<string, number>();
  const inc = (r: Record<string, number>, k: string, n = 1) => {
    r[k] = (r[k] ?? 0) + n;
  };
  for (const f of files) {
    const r = parseRunbook(f.text, { path: f.path });
    t.files++;
    if (r.steps.length) t.filesWithSteps++;
    t.sections += r.sections.length;
    t.contextBlocks += r.contextBlocks.length;
    t.warnings += r.warnings.length;
    for (const w of r.warnings) {
      const key = w.message.replace(/:.*$/, '');
      warningCounts.set(key, (warningCounts.get(key) ?? 0) + 1);
    }
    for (const s of r.steps) {
      t.steps++;
      inc(t.stepsByOrigin, s.origin ?? 'fence');
      inc(t.stepsByKind, s.kind);
      inc(t.stepsByLanguage, s.language);
      t.commands += s.commands.length;
      if (s.sampleOutput) t.stepsWithSampleOutput++;
      if (s.promptless) t.promptlessConsoleSteps++;
      if (s.declaredRisk) t.stepsWithDeclaredRisk++;
      if (s.placeholders.length) t.stepsWithPlaceholders++;
      t.placeholders += s.placeholders.length;
      for (const p of s.placeholders) inc(t.placeholdersByForm, p.form);
    }
  }
  t.topWarnings = [...warningCounts].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([message, count]) => ({ message, count }));
  return t;
}
