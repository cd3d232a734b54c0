import * as vscode from 'vscode';
import type { WorkflowStore } from './workflowStore';

/**
 * Tells the person, without a modal, when a step starts waiting for their approval. Keyed by workflow and step,
 * so the next step of the same workflow is announced again; what already waited when the editor opened is
 * left to the status bar and the tree's badge.
 */
export function watchApprovals(store: WorkflowStore, open: (id: string) => Promise<void>): vscode.Disposable {
  let known: Set<string> | undefined;
  return store.onDidChange(() => {
    const waiting = store.workflows.filter((w) => w.needsApproval);
    const keys = new Set(waiting.map((w) => `${w.id}:${w.stepIndex}`));
    if (known) {
      for (const w of waiting) {
        if (known.has(`${w.id}:${w.stepIndex}`)) continue;
        void vscode.window
          .showInformationMessage(`Runbook Agent: step ${w.stepIndex + 1} of "${w.title}" waits for your approval.`, 'Review')
          .then((choice) => {
            if (choice === 'Review') void open(w.id);
          });
      }
    }
    known = keys;
  });
}
