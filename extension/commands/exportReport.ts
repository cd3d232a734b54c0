/**
 * "Export Incident Report": the workflow's incident summary as a Markdown postmortem draft, written into a folder
 * of the workspace the person chooses (`<folder>/<date>-<alert>.md`, never over an existing file), then opened.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { incidentReport } from '../../protocol/agent';
import { localFolders } from '../folders';
import { workflowIdOf, type CommandDeps } from './deps';
import { pickWorkflow } from './pickWorkflow';

const LAST_FOLDER_KEY = 'runbookAgent.reportFolder';
/** Where postmortems usually live; offered first when nothing was chosen before. */
const SUGGESTED = ['postmortems', 'docs/postmortems', 'incidents'];

interface FolderItem extends vscode.QuickPickItem {
  readonly dir?: string;
  readonly browse?: boolean;
}

/** `dir` if it lies inside a local workspace folder (after resolving symlinks of what exists). */
async function insideWorkspace(dir: string): Promise<boolean> {
  let probe = path.resolve(dir);
  // The folder may not exist yet: check the nearest ancestor that does.
  while (!(await fs.stat(probe).catch(() => undefined))) {
    const up = path.dirname(probe);
    if (up === probe) return false;
    probe = up;
  }
  const real = await fs.realpath(probe).catch(() => undefined);
  if (!real) return false;
  for (const folder of localFolders()) {
    const base = await fs.realpath(folder.uri.fsPath).catch(() => undefined);
    if (!base) continue;
    const rel = path.relative(base, real);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return true;
  }
  return false;
}

async function folderItems(deps: CommandDeps): Promise<FolderItem[]> {
  const items: FolderItem[] = [];
  const seen = new Set<string>();
  const add = (dir: string, item: Omit<FolderItem, 'dir'>) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    items.push({ ...item, dir });
  };
  const last = deps.context.workspaceState.get<string>(LAST_FOLDER_KEY);
  const folders = localFolders();
  const rel = (dir: string) => {
    const folder = folders.find((f) => dir === f.uri.fsPath || dir.startsWith(f.uri.fsPath + path.sep));
    const inside = folder ? path.relative(folder.uri.fsPath, dir).split(path.sep).join('/') : dir;
    return folders.length > 1 && folder ? `${folder.name}/${inside}` : inside || '.';
  };
  if (last && (await insideWorkspace(last))) add(last, { label: `$(history) ${rel(last)}/`, description: 'last used' });
  for (const folder of folders) {
    for (const s of SUGGESTED) {
      const dir = path.join(folder.uri.fsPath, ...s.split('/'));
      const exists = (await fs.stat(dir).catch(() => undefined))?.isDirectory() ?? false;
      if (exists || s === SUGGESTED[0]) add(dir, { label: `$(folder) ${rel(dir)}/`, description: exists ? 'postmortems' : 'new folder' });
    }
    const entries = await fs.readdir(folder.uri.fsPath, { withFileTypes: true }).catch(() => []);
    for (const e of entries.filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules').sort((a, b) => a.name.localeCompare(b.name))) {
      add(path.join(folder.uri.fsPath, e.name), { label: `$(folder) ${rel(path.join(folder.uri.fsPath, e.name))}/` });
    }
    add(folder.uri.fsPath, { label: `$(root-folder) ${folders.length > 1 ? folder.name : '(workspace root)'}`, description: folder.uri.fsPath });
  }
  items.push({ label: '$(folder-opened) Choose another folder…', browse: true });
  return items;
}

async function chooseFolder(deps: CommandDeps): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(await folderItems(deps), {
    title: 'Export Incident Report: which folder of the workspace?',
    placeHolder: 'The postmortem draft is written there as <date>-<alert>.md',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (!picked.browse) return picked.dir;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: localFolders()[0]?.uri,
    openLabel: 'Export Here',
    title: 'Export Incident Report into…',
  });
  return chosen?.[0]?.fsPath;
}

/** `name`, or `name-2.md`, `name-3.md`… when a draft is there already: a person's edits are never overwritten. */
async function freeName(dir: string, name: string): Promise<string> {
  const stem = name.replace(/\.md$/, '');
  for (let i = 1; i < 1000; i++) {
    const file = path.join(dir, i === 1 ? name : `${stem}-${i}.md`);
    if (!(await fs.stat(file).catch(() => undefined))) return file;
  }
  throw new Error(`too many reports named ${stem} in ${dir}`);
}

export async function exportIncidentReportCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  try {
    if (!localFolders().length) {
      void vscode.window.showWarningMessage('Runbook Agent: open a workspace folder first; the incident report is written into it.');
      return;
    }
    const id = workflowIdOf(arg) ?? (await pickWorkflow(deps, () => true, 'Which workflow\'s incident report?', 'no workflows yet. Triage an alert first.'))?.id;
    if (!id) return;
    const report = await deps.engine.request(incidentReport, { id });
    const dir = await chooseFolder(deps);
    if (!dir) return;
    if (!(await insideWorkspace(dir))) {
      void vscode.window.showWarningMessage(`Runbook Agent: ${dir} is not inside this window's workspace folders; the report goes into the workspace.`);
      return;
    }
    await fs.mkdir(dir, { recursive: true });
    const file = await freeName(dir, report.fileName);
    const uri = vscode.Uri.file(file);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(report.markdown));
    await deps.context.workspaceState.update(LAST_FOLDER_KEY, dir);
    deps.log.info(`wrote the incident report of ${id} to ${file}`);
    // From the panel: beside it, so the panel stays in view.
    const fromPanel = vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview;
    await vscode.window.showTextDocument(uri, { preview: false, ...(fromPanel ? { viewColumn: vscode.ViewColumn.Beside } : {}) });
    void vscode.window.showInformationMessage(`Runbook Agent: incident report written to ${vscode.workspace.asRelativePath(uri)}.`);
  } catch (error) {
    deps.log.error(`export incident report failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: export failed: ${(error as Error).message}`);
  }
}
