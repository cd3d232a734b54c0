import * as vscode from 'vscode';
import { getTier, setTier, type Tier } from '../../protocol/agent';
import { pickFolder } from '../folders';
import { blockedByTrust } from '../trust';
import { markStepDone, STEP_DONE } from '../walkthrough';
import type { CommandDeps } from './deps';

interface TierItem extends vscode.QuickPickItem {
  readonly tier: Tier;
}

const TIERS: TierItem[] = [
  { tier: 'read-only', label: 'Read-only', detail: 'Diagnostics run; every write is held, even when approved.' },
  { tier: 'approved-writes', label: 'Approved writes', detail: 'Writes run after you approve the exact command.' },
  { tier: 'auto-approve', label: 'Auto-approve', detail: 'Writes your policy rules allow run without asking; the rest still wait for you.' },
];

/** "Choose Capability Tier": how far the agent may go in this workspace. Widening it needs a trusted workspace. */
export async function setTierCommand(deps: CommandDeps): Promise<void> {
  const folder = await pickFolder('set the tier of');
  if (!folder) return;
  try {
    const current = await deps.engine.request(getTier, { workspace: folder.uri.fsPath });
    const picked = await vscode.window.showQuickPick(
      TIERS.map((t) => ({ ...t, description: t.tier === current.chosen ? (current.effective === t.tier ? 'current' : `chosen; in effect: ${current.effective}`) : undefined })),
      { title: `Capability tier of ${folder.name}`, placeHolder: current.notes.join(' ') || 'How far may Runbook Agent go here?' },
    );
    if (!picked) return;
    // Keeping the tier that is already chosen is a choice too, for the walkthrough's step.
    if (picked.tier === current.chosen) return markStepDone(STEP_DONE.tierChosen);
    if (picked.tier !== 'read-only' && blockedByTrust(`Switching to the ${picked.label} tier`)) return;
    const result = await deps.engine.request(setTier, { workspace: folder.uri.fsPath, tier: picked.tier });
    markStepDone(STEP_DONE.tierChosen);
    deps.log.info(`tier of ${folder.uri.fsPath}: chosen ${result.chosen}, effective ${result.effective}`);
    const notes = result.notes.length ? ` ${result.notes.join(' ')}` : '';
    void vscode.window.showInformationMessage(`Runbook Agent: tier is now ${result.effective}.${notes}`);
  } catch (error) {
    deps.log.error(`tier failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: cannot change the tier: ${(error as Error).message}`);
  }
}
