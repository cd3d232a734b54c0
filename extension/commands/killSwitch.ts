import * as vscode from 'vscode';
import { setKillSwitch } from '../../protocol/agent';
import { blockedByTrust } from '../trust';
import type { CommandDeps } from './deps';

/** The engine has no "get" for switches: the last answer it gave this workspace is what the status bar shows. */
const STATE_KEY = 'runbookAgent.writesDisabled';

export function restoreWritesState(deps: CommandDeps): void {
  deps.status.setWritesDisabled(deps.context.workspaceState.get<string>(STATE_KEY));
}

/** "Disable Writes" / "Enable Writes": the 'writes' kill switch stops every write tool at once. */
export async function setWritesCommand(deps: CommandDeps, enable: boolean): Promise<void> {
  if (enable && blockedByTrust('Enable Writes')) return;
  const reason = await vscode.window.showInputBox({
    title: enable ? 'Enable writes' : 'Disable all writes (kill switch)',
    prompt: enable ? 'Why writes may run again (recorded in the event log)' : 'Why writes must stop, e.g. "change freeze" (recorded in the event log)',
    ignoreFocusOut: true,
  });
  if (reason === undefined) return;
  try {
    const { engaged } = await deps.engine.request(setKillSwitch, { name: 'writes', engaged: !enable, reason: reason.trim() });
    const off = engaged.includes('writes');
    await deps.context.workspaceState.update(STATE_KEY, off ? reason.trim() : undefined);
    deps.status.setWritesDisabled(off ? reason.trim() : undefined);
    deps.log.info(`writes kill switch ${off ? 'engaged' : 'released'}${reason.trim() ? `: ${reason.trim()}` : ''}; engaged now: ${engaged.join(', ') || 'none'}`);
    void vscode.window.showInformationMessage(off ? 'Runbook Agent: writes are disabled. Steps that write wait until you enable them.' : 'Runbook Agent: writes are enabled again.');
  } catch (error) {
    deps.log.error(`kill switch failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: could not ${enable ? 'enable' : 'disable'} writes: ${(error as Error).message}`);
  }
}
