// The quality report of one runbook for the editor's Problems panel: `runbook-agent lint`'s findings
// (engine/memory/runbook/lint.ts) with the span each is about (the inline code, the placeholder, the step's lines) and
// a severity, so a squiggle sits under the words it is about, not under a whole paragraph.
import type { LintFindingView, LintSeverity } from '../../../protocol/lint';
import { readWorkspaceText } from '../../memory/fsafe/readWorkspaceFile';
import { MAX_RUNBOOK_BYTES } from '../../planning/runbook/workspace';
import { parseRunbook, type ParsedRunbook } from '../../memory/runbook';
import { lintRunbook, type LintFinding } from '../../memory/runbook/lint';

/** The same test as `runbook-agent lint`: a Markdown file with no step and no phase section is documentation. */
const PHASE_SECTION = /^(diagnos|mitigat|remediat|verif|troubleshoot|investigat)/i;

export function isRunbook(runbook: ParsedRunbook): boolean {
  return runbook.steps.length > 0 || runbook.sections.some((s) => PHASE_SECTION.test(s.title));
}

/** Lints one file of the workspace (read as every runbook read is: a regular file inside it, capped). */
export function lintWorkspaceFile(workspace: string, relPath: string): { runbook: boolean; findings: LintFindingView[] } {
  const text = readWorkspaceText(workspace, relPath, { maxBytes: MAX_RUNBOOK_BYTES, label: relPath });
  return lintText(text, relPath);
}

export function lintText(text: string, relPath: string): { runbook: boolean; findings: LintFindingView[] } {
  const parsed = parseRunbook(text, { path: relPath });
  if (!isRunbook(parsed)) return { runbook: false, findings: [] };
  const lines = text.split(/\r?\n/);
  return { runbook: true, findings: lintRunbook(parsed).map((f) => locate(f, parsed, lines)) };
}

/** How much a finding matters: it costs automation (warning) or only precision (information). */
export function severityOf(f: LintFinding): LintSeverity {
  if (f.rule === 'verification-without-threshold') return 'information';
  if (f.rule === 'prose-command' && f.message.startsWith('no command and no')) return 'information';
  return 'warning';
}

/** The finding with the span it is about, within the file's lines. */
export function locate(f: LintFinding, runbook: ParsedRunbook, lines: readonly string[]): LintFindingView {
  const count = Math.max(lines.length, 1);
  const line = Math.min(Math.max(f.line, 1), count);
  const base = { severity: severityOf(f), code: f.rule, message: f.message };
  const step = runbook.steps.find((s) => s.startLine === f.line);
  const prose = runbook.prose.find((p) => p.startLine === f.line);
  const last = Math.min((f.rule === 'prose-command' ? prose?.endLine : (step?.endLine ?? prose?.endLine)) ?? line, count);
  // The exact text the finding names, searched for from its line to the end of its step or paragraph.
  const needle =
    f.rule === 'prose-command' ? /^`([^`\n]+)`/.exec(f.message)?.[1]
    : f.rule === 'unfilled-placeholder' ? /fills (.+?) by convention/.exec(f.message)?.[1]
    : step?.origin === 'prose' ? step.command
    : undefined;
  if (needle) {
    for (let l = line; l <= last; l++) {
      const at = lines[l - 1]!.indexOf(needle);
      if (at >= 0) return { ...base, startLine: l, startColumn: at, endLine: l, endColumn: at + needle.length };
    }
  }
  // A fenced step: its whole block, fence to fence. Anything else: the line, without its indentation.
  const first = lines[line - 1] ?? '';
  const end = lines[last - 1] ?? '';
  const indent = first.length - first.trimStart().length;
  return { ...base, startLine: line, startColumn: indent, endLine: last, endColumn: Math.max(end.trimEnd().length, last === line ? indent : 0) };
}
