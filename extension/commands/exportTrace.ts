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

/** The scheme of the read-only event log documents: a content provider's documents cannot be edited or saved dirty. */
export const EVENT_LOG_SCHEME = 'runbook-agent-log';

/**
 * Serves `runbook-agent-log:/<file>.json?<id>` from the engine: the workflow's hash-chained events, redacted, as a
 * read-only JSON document (no dirty Untitled buffer to close). Reopening it fetches the log again.
 */
export function registerEventLogProvider(deps: CommandDeps): vscode.Disposable {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    async provideTextDocumentContent(uri) {
      const id = decodeURIComponent(uri.query);
      try {
        return (await deps.engine.request(eventLog, { id })).json;
      } catch (error) {
        return JSON.stringify({ error: `cannot read the event log of ${id}: ${(error as Error).message}` }, null, 2);
      }
    },
  };
  return vscode.Disposable.from(changed, vscode.workspace.registerTextDocumentContentProvider(EVENT_LOG_SCHEME, provider));
}

/** "Open Event Log": the workflow's hash-chained events in a read-only JSON editor, nothing written to disk. */
export async function openEventLogCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  try {
    const id = await chooseWorkflow(deps, arg, 'event log do you open');
    if (!id) return;
    const uri = vscode.Uri.from({ scheme: EVENT_LOG_SCHEME, path: `/runbook-agent-${id.slice(0, 8)}-events.json`, query: encodeURIComponent(id) });
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: false });
  } catch (error) {
    deps.log.error(`open event log failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: cannot open the event log: ${(error as Error).message}`);
  }
}
