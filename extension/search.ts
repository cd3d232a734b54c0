import * as vscode from 'vscode';
import { searchRunbooks, type SearchHit } from '../protocol/retrieval';
import type { EngineClient } from './engineClient';

const TYPING_DEBOUNCE_MS = 250;

interface HitItem extends vscode.QuickPickItem {
  readonly hit: SearchHit;
}

function toItem(hit: SearchHit): HitItem {
  return {
    label: hit.heading || hit.path,
    description: `${hit.path}:${hit.startLine}-${hit.endLine}${hit.stale ? '  $(warning) changed since indexed' : ''}`,
    detail: hit.preview.replace(/\s+/g, ' ').slice(0, 200),
    hit,
  };
}

/** Opens the hit's file with its lines selected. */
export async function openHit(hit: SearchHit): Promise<void> {
  const uri = vscode.Uri.joinPath(vscode.Uri.file(hit.root), ...hit.path.split('/'));
  const doc = await vscode.workspace.openTextDocument(uri);
  const last = Math.min(hit.endLine, doc.lineCount) - 1;
  const range = new vscode.Range(hit.startLine - 1, 0, last, doc.lineAt(Math.max(last, 0)).text.length);
  await vscode.window.showTextDocument(doc, { selection: range, preview: true });
}

/** "Runbook Agent: Search Runbooks": a quick pick that searches as you type (hybrid ranking in the engine). */
export function register(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('runbookAgent.searchRunbooks', (initial?: unknown) => {
      const pick = vscode.window.createQuickPick<HitItem>();
      pick.title = 'Search Runbooks';
      pick.placeholder = 'Describe the alert or the problem, e.g. "etcd members down"';
      pick.matchOnDescription = false;
      pick.matchOnDetail = false;
      let timer: NodeJS.Timeout | undefined;
      let generation = 0;
      const run = async (query: string) => {
        const mine = ++generation;
        if (!query.trim()) {
          pick.items = [];
          return;
        }
        pick.busy = true;
        try {
          const { hits } = await engine.request(searchRunbooks, { query, k: 20 });
          if (mine !== generation) return;
          // Items keep the engine's order: the quick pick must not re-filter by its own fuzzy match.
          pick.items = hits.map((h) => ({ ...toItem(h), alwaysShow: true }));
          if (!hits.length) pick.placeholder = 'No matches. Is the workspace indexed? (Runbook Agent: Reindex Workspace)';
        } catch (error) {
          log.error(`search failed: ${(error as Error).message}`);
          pick.items = [];
          pick.placeholder = `Search failed: ${(error as Error).message}`;
        } finally {
          if (mine === generation) pick.busy = false;
        }
      };
      pick.onDidChangeValue((value) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void run(value), TYPING_DEBOUNCE_MS);
      });
      pick.onDidAccept(async () => {
        const item = pick.selectedItems[0];
        if (!item) return;
        pick.hide();
        try {
          await openHit(item.hit);
        } catch (error) {
          void vscode.window.showErrorMessage(`Runbook Agent: cannot open ${item.hit.path}: ${(error as Error).message}`);
        }
      });
      pick.onDidHide(() => {
        if (timer) clearTimeout(timer);
        pick.dispose();
      });
      if (typeof initial === 'string' && initial) {
        pick.value = initial;
        void run(initial);
      }
      pick.show();
    }),
  );
}
