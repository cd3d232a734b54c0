/**
 * The runbook quality report in the editor (issue 11, capability 5): the findings of `runbook-agent lint` for one
 * Markdown file, with the lines and columns they are about, for the Problems panel.
 */
import { z } from 'zod';
import { defineRequest } from './define';

/** The kinds of finding, as `runbook-agent lint` names them (engine/memory/runbook/lint.ts). */
export const LintRule = z.enum(['prose-command', 'unparsed-command', 'unfilled-placeholder', 'write-without-verification', 'verification-without-threshold', 'parse-warning']);
export type LintRule = z.infer<typeof LintRule>;

export const LintSeverity = z.enum(['error', 'warning', 'information', 'hint']);
export type LintSeverity = z.infer<typeof LintSeverity>;

export const LintFindingView = z.object({
  /** 1-based, inclusive lines; columns are 0-based and end-exclusive (UTF-16 units, as editors count). */
  startLine: z.number().int().positive(),
  startColumn: z.number().int().nonnegative(),
  endLine: z.number().int().positive(),
  endColumn: z.number().int().nonnegative(),
  severity: LintSeverity,
  /** The finding kind: its code in the Problems panel. */
  code: LintRule,
  message: z.string(),
});
export type LintFindingView = z.infer<typeof LintFindingView>;

/**
 * Lints one workspace file. `runbook` is false for a Markdown file the engine does not read as a runbook (no step
 * and no Diagnosis/Mitigation/Verification section): it gets no findings, as with `runbook-agent lint`.
 */
export const lintRunbook = defineRequest(
  'runbookAgent/lintRunbook',
  z.object({ workspace: z.string().min(1).max(4096), path: z.string().min(1).max(4096) }).strict(),
  z.object({ runbook: z.boolean(), findings: z.array(LintFindingView) }),
);
