import * as vscode from 'vscode';
import { API_KEY_SECRET } from '../settings';
import type { CommandDeps } from './deps';

/** "Set LLM API Key": kept in VS Code's secret storage, never in settings; an empty value removes it. */
export async function setLlmApiKeyCommand(deps: CommandDeps): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Runbook Agent: LLM API key',
    prompt: 'The key of your OpenAI-compatible endpoint (runbookAgent.llm.baseUrl). Leave empty to remove the stored key.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (key.trim()) await deps.context.secrets.store(API_KEY_SECRET, key.trim());
  else await deps.context.secrets.delete(API_KEY_SECRET);
  deps.log.info(key.trim() ? 'LLM API key stored in secret storage' : 'LLM API key removed from secret storage');
  void vscode.window.showInformationMessage(`Runbook Agent: API key ${key.trim() ? 'saved' : 'removed'}.`);
}
