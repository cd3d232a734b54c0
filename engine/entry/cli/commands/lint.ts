import path from 'node:path';
import { readWorkspaceText } from '../../../memory/fsafe/readWorkspaceFile';
import { listMarkdown, MAX_RUNBOOK_BYTES } from '../../../planning/runbook/workspace';
import { parseRunbook } from '../../../memory/runbook';
import { lintRunbook, type LintFinding } from '../../../memory/runbook/lint';
import type { CliCommand } from '../command';

/** `runbook-agent lint [--workspace DIR] [--json]`: what keeps each runbook from being automated. Exit 1 when anything is found. */
export const lintCommand: CliCommand = {
  name: 'lint',
  summary: "report what keeps the workspace's runbooks from being automated (prose commands, unfilled placeholders, missing verification)",
  usage: '[--workspace DIR] [--json]',
  options: { workspace: { type: 'string' }, json: { type: 'boolean' } },
  run({ values }, io) {
    const workspace = path.resolve(typeof values.workspace === 'string' ? values.workspace : '.');
    const files: Array<{ path: string; findings: LintFinding[]; problem?: string }> = [];
    for (const rel of listMarkdown(workspace)) {
      try {
        const runbook = parseRunbook(readWorkspaceText(workspace, rel, { maxBytes: MAX_RUNBOOK_BYTES, label: rel }), { path: rel });
        // Only runbooks: a Markdown file with no section or step the engine would plan from is documentation.
        if (runbook.steps.length === 0 && !runbook.sections.some((s) => /^(diagnos|mitigat|remediat|verif|troubleshoot|investigat)/i.test(s.title))) continue;
        files.push({ path: rel, findings: lintRunbook(runbook) });
      } catch (error) {
        files.push({ path: rel, findings: [], problem: (error as Error).message });
      }
    }
    const count = files.reduce((n, f) => n + f.findings.length + (f.problem ? 1 : 0), 0);
    if (values.json) io.out(JSON.stringify({ workspace, runbooks: files.length, findings: count, files }, null, 2));
    else {
      const lines = files.flatMap((f) => [...(f.problem ? [`${f.path}: cannot read: ${f.problem}`] : []), ...f.findings.map((x) => `${f.path}:${x.line}: ${x.rule}: ${x.message}`)]);
      lines.push(`${files.length} runbook(s), ${count} finding(s)`);
      io.out(lines.join('\n'));
    }
    return count > 0 ? 1 : 0;
  },
};
