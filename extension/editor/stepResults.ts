import * as vscode from 'vscode';
import { runbookSteps, type StepResult } from '../../protocol/agent';
import type { EngineClient } from '../engineClient';
import { engineRelativePath } from '../folders';

/**
 * The engine's steps and last results per runbook file, shared by the CodeLens, the hover and the gutter marks
 * so one file costs one request. Dropped on save and whenever workflows change.
 */
export class StepResults implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<StepResult[]>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  private warned = false;
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Steps of a Markdown file in a local workspace folder; [] for anything the engine does not read as a runbook. */
  get(doc: vscode.TextDocument): Promise<StepResult[]> {
    if (doc.languageId !== 'markdown') return Promise.resolve([]);
    const where = engineRelativePath(doc.uri);
    if (!where) return Promise.resolve([]);
    const key = doc.uri.toString();
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.engine.request(runbookSteps, { workspace: where.folder.uri.fsPath, path: where.path }).then(
        (r) => r.steps,
        (error: unknown) => {
          this.cache.delete(key);
          if (!this.warned) this.log.warn(`runbook steps of ${where.path}: ${(error as Error).message}`);
          this.warned = true;
          return [];
        },
      );
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** Forgets one file (saved) or all (workflows changed) and tells the views to ask again. */
  invalidate(uri?: vscode.Uri): void {
    if (uri) this.cache.delete(uri.toString());
    else this.cache.clear();
    this.warned = false;
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** The step whose fenced block holds a 0-based editor line. */
export function stepAt(steps: readonly StepResult[], line: number): StepResult | undefined {
  return steps.find((s) => line + 1 >= s.startLine && line + 1 <= s.endLine);
}

/** "2 min ago": short and coarse, the CodeLens is refreshed when workflows change. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** One line for a last result: "✓ exit 0 · 2 min ago", "✗ failed · exit 1 · 3 h ago", "$(debug-pause) waiting". */
export function describeLast(last: NonNullable<StepResult['last']>, now = Date.now()): string {
  const exit = last.exitCode === null ? '' : `exit ${last.exitCode} · `;
  switch (last.status) {
    case 'done':
      return `✓ ${exit}${ago(last.at, now)}`;
    case 'failed':
      return `✗ failed · ${exit}${ago(last.at, now)}`;
    case 'waiting':
      // A codicon: the pause sign is missing from common editor fonts.
      return '$(debug-pause) waiting';
    case 'unknown':
      return `? outcome unknown · ${ago(last.at, now)}`;
  }
}
