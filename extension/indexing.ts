import * as vscode from 'vscode';
import { indexProgress, indexWorkspace, retrievalStatus, type IndexResult } from '../protocol/retrieval';
import type { EngineClient } from './engineClient';
import type { AgentStatusBar } from './statusBar';
import { markStepDone, STEP_DONE } from './walkthrough';

const DEBOUNCE_MS = 600;
/** First full index waits a moment after activation, so starting the editor stays quick. */
const INITIAL_DELAY_MS = 1500;

export function excludeSetting(): string[] {
  return vscode.workspace.getConfiguration('runbookAgent').get<string[]>('index.exclude', []);
}

/**
 * Keeps the engine's runbook index in step with the workspace: a full (incremental) pass at start and on
 * demand, then the paths named by file-system events, debounced. The status bar shows the chunk count and
 * whether files changed since they were indexed; long runs show a progress notification.
 */
export function register(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel, status: AgentStatusBar): void {
  const pending = new Map<string, Set<string>>(); // root -> relative paths
  let timer: NodeJS.Timeout | undefined;
  let progressReport: ((p: { message: string; increment?: number }) => void) | undefined;
  let lastFraction = 0;
  const progress = engine.onNotification(indexProgress, (p) => {
    if (!progressReport) return;
    const fraction = p.total ? p.done / p.total : 0;
    const increment = p.phase === 'embed' ? Math.max(0, (fraction - lastFraction) * 100) : undefined;
    if (p.phase === 'embed') lastFraction = fraction;
    progressReport({ message: `${p.phase} ${p.done}/${p.total}`, increment });
  });

  const roots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  const refreshStatus = async () => {
    try {
      const s = await engine.request(retrievalStatus, { roots: roots(), exclude: excludeSetting() });
      if (s.problem) {
        status.setIndex({ text: '$(warning) Runbooks', tooltip: `Runbook index unavailable: ${s.problem}` });
      } else {
        // The walkthrough's "Index the workspace" step is done once the index holds something, however it got there.
        if (s.chunks > 0) markStepDone(STEP_DONE.indexed);
        status.setIndex({
          text: `$(book) ${s.chunks} ${s.chunks === 1 ? 'section' : 'sections'}${s.indexing ? ' $(sync~spin)' : s.staleFiles ? ` $(warning) ${s.staleFiles} stale` : ''}`,
          tooltip:
            `**Runbook index**: ${s.chunks} runbook sections indexed from ${s.documents} files\n\n` +
            `Model: ${s.modelId ?? 'none yet'}\n\nLast indexed: ${s.lastIndexedAt ?? 'never'}\n\n` +
            (s.staleFiles ? `${s.staleFiles} file(s) changed since they were indexed.` : 'Up to date with the workspace.'),
        });
      }
    } catch (error) {
      log.warn(`runbook index status: ${(error as Error).message}`);
    }
  };

  const logResult = (r: IndexResult) => {
    log.info(`indexed ${r.root}: ${r.changed} changed, ${r.unchanged} unchanged, ${r.removed} removed, ${r.embedded} embedded in ${r.ms} ms`);
    for (const s of r.skipped) log.info(`  skipped ${s.path}: ${s.reason}`);
  };

  const indexAll = async (notify: boolean) => {
    const folders = roots();
    if (!folders.length) return;
    await vscode.window.withProgress(
      { location: notify ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: 'Runbook Agent: indexing runbooks' },
      async (progress) => {
        progressReport = (p) => progress.report(p);
        lastFraction = 0;
        try {
          for (const root of folders) logResult(await engine.request(indexWorkspace, { root, exclude: excludeSetting() }));
        } catch (error) {
          log.error(`indexing failed: ${(error as Error).message}`);
          if (notify) void vscode.window.showWarningMessage(`Runbook Agent: indexing failed: ${(error as Error).message}`);
        } finally {
          progressReport = undefined;
        }
      },
    );
    await refreshStatus();
  };

  const flush = async () => {
    timer = undefined;
    const batches = [...pending].map(([root, paths]) => ({ root, paths: [...paths] }));
    pending.clear();
    for (const { root, paths } of batches) {
      try {
        logResult(await engine.request(indexWorkspace, { root, paths, exclude: excludeSetting() }));
      } catch (error) {
        log.error(`re-indexing ${paths.length} path(s) failed: ${(error as Error).message}`);
      }
    }
    await refreshStatus();
  };

  const changed = (uri: vscode.Uri) => {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || folder.uri.scheme !== 'file') return;
    const rel = vscode.workspace.asRelativePath(uri, false);
    if (!rel || rel === uri.fsPath) return;
    const set = pending.get(folder.uri.fsPath) ?? new Set<string>();
    set.add(rel);
    pending.set(folder.uri.fsPath, set);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), DEBOUNCE_MS);
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{md,markdown}');
  const initial = setTimeout(() => void indexAll(false), INITIAL_DELAY_MS);
  context.subscriptions.push(
    progress,
    watcher,
    watcher.onDidCreate(changed),
    watcher.onDidChange(changed),
    watcher.onDidDelete(changed),
    // Folder deletes and renames do not match the Markdown glob; the paths themselves are enough for the engine.
    vscode.workspace.onDidDeleteFiles((e) => e.files.forEach(changed)),
    vscode.workspace.onDidRenameFiles((e) => e.files.forEach((f) => (changed(f.oldUri), changed(f.newUri)))),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void indexAll(false)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('runbookAgent.index.exclude')) void indexAll(false);
    }),
    engine.onDidRestart(() => void refreshStatus()),
    vscode.commands.registerCommand('runbookAgent.reindexRunbooks', () => indexAll(true)),
    { dispose: () => (clearTimeout(initial), timer && clearTimeout(timer)) },
  );
}
