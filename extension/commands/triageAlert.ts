import * as vscode from 'vscode';
import { triageAlert } from '../../protocol/agent';
import { localFolders, pickFolder } from '../folders';
import { blockedByTrust } from '../trust';
import type { CommandDeps } from './deps';

const RECENT_KEY = 'runbookAgent.recentAlerts';
const RECENT_MAX = 10;
/** Kept in workspace state; a huge payload is triaged but not remembered. */
const RECENT_MAX_CHARS = 100_000;

interface Source extends vscode.QuickPickItem {
  readonly read: () => Promise<{ text: string; folder?: vscode.WorkspaceFolder } | undefined>;
}

/** "Triage Alert...": an alert from the clipboard, typed text, a JSON file or a recent one becomes workflows. */
export async function triageAlertCommand(deps: CommandDeps): Promise<void> {
  if (blockedByTrust('Triage Alert (it runs read-only diagnostics)')) return;
  const source = await vscode.window.showQuickPick(await sources(deps), { title: 'Triage Alert', placeHolder: 'Where is the alert?', matchOnDescription: true });
  let input;
  try {
    input = source && 'read' in source ? await source.read() : undefined;
  } catch (error) {
    void vscode.window.showErrorMessage(`Runbook Agent: ${(error as Error).message}`);
    return;
  }
  if (!input?.text.trim()) return;
  const folder = input.folder ?? (await pickFolder('triage the alert in'));
  if (!folder) return;
  const text = input.text;
  try {
    const { workflows } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Runbook Agent: triaging the alert' },
      () => deps.engine.request(triageAlert, { workspace: folder.uri.fsPath, text }),
    );
    await remember(deps.context, text);
    deps.store.markStarted(workflows.map((w) => w.id));
    void deps.store.refresh();
    if (!workflows.length) {
      void vscode.window.showInformationMessage('Runbook Agent: the alert held nothing to triage (resolved alerts start no workflow).');
      return;
    }
    deps.log.info(`triaged an alert into ${workflows.map((w) => w.id).join(', ')}`);
    if (workflows.length > 1) void vscode.window.showInformationMessage(`Runbook Agent: the alert started ${workflows.length} workflows; see the Workflows view.`);
    await deps.open(workflows[0]!.id);
  } catch (error) {
    deps.log.error(`triage failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: triage failed: ${(error as Error).message}`);
  }
}

async function sources(deps: CommandDeps): Promise<Array<Source | vscode.QuickPickItem>> {
  const items: Array<Source | vscode.QuickPickItem> = [
    { label: '$(clippy) From clipboard', description: 'Alertmanager JSON, plain JSON or text', read: async () => ({ text: await vscode.env.clipboard.readText() }) },
    {
      label: '$(edit) Type or paste a line…',
      description: 'one line, e.g. "checkout is down"',
      read: async () => {
        const text = await vscode.window.showInputBox({ title: 'Triage Alert', prompt: 'The alert as text or JSON (for multi-line text use "From clipboard")', ignoreFocusOut: true });
        return text ? { text } : undefined;
      },
    },
    { label: '$(file) Open a JSON file…', read: () => openJsonFile() },
  ];
  const files = await recentFiles();
  const texts = deps.context.workspaceState.get<string[]>(RECENT_KEY, []);
  if (files.length || texts.length) items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator });
  for (const uri of files) {
    items.push({ label: `$(json) ${uri.path.split('/').pop()}`, description: vscode.workspace.asRelativePath(uri), read: () => readFile(uri) });
  }
  for (const text of texts) {
    items.push({ label: `$(history) ${firstLine(text)}`, description: `${text.length} characters`, read: async () => ({ text }) });
  }
  return items;
}

/** JSON files in an alerts/ folder anywhere in the workspace: where teams keep sample alerts. */
async function recentFiles(): Promise<vscode.Uri[]> {
  if (!localFolders().length) return [];
  const found = await vscode.workspace.findFiles('**/alerts/*.json', '**/node_modules/**', 50);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

async function openJsonFile() {
  const [uri] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Alert JSON': ['json'] }, openLabel: 'Triage' })) ?? [];
  return uri ? readFile(uri) : undefined;
}

/** Alerts are small; the engine's intake takes at most 1 MiB. */
const MAX_ALERT_BYTES = 1024 * 1024;

async function readFile(uri: vscode.Uri) {
  // alerts/ is the repository's: a link (to /dev/zero, or out of the workspace), a FIFO or a huge file is refused.
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type !== vscode.FileType.File) throw new Error(`${vscode.workspace.asRelativePath(uri)} is not a regular file (links and special files are not read)`);
  if (stat.size > MAX_ALERT_BYTES) throw new Error(`${vscode.workspace.asRelativePath(uri)} is ${stat.size} bytes, more than an alert may be (1 MiB)`);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  return { text, folder: vscode.workspace.getWorkspaceFolder(uri) };
}

async function remember(context: vscode.ExtensionContext, text: string) {
  if (text.length > RECENT_MAX_CHARS) return;
  const previous = context.workspaceState.get<string[]>(RECENT_KEY, []).filter((t) => t !== text);
  await context.workspaceState.update(RECENT_KEY, [text, ...previous].slice(0, RECENT_MAX));
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
