import * as vscode from 'vscode';
import { eventLog, exportTrace } from '../../protocol/agent';
import { localFolders } from '../folders';
import { workflowIdOf, type CommandDeps } from './deps';
import { pickWorkflow } from './pickWorkflow';

async function chooseWorkflow(deps: CommandDeps, arg: unknown, verb: string): Promise<string | undefined> {
  return workflowIdOf(arg) ?? (await pickWorkflow(deps, () => true, `Which workflow's ${verb}?`, 'no workflows yet. Triage an alert first.'))?.id;
}

/** "Export Trace": the workflow's OpenTelemetry trace as an OTLP JSON file where the person chooses. */
export async function exportTraceCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  try {
    const id = await chooseWorkflow(deps, arg, 'trace do you export');
    if (!id) return;
    const trace = await deps.engine.request(exportTrace, { id });
    const base = localFolders()[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/');
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(base, trace.fileName), filters: { JSON: ['json'] }, saveLabel: 'Export Trace' });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(trace.json));
    deps.log.info(`exported the trace of ${id} to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Runbook Agent: trace saved to ${vscode.workspace.asRelativePath(target)}.`);
  } catch (error) {
    deps.log.error(`export trace failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: export failed: ${(error as Error).message}`);
  }
}

/** "Open Event Log": the workflow's hash-chained events in an untitled JSON editor, nothing written to disk. */
export async function openEventLogCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  try {
    const id = await chooseWorkflow(deps, arg, 'event log do you open');
    if (!id) return;
    const log = await deps.engine.request(eventLog, { id });
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: log.json });
    await vscode.window.showTextDocument(doc, { preview: false });
  } catch (error) {
    deps.log.error(`open event log failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: cannot open the event log: ${(error as Error).message}`);
  }
}
