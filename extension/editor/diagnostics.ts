import * as vscode from 'vscode';
import { lintRunbook } from '../../protocol/lint';
import type { EngineClient } from '../engineClient';
import { engineRelativePath } from '../folders';
import { LINT_SOURCE, toDiagnostics, type DiagnosticData } from './lintDiagnostics';

/** Saves come in bursts (format on save, save all): lint once they settle. */
const DEBOUNCE_MS = 400;

/**
 * The runbook quality report in the Problems panel: each Markdown runbook of a local workspace folder is linted
 * by the engine when it opens and when it is saved; its diagnostics go when it closes. A file the engine does not
 * read as a runbook gets none, as in `runbook-agent lint`.
 */
export class RunbookDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(LINT_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Per file, the newest request: an older answer arriving late is dropped. */
  private readonly generation = new Map<string, number>();
  private warned = false;

  constructor(
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Lints `doc` soon, if it is a Markdown file in a local workspace folder. */
  schedule(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'markdown' || !engineRelativePath(doc.uri)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.lint(doc);
      }, DEBOUNCE_MS),
    );
  }

  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.generation.set(key, (this.generation.get(key) ?? 0) + 1);
    this.collection.delete(uri);
  }

  /** Every open Markdown document again (the engine restarted). */
  relintOpen(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc);
  }

  private async lint(doc: vscode.TextDocument): Promise<void> {
    const where = engineRelativePath(doc.uri);
    if (!where || doc.isClosed) return;
    const key = doc.uri.toString();
    const mine = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, mine);
    try {
      const result = await this.engine.request(lintRunbook, { workspace: where.folder.uri.fsPath, path: where.path });
      if (this.generation.get(key) !== mine || doc.isClosed) return;
      const data = result.runbook ? toDiagnostics(result.findings, { lineCount: doc.lineCount, lineLength: (l) => doc.lineAt(l).text.length }) : [];
      this.collection.set(doc.uri, data.map(toDiagnostic));
      this.warned = false;
    } catch (error) {
      if (this.generation.get(key) !== mine) return;
      this.collection.delete(doc.uri);
      if (!this.warned) this.log.warn(`lint of ${where.path}: ${(error as Error).message}`);
      this.warned = true;
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.collection.dispose();
  }
}

function toDiagnostic(d: DiagnosticData): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const diagnostic = new vscode.Diagnostic(range, d.message, d.severity as vscode.DiagnosticSeverity);
  diagnostic.source = d.source;
  diagnostic.code = { value: d.code.value, target: vscode.Uri.parse(d.code.target) };
  return diagnostic;
}

/** Registers the collection and its triggers: open, save, close, and engine restarts. */
export function registerRunbookDiagnostics(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): RunbookDiagnostics {
  const diagnostics = new RunbookDiagnostics(engine, log);
  context.subscriptions.push(
    diagnostics,
    vscode.workspace.onDidOpenTextDocument((doc) => diagnostics.schedule(doc)),
    vscode.workspace.onDidSaveTextDocument((doc) => diagnostics.schedule(doc)),
    vscode.workspace.onDidCloseTextDocument((doc) => diagnostics.forget(doc.uri)),
    engine.onDidRestart(() => diagnostics.relintOpen()),
  );
  // Documents restored with the window are open before activation.
  diagnostics.relintOpen();
  return diagnostics;
}
