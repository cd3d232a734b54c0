import * as vscode from 'vscode';

interface IndexPart {
  text: string;
  tooltip: string;
}

/**
 * The one Runbook Agent status bar item: the index state, pending approvals and the writes kill switch.
 * Clicking it goes to what needs the person most: pending approvals, else the runbook search.
 */
export class AgentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('runbookAgent.status', vscode.StatusBarAlignment.Left, 10);
  private index: IndexPart | undefined;
  private pending = 0;
  private writesOff: string | undefined;

  constructor() {
    this.item.name = 'Runbook Agent';
  }

  setIndex(part: IndexPart): void {
    this.index = part;
    this.render();
  }

  setPending(count: number): void {
    this.pending = count;
    this.render();
  }

  /** undefined: writes allowed; a string: the reason they were switched off (may be empty). */
  setWritesDisabled(reason: string | undefined): void {
    this.writesOff = reason;
    this.render();
  }

  private render(): void {
    const parts = [this.index?.text ?? '$(book) Runbooks'];
    if (this.pending) parts.push(`$(bell-dot) ${this.pending}`);
    if (this.writesOff !== undefined) parts.push('$(circle-slash) writes off');
    this.item.text = parts.join('  ');
    const tooltip = new vscode.MarkdownString(this.index?.tooltip ?? 'Runbook index: not read yet.');
    if (this.pending) tooltip.appendMarkdown(`\n\n---\n\n**${this.pending} step(s) wait for your approval.** Click to review.`);
    if (this.writesOff !== undefined) tooltip.appendMarkdown(`\n\n---\n\n**Writes are disabled** (kill switch)${this.writesOff ? `: ${escapeMarkdown(this.writesOff)}` : ''}.`);
    this.item.tooltip = tooltip;
    this.item.command = this.pending ? 'runbookAgent.approvePending' : 'runbookAgent.searchRunbooks';
    this.item.backgroundColor = this.pending || this.writesOff !== undefined ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
