import * as vscode from 'vscode';

interface IndexPart {
  text: string;
  tooltip: string;
}

/** What waits for the person, by kind, and the workflow to open when only one thing waits. */
export interface PersonWaits {
  readonly approvals: number;
  readonly questions: number;
  readonly checklist: number;
  readonly escalated: number;
  /** The workflow a click opens when more than approvals wait (the first one waiting). */
  readonly first?: string;
}

const NONE: PersonWaits = { approvals: 0, questions: 0, checklist: 0, escalated: 0 };

/**
 * The one Runbook Agent status bar item: the index state, what waits for the person (approvals, questions,
 * checklist items, escalations: one count) and the writes kill switch. Clicking it goes to what needs the
 * person most: the approval quick pick when only approvals wait, else the first workflow waiting, else search.
 */
export class AgentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('runbookAgent.status', vscode.StatusBarAlignment.Left, 10);
  private index: IndexPart | undefined;
  private pending = 0;
  private waits: PersonWaits = NONE;
  private writesOff: string | undefined;

  constructor() {
    this.item.name = 'Runbook Agent';
  }

  setIndex(part: IndexPart): void {
    this.index = part;
    this.render();
  }

  /** Only approvals (the older callers); setWaits tells every kind. */
  setPending(count: number): void {
    this.setWaits({ ...NONE, approvals: count });
  }

  setWaits(waits: PersonWaits): void {
    this.waits = waits;
    this.pending = waits.approvals + waits.questions + waits.checklist + waits.escalated;
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
    if (this.pending) tooltip.appendMarkdown(`\n\n---\n\n**${this.pending === 1 ? '1 workflow waits' : `${this.pending} workflows wait`} for you:** ${waitWords(this.waits)}. Click to review.`);
    if (this.writesOff !== undefined) tooltip.appendMarkdown(`\n\n---\n\n**Writes are disabled** (kill switch)${this.writesOff ? `: ${escapeMarkdown(this.writesOff)}` : ''}.`);
    this.item.tooltip = tooltip;
    const onlyApprovals = this.waits.approvals > 0 && this.pending === this.waits.approvals;
    this.item.command = !this.pending
      ? 'runbookAgent.searchRunbooks'
      : onlyApprovals || !this.waits.first
        ? this.waits.approvals > 0
          ? 'runbookAgent.approvePending'
          : 'runbookAgent.openPanel'
        : { command: 'runbookAgent.showWorkflow', title: 'Show the workflow that waits for you', arguments: [this.waits.first] };
    this.item.backgroundColor = this.pending || this.writesOff !== undefined ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** "2 approvals, 1 question": what waits, in words. */
export function waitWords(w: PersonWaits): string {
  const part = (n: number, one: string, many: string) => (n ? `${n} ${n === 1 ? one : many}` : '');
  return [
    part(w.approvals, 'approval', 'approvals'),
    part(w.questions, 'question', 'questions'),
    part(w.checklist, 'checklist item', 'checklist items'),
    part(w.escalated, 'escalation', 'escalations'),
  ]
    .filter(Boolean)
    .join(', ');
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
