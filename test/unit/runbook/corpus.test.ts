// Every public runbook in ../shared/corpus/runbooks parses without throwing, matches the schema, and yields the
// steps and placeholders its fences promise. Skipped (with a note) when ../shared is absent.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParsedRunbook, parseRunbook } from '../../../engine/memory/runbook';
import { corpusTotals, listMarkdown } from '../../../engine/memory/runbook/corpus';

const RUNBOOKS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'runbooks');
const present = fs.existsSync(RUNBOOKS);
if (!present) console.warn(`runbook corpus test skipped: ${RUNBOOKS} is absent`);

describe.skipIf(!present)('public runbook corpus', () => {
  const files = present ? listMarkdown(RUNBOOKS).map((f) => ({ path: path.relative(RUNBOOKS, f), text: fs.readFileSync(f, 'utf8') })) : [];

  it('every file parses without throwing or internal errors, and matches the schema', () => {
    expect(files.length).toBeGreaterThanOrEqual(380);
    for (const f of files) {
      const r = parseRunbook(f.text, { path: f.path });
      expect(() => ParsedRunbook.parse(r), f.path).not.toThrow();
      expect(r.warnings.filter((w) => w.message.startsWith('internal error')), f.path).toEqual([]);
      expect(new Set(r.steps.map((s) => s.id)).size, f.path).toBe(r.steps.length);
    }
  });

  it('reports steps and placeholders in line with what the fences hold', () => {
    const t = corpusTotals(files);
    console.log(`runbook corpus: ${JSON.stringify({ ...t, topWarnings: undefined })}`);
    // Independent count: opening fences of step languages. Measured 2026-11: 990 fences -> 987 steps; the few
    // missing are empty `# TODO` blocks and a fence swallowed by an unterminated one.
    const fenceOpenings = files.reduce((n, f) => n + (f.text.match(/^[ \t]*(?:```|~~~)[ \t]*(?:sh|bash|shell|zsh|console|promql)\b/gim)?.length ?? 0), 0);
    expect(t.stepsByOrigin.fence).toBeGreaterThanOrEqual(Math.floor(fenceOpenings * 0.97));
    expect(t.stepsByOrigin.fence).toBeLessThanOrEqual(fenceOpenings);
    // Commands in prose and indented blocks (measured 2026-12: 58 prose, 22 indented), never more than the inline
    // code spans and indented blocks there are.
    const spans = files.reduce((n, f) => n + (f.text.match(/`[^`\n]+`/g)?.length ?? 0), 0);
    expect(t.stepsByOrigin.prose).toBeGreaterThanOrEqual(50);
    expect(t.stepsByOrigin.prose).toBeLessThan(spans / 10);
    expect(t.stepsByOrigin.indented).toBeGreaterThanOrEqual(20);
    // Measured: 1006 shell, 61 promql (52 ```promql fences and queries in prose, 9 queries pasted in shell fences),
    // 29 with sample output.
    expect(t.stepsByKind.shell).toBeGreaterThanOrEqual(900);
    expect(t.stepsByKind.promql).toBeGreaterThanOrEqual(55);
    expect(t.stepsWithSampleOutput).toBeGreaterThanOrEqual(25);
    // Measured: 423 angle (<namespace> alone appears ~70 times in steps), 243 env ($NAMESPACE ~120); no alert
    // templates inside commands (the corpus writes them in prose).
    expect(t.placeholdersByForm.angle).toBeGreaterThanOrEqual(400);
    expect(t.placeholdersByForm.env).toBeGreaterThanOrEqual(220);
    // Measured: 16. 6 problems (2 nested front matter keys, 2 empty TODO blocks, 2 unterminated fences), and 10
    // shell fences that hold no shell (9 PromQL queries, 1 sample output, test/unit/runbook/notShell.test.ts).
    // A jump means a regression.
    expect(t.warnings).toBeLessThanOrEqual(20);
    expect(t.sections).toBeGreaterThanOrEqual(t.files);
  });
});
