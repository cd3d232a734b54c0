import { describe, expect, it } from 'vitest';
import type { LintFindingView } from '../../../protocol/lint';
import { LINT_SOURCE, lintHref, toDiagnostics } from '../../../extension/editor/lintDiagnostics';

const doc = (lines: string[]) => ({ lineCount: lines.length, lineLength: (l: number) => lines[l]!.length });
const finding = (over: Partial<LintFindingView>): LintFindingView => ({
  startLine: 1,
  startColumn: 0,
  endLine: 1,
  endColumn: 1,
  severity: 'warning',
  code: 'prose-command',
  message: 'm',
  ...over,
});

describe('lint findings -> Problems panel diagnostics', () => {
  const lines = ['# Runbook', '', '- Check via `kubectl describe`.', '```sh', 'kubectl rollout restart deploy/$X', '```'];

  it('moves 1-based lines to 0-based positions and keeps the columns', () => {
    const [d] = toDiagnostics([finding({ startLine: 3, startColumn: 12, endLine: 3, endColumn: 30, message: '`kubectl describe` looks like a command' })], doc(lines));
    expect(d).toEqual({
      range: { start: { line: 2, character: 12 }, end: { line: 2, character: 30 } },
      severity: 1,
      message: '`kubectl describe` looks like a command',
      source: LINT_SOURCE,
      code: { value: 'prose-command', target: lintHref('prose-command') },
    });
  });

  it('maps each severity to vscode.DiagnosticSeverity and each kind to its own code and link', () => {
    const kinds = ['prose-command', 'unparsed-command', 'unfilled-placeholder', 'write-without-verification', 'verification-without-threshold', 'parse-warning'] as const;
    const severities = ['error', 'warning', 'information', 'hint'] as const;
    const out = toDiagnostics(kinds.map((code, i) => finding({ code, severity: severities[i % 4]! })), doc(lines));
    expect(out.map((d) => d.severity)).toEqual([0, 1, 2, 3, 0, 1]);
    expect(out.map((d) => d.code.value)).toEqual([...kinds]);
    expect(new Set(out.map((d) => d.code.target)).size).toBe(kinds.length);
    for (const d of out) expect(d.code.target).toMatch(new RegExp(`^https://github\\.com/.+/docs/runbook-lint\\.md#${d.code.value}$`));
  });

  it('spans a fenced step fence to fence', () => {
    const [d] = toDiagnostics([finding({ startLine: 4, startColumn: 0, endLine: 6, endColumn: 3, code: 'write-without-verification' })], doc(lines));
    expect(d!.range).toEqual({ start: { line: 3, character: 0 }, end: { line: 5, character: 3 } });
  });

  it('keeps a finding past the end of a document that shrank since it was read, on its last line', () => {
    const [d] = toDiagnostics([finding({ startLine: 40, startColumn: 5, endLine: 42, endColumn: 9 })], doc(['one', 'two']));
    expect(d!.range.start.line).toBe(1);
    expect(d!.range.end.line).toBe(1);
    expect(d!.range.end.character).toBeLessThanOrEqual(3);
  });

  it('grows an empty span to the whole line so it can be seen, and clamps columns to the line', () => {
    const [empty, wide] = toDiagnostics(
      [finding({ startLine: 1, startColumn: 0, endLine: 1, endColumn: 0 }), finding({ startLine: 3, startColumn: 12, endLine: 3, endColumn: 500 })],
      doc(lines),
    );
    expect(empty!.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: lines[0]!.length } });
    expect(wide!.range.end.character).toBe(lines[2]!.length);
  });

  it('handles line 0 (a parse warning about the file) and an empty document', () => {
    const [d] = toDiagnostics([finding({ startLine: 1, endLine: 1, startColumn: 0, endColumn: 0, code: 'parse-warning' })], { lineCount: 0, lineLength: () => 0 });
    expect(d!.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    expect(toDiagnostics([], doc(lines))).toEqual([]);
  });
});
