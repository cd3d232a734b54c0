import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunbookAgentApi } from '../../../extension/main';
import { Health } from '../../../protocol/engine';

const ID = 'runbook-agent.runbook-agent';

describe('Runbook Agent in the extension host', () => {
  it('is installed and not activated before one of its commands runs or a Markdown file opens (lazy activation)', () => {
    const extension = vscode.extensions.getExtension(ID);
    assert.ok(extension, 'extension is installed');
    assert.equal(extension.isActive, false);
    // A Markdown file (CodeLens), a command, a panel to restore after a reload, a link to a workflow (or, implicitly,
    // one of its Language Model tools being called): nothing else wakes it.
    assert.deepEqual(extension.packageJSON.activationEvents, ['onLanguage:markdown', 'onWebviewPanel:runbookAgent.panel', 'onUri']);
  });

  it('declares limited support for untrusted workspaces', () => {
    const manifest = vscode.extensions.getExtension(ID)!.packageJSON as { capabilities: { untrustedWorkspaces: { supported: unknown } } };
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('activates on "Show Panel" (runbookAgent.openPanel) and registers its commands', async () => {
    await vscode.commands.executeCommand('runbookAgent.openPanel');
    const extension = vscode.extensions.getExtension<RunbookAgentApi>(ID)!;
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['runbookAgent.openPanel', 'runbookAgent.restartEngine', 'runbookAgent.showLog']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  it('answers health from a separate engine process with its database in extension storage', async () => {
    const api = vscode.extensions.getExtension<RunbookAgentApi>(ID)!.exports;
    const health = Health.parse(await api.health());
    assert.notEqual(health.pid, process.pid, 'the engine is its own process');
    assert.equal(health.database.problem, null);
    assert.equal(health.database.journalMode, 'wal');
    assert.match(health.database.path, /runbook-agent\.runbook-agent[/\\]engine\.sqlite$/);
    assert.equal(health.trusted, vscode.workspace.isTrusted);
    assert.match(health.onnxruntime, /^1\.30\./);
  });

  it('restarts the engine on command with a new process', async () => {
    const api = vscode.extensions.getExtension<RunbookAgentApi>(ID)!.exports;
    const before = (await api.health()).pid;
    await vscode.commands.executeCommand('runbookAgent.restartEngine');
    const after = (await api.health()).pid;
    assert.notEqual(after, before);
  });
});
