import * as vscode from 'vscode';
import { answerQuestion, workflowView } from '../../protocol/agent';
import { answerProblem } from '../../protocol/answers';
import { blockedByTrust } from '../trust';
import { workflowIdOf, type CommandDeps } from './deps';
import { pickWorkflow } from './pickWorkflow';

/** "Answer Question": fills a value the planner could not; the workflow then goes on and may run steps. */
export async function answerQuestionCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  if (blockedByTrust('Answer Question (the workflow goes on to run its steps)')) return;
  try {
    const id = workflowIdOf(arg) ?? (await pickWorkflow(deps, (w) => w.needsAnswer, 'Which workflow do you answer?', 'no workflow waits for an answer.'))?.id;
    if (!id) return;
    const view = await deps.engine.request(workflowView, { id });
    if (view.waiting?.kind !== 'question') {
      void vscode.window.showInformationMessage('Runbook Agent: that workflow no longer waits for an answer.');
      return;
    }
    const number = view.waiting.expects === 'number';
    const value = await vscode.window.showInputBox({
      title: `${view.workflow.title}: ${view.waiting.name}${number ? ' (a number)' : ''}`,
      prompt: view.waiting.question,
      placeHolder: number ? 'A number: digits, an optional minus sign and decimals' : undefined,
      ignoreFocusOut: true,
      // Checked here as the engine checks it (the same function), so a word never reaches a number's place.
      validateInput: (v) => answerProblem(v, view.waiting?.kind === 'question' ? view.waiting.expects : undefined),
    });
    if (value === undefined) return;
    await deps.engine.request(answerQuestion, { id, value: number ? value.trim() : value });
    deps.log.info(`answered ${view.waiting.name} for ${id}`);
    void deps.store.refresh();
  } catch (error) {
    deps.log.error(`answer failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: answer failed: ${(error as Error).message}`);
  }
}
