import * as vscode from 'vscode';
import type { StepResult } from '../../protocol/agent';
import { describeLast, type StepResults } from './stepResults';

/** Lenses share one line with no wrapping: the result goes first and the reason is cut short. */
const REASON_CHARS = 48;

/** "▶ Run runbook" on top of a runbook, and per step its risk and last result, from the engine's view of the file. */
export class RunbookCodeLens implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly results: StepResults) {
    this.onDidChangeCodeLenses = results.onDidChange;
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const steps = await this.results.get(doc);
    if (!steps.length) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [new vscode.CodeLens(top, { title: '▶ Run runbook', command: 'runbookAgent.runRunbook', arguments: [doc.uri], tooltip: 'Start a workflow from this runbook' })];
    for (const step of steps) lenses.push(...stepLenses(step, doc.lineCount));
    return lenses;
  }
}

function stepLenses(step: StepResult, lineCount: number): vscode.CodeLens[] {
  // The lens sits above the opening fence.
  const line = Math.min(Math.max(step.startLine - 1, 0), lineCount - 1);
  const range = new vscode.Range(line, 0, line, 0);
  const reason = step.reasons[0];
  const short = reason && reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS - 1)}…` : reason;
  const lenses: vscode.CodeLens[] = [];
  if (step.last) {
    lenses.push(
      new vscode.CodeLens(range, {
        title: describeLast(step.last),
        command: 'runbookAgent.showWorkflow',
        arguments: [step.last.workflowId],
        tooltip: 'Open the workflow that ran this step last',
      }),
    );
  }
  lenses.push(
    new vscode.CodeLens(range, {
      title: short ? `${step.risk}: ${short}` : step.risk,
      command: '',
      tooltip: step.reasons.length ? step.reasons.join('\n') : `classified as ${step.risk}`,
    }),
  );
  return lenses;
}
