// From the engine's lint findings (protocol/lint.ts) to what the Problems panel shows, without `vscode`, so the
// mapping is tested as a pure function: 0-based positions kept inside the document, severities as
// vscode.DiagnosticSeverity numbers, and per finding kind a code that links to its explanation.
import type { LintFindingView, LintRule, LintSeverity } from '../../protocol/lint';

/** The Problems panel's source column and the DiagnosticCollection's name. */
export const LINT_SOURCE = 'Runbook Agent';

/** Where each finding kind is explained (a heading per kind). */
export const LINT_DOCS = 'https://github.com/runbook-agent/runbook-agent/blob/main/docs/runbook-lint.md';

/** vscode.DiagnosticSeverity: Error 0, Warning 1, Information 2, Hint 3. */
const SEVERITY: Record<LintSeverity, 0 | 1 | 2 | 3> = { error: 0, warning: 1, information: 2, hint: 3 };

export interface Position {
  line: number;
  character: number;
}

export interface DiagnosticData {
  range: { start: Position; end: Position };
  severity: 0 | 1 | 2 | 3;
  message: string;
  source: string;
  code: { value: LintRule; target: string };
}

/** What the mapping needs of the document: its lines as the editor holds them. */
export interface LintDocument {
  readonly lineCount: number;
  lineLength(line: number): number;
}

export function lintHref(rule: LintRule): string {
  return `${LINT_DOCS}#${rule}`;
}

/**
 * The diagnostics of one runbook. Lines are 1-based in the findings and 0-based in the editor; a finding past
 * the end of the document (the file changed since it was read) is moved to its last line, never dropped, and an
 * empty span grows to the whole line so the squiggle can be seen.
 */
export function toDiagnostics(findings: readonly LintFindingView[], doc: LintDocument): DiagnosticData[] {
  const lastLine = Math.max(doc.lineCount - 1, 0);
  const clampLine = (line: number) => Math.min(Math.max(line - 1, 0), lastLine);
  return findings.map((f) => {
    const startLine = clampLine(f.startLine);
    const endLine = Math.max(clampLine(f.endLine), startLine);
    let startChar = Math.min(f.startColumn, doc.lineLength(startLine));
    let endChar = Math.min(f.endColumn, doc.lineLength(endLine));
    if (endLine === startLine && endChar <= startChar) {
      startChar = 0;
      endChar = doc.lineLength(startLine);
    }
    return {
      range: { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } },
      severity: SEVERITY[f.severity],
      message: f.message,
      source: LINT_SOURCE,
      code: { value: f.code, target: lintHref(f.code) },
    };
  });
}
