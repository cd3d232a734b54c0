import * as vscode from 'vscode';
import { describeLast, stepAt, type StepResults } from './stepResults';

const OUTPUT_CHARS = 4000;

/** Over a step's lines: its risk, its last run and that run's output (already redacted by the engine). */
export class RunbookHover implements vscode.HoverProvider {
  constructor(private readonly results: StepResults) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const step = stepAt(await this.results.get(doc), position.line);
    if (!step) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['runbookAgent.showWorkflow'] };
    md.appendMarkdown(`**Runbook Agent** · step \`${step.stepId}\` · ${step.risk}\n\n`);
    for (const reason of step.reasons) md.appendMarkdown(`- ${escape(reason)}\n`);
    if (!step.last) {
      md.appendMarkdown('\nNot run yet.');
      return new vscode.Hover(md);
    }
    const link = `command:runbookAgent.showWorkflow?${encodeURIComponent(JSON.stringify([step.last.workflowId]))}`;
    md.appendMarkdown(`\n**Last run**: ${describeLast(step.last)} (${escape(step.last.at)}) · [open workflow](${link})\n\n`);
    if (step.last.output) {
      const output = step.last.output.length > OUTPUT_CHARS ? `${step.last.output.slice(0, OUTPUT_CHARS)}\n…` : step.last.output;
      md.appendCodeblock(output, 'text');
    }
    return new vscode.Hover(md);
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
