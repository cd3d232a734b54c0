import * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';
import type { WorkflowStore } from '../workflowStore';
import { RunbookCodeLens } from './codeLens';
import { registerFailedSteps } from './failedSteps';
import { RunbookHover } from './hover';
import { StepResults } from './stepResults';

/** CodeLens, hovers and gutter marks on runbooks, refreshed when workflows change and when a runbook is saved. */
export function registerRunbookEditor(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel, store: WorkflowStore): StepResults {
  const results = new StepResults(engine, log);
  const selector: vscode.DocumentSelector = { language: 'markdown', scheme: 'file' };
  context.subscriptions.push(
    results,
    vscode.languages.registerCodeLensProvider(selector, new RunbookCodeLens(results)),
    vscode.languages.registerHoverProvider(selector, new RunbookHover(results)),
    store.onDidChange(() => results.invalidate()),
    engine.onDidRestart(() => results.invalidate()),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.languageId === 'markdown') results.invalidate(doc.uri);
    }),
  );
  registerFailedSteps(context, results);
  return results;
}
