import * as vscode from 'vscode';
import { runRunbook } from '../../protocol/agent';
import { engineRelativePath } from '../folders';
import { blockedByTrust } from '../trust';
import type { CommandDeps } from './deps';

/** "Run This Runbook": the Markdown file in the editor (or the one a menu or CodeLens names) becomes a workflow. */
export async function runRunbookCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  if (blockedByTrust('Run This Runbook')) return;
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  const doc = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!uri || (doc && doc.languageId !== 'markdown')) {
    void vscode.window.showInformationMessage('Runbook Agent: open a Markdown runbook first.');
    return;
  }
  const where = engineRelativePath(uri);
  if (!where) {
    void vscode.window.showWarningMessage('Runbook Agent: the runbook must be a file inside a local workspace folder.');
    return;
  }
  // The engine reads the file from disk: what runs must be what the person sees.
  if (doc?.isDirty && !(await doc.save())) return;
  try {
    const { workflow } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Runbook Agent: starting ${where.path}` },
      () => deps.engine.request(runRunbook, { workspace: where.folder.uri.fsPath, path: where.path }),
    );
    deps.log.info(`runbook ${where.path} started workflow ${workflow.id}`);
    deps.store.markStarted([workflow.id]);
    void deps.store.refresh();
    await deps.open(workflow.id);
  } catch (error) {
    deps.log.error(`run runbook ${where.path} failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: cannot run ${where.path}: ${(error as Error).message}`);
  }
}
