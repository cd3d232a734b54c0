import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as vscode from 'vscode';
import { AGENT_TOOL_LIST } from '../../../protocol/agentTools';
import { prepareTriage } from '../../../extension/tools/lmTools';
import { mcpServerDefinitions } from '../../../extension/tools/mcpProvider';

const ID = 'runbook-agent.runbook-agent';
const NAMES = AGENT_TOOL_LIST.map((t) => t.name);

/** Every file of the workspace with its size, mtime and content hash: any write shows up. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else {
        const st = fs.lstatSync(abs);
        out.push(`${path.relative(root, abs)} ${st.size} ${st.mtimeMs} ${entry.isFile() ? createHash('sha256').update(fs.readFileSync(abs)).digest('hex') : ''}`);
      }
    }
  };
  walk(root);
  return out;
}

const text = (result: vscode.LanguageModelToolResult) =>
  result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('\n');

const invoke = (name: string, input: object) => vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });

describe('Runbook Agent as tools for other agents (Language Model tools, MCP)', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  let before: string[] = [];

  it('registers its four Language Model tools, and no tool that approves', async () => {
    await vscode.extensions.getExtension(ID)!.activate();
    before = tree(folder());
    const ours = vscode.lm.tools.filter((t) => NAMES.includes(t.name));
    assert.deepEqual(ours.map((t) => t.name).sort(), [...NAMES].sort());
    assert.ok(!vscode.lm.tools.some((t) => t.name.startsWith('runbook_') && /approv|reject|answer/.test(t.name)), 'no approval tool');
    const triage = ours.find((t) => t.name === 'runbook_triage')!;
    assert.match(triage.description, /No tool approves anything/);
    assert.deepEqual((triage.inputSchema as { required?: string[] }).required, ['alert']);
  });

  it('searches the demo workspace\'s runbooks through vscode.lm.invokeTool', async () => {
    const result = text(await invoke('runbook_search', { query: 'log volume is filling up', k: 3 }));
    assert.match(result, /runbooks\/log-volume-filling-up\.md:\d+-\d+/);
  });

  it('triages the demo alert through vscode.lm.invokeTool: the plan, the findings, the write that waits, the panel link', async () => {
    const alert = fs.readFileSync(path.join(folder(), 'alerts', 'log-volume-filling-up.json'), 'utf8');
    // The tool asks the person first (its prepareInvocation's confirmation); VS Code confirms dialogs itself in extension tests.
    const result = text(await invoke('runbook_triage', { alert }));
    assert.match(result, /State: WAITING_FOR_PERSON/);
    assert.match(result, /Plan: Runbook runbooks\/log-volume-filling-up\.md/);
    assert.match(result, /✓ 1\. log-usage \[diagnose, read\]/);
    assert.match(result, /\| \d+(\.\d+)?[KM]\s+logs\//);
    assert.match(result, /⏸ \d+\. compress-old-logs \[mitigate, write\]/);
    assert.match(result, /did not approve anything and cannot/);
    const link = `${vscode.env.uriScheme}://${ID}/workflow?id=`;
    assert.ok(result.includes(`A person decides in the Runbook Agent panel: ${link}`), result);
    const id = /workflow\?id=([\w-]+)/.exec(result)![1]!;
    const read = text(await invoke('runbook_workflow', { id }));
    assert.match(read, /compress-old-logs/);
    assert.match(text(await invoke('runbook_pending', {})), new RegExp(id));
  });

  it('shows what a triage will do before it runs, and that every write waits for the person', () => {
    const alert = fs.readFileSync(path.join(folder(), 'alerts', 'log-volume-filling-up.json'), 'utf8');
    const prepared = prepareTriage({ alert });
    assert.equal(prepared.confirmationMessages?.title, 'Triage this alert with Runbook Agent?');
    const message = prepared.confirmationMessages!.message as vscode.MarkdownString;
    // appendText escapes Markdown and keeps spaces as &nbsp;: read it back as the person sees it.
    const shown = message.value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(shown, /"Log volume of checkout is filling up" in the folder demo-workspace/);
    assert.match(shown, /\*\*read-only\*\* diagnostics/);
    assert.match(shown, /\*\*Every write waits for you\*\*.*approves nothing/);
    // Alert text is the sender's: it is shown as text, never as Markdown or a link.
    const hostile = prepareTriage({ alert: '[click](command:runbookAgent.approvePending) **now**' }).confirmationMessages!.message as vscode.MarkdownString;
    assert.ok(!hostile.value.includes('](command:'), hostile.value);
  });

  it('refuses a malformed call, naming the field', async () => {
    await assert.rejects(Promise.resolve(invoke('runbook_workflow', { id: 'no-such-workflow' })), /id: no workflow with id "no-such-workflow"/);
  });

  it('offers `runbook-agent mcp` to the editor\'s MCP list, and that server answers in this editor\'s runtime', async function () {
    this.timeout(60_000);
    const Definition = (vscode as unknown as { McpStdioServerDefinition?: new (...args: unknown[]) => object }).McpStdioServerDefinition;
    assert.equal(typeof (vscode.lm as unknown as { registerMcpServerDefinitionProvider?: unknown }).registerMcpServerDefinitionProvider, 'function');
    assert.ok(Definition, 'the editor has McpStdioServerDefinition');
    const extension = vscode.extensions.getExtension(ID)!;
    const storage = fs.mkdtempSync(path.join(path.dirname(folder()), 'mcp-storage-'));
    const context = {
      extension,
      storageUri: vscode.Uri.file(storage),
      globalStorageUri: vscode.Uri.file(storage),
      asAbsolutePath: (p: string) => path.join(extension.extensionPath, p),
    } as unknown as vscode.ExtensionContext;
    const [server] = mcpServerDefinitions(context, Definition as never) as unknown as Array<{ label: string; command: string; args: string[]; env: Record<string, string> }>;
    assert.equal(server!.label, 'Runbook Agent');
    assert.ok(server!.args.includes('mcp') && server!.args.includes(folder()), JSON.stringify(server!.args));
    const client = new Client({ name: 'exthost-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: server!.command, args: server!.args, env: { ...(process.env as Record<string, string>), ...server!.env }, stderr: 'ignore' }));
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...NAMES].sort());
      const pending = await client.callTool({ name: 'runbook_pending', arguments: {} });
      assert.match((pending.content as Array<{ text: string }>)[0]!.text, /Nothing waits for a person|wait for a person/);
    } finally {
      await client.close();
    }
  });

  it('caused no write: every file of the workspace is as it was', () => {
    assert.deepEqual(tree(folder()), before);
  });
});
