import * as vscode from 'vscode';
import type { Attention, WorkflowItem } from '../protocol/agent';
import type { WorkflowStore } from './workflowStore';

/** What each wait on a person says, the same way for all of them: one non-modal notification with one button. */
function message(w: WorkflowItem, attention: Attention): { text: string; action: string } | undefined {
  const step = `step ${Math.min(w.stepIndex + 1, w.stepCount)}`;
  switch (attention) {
    case 'approval':
      return { text: `${step} of "${w.title}" waits for your approval.`, action: 'Review' };
    case 'question':
      return { text: `"${w.title}" has a question for you (${step}).`, action: 'Answer' };
    case 'checklist':
      return { text: `"${w.title}" waits for you to do a runbook instruction (${step}).`, action: 'Open' };
    case 'escalated':
      return { text: `"${w.title}" was escalated to you${w.reason ? `: ${clip(w.reason)}` : '.'}`, action: 'Open' };
    case 'resolution':
      // Not a decision yet: it is announced only when it becomes one (escalated), and shows in the panel meanwhile.
      return undefined;
  }
}

const clip = (text: string) => (text.length > 160 ? `${text.slice(0, 159)}…` : text);

/** The key of one wait: the next step of the same workflow, or a new escalation, is announced again. */
const keyOf = (w: WorkflowItem) => (w.attention ? `${w.id}:${w.attention}:${w.stepIndex}` : undefined);

/**
 * Tells the person, without a modal, whenever something starts waiting for them: an approval, a question, a
 * checklist item or an escalation, all alike; and when a workflow this window started completes. What already
 * waited when the editor opened is left to the status bar and the tree's badge.
 */
export function watchPerson(store: WorkflowStore, open: (id: string) => Promise<void>): vscode.Disposable {
  let known: Set<string> | undefined;
  let states: Map<string, WorkflowItem['state']> | undefined;
  const announce = (text: string, action: string, id: string) =>
    void vscode.window.showInformationMessage(`Runbook Agent: ${text}`, action).then((choice) => {
      if (choice === action) void open(id);
    });
  return store.onDidChange(() => {
    const waiting = store.workflows.filter((w) => keyOf(w) !== undefined);
    const keys = new Set(waiting.map((w) => keyOf(w)!));
    if (known) {
      for (const w of waiting) {
        if (known.has(keyOf(w)!)) continue;
        const said = message(w, w.attention!);
        if (said) announce(said.text, said.action, w.id);
      }
    }
    const now = new Map(store.workflows.map((w) => [w.id, w.state]));
    if (states) {
      for (const w of store.workflows) {
        if (w.state !== 'COMPLETED' || states.get(w.id) === 'COMPLETED' || !store.wasStartedHere(w.id)) continue;
        announce(`"${w.title}" completed.`, 'Show Summary', w.id);
      }
    }
    known = keys;
    states = now;
  });
}
