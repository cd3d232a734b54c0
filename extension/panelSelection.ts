import fs from 'node:fs';
import path from 'node:path';
import type * as vscode from 'vscode';
import { z } from 'zod';

const FILE = 'panel-selection.json';
const Saved = z.object({ selectedId: z.string().min(1).max(100) });

/**
 * Which workflow the panel shows, kept in a file of the extension's storage folder, written the moment the
 * person picks one. The webview's own state and workspaceState live in the workbench's storage, which a
 * browser (code-server, vscode.dev) flushes to IndexedDB now and then and on unload; a reload right after a
 * selection, on a loaded machine, could restore what was stored before it, and the panel then showed the newest
 * workflow instead of the one that was open (the e2e check dropped as flaky in d54379f). The extension host writes
 * this file on its own disk before the reload can start.
 */
export class PanelSelection {
  private readonly file: string | undefined;

  constructor(context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {
    // Without a folder open there is no workspace storage: the selection is then the webview's alone.
    this.file = context.storageUri?.scheme === 'file' ? path.join(context.storageUri.fsPath, FILE) : undefined;
  }

  get(): string | undefined {
    if (!this.file) return undefined;
    try {
      const parsed = Saved.safeParse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data.selectedId : undefined;
    } catch {
      return undefined; // never chosen yet, or unreadable: the webview's saved state decides
    }
  }

  set(id: string): void {
    if (!this.file || !Saved.safeParse({ selectedId: id }).success) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      // Synchronous on purpose: done before the next message, so no reload can overtake it.
      fs.writeFileSync(this.file, JSON.stringify({ selectedId: id }));
    } catch (error) {
      this.log.warn(`could not remember the open workflow: ${(error as Error).message}`);
    }
  }
}
