import * as vscode from 'vscode';
import type { z } from 'zod';
import { AGENT_TOOLS, AgentToolCall, invokeAgentTool, type AgentToolKey } from '../../protocol/agentTools';
import type { EngineClient } from '../engineClient';
import { localFolders } from '../folders';
import { panelUriPrefix } from './uriHandler';

type Input<K extends AgentToolKey> = z.infer<(typeof AGENT_TOOLS)[K]['input']>;

const RESTRICTED =
  'This workspace is in Restricted Mode, so Runbook Agent runs nothing and cannot triage. Runbook search and reading workflows still work. To triage, trust the workspace (Workspaces: Manage Workspace Trust).';

/** A short, single-line account of an alert for the confirmation: its name or summary, else its first line. */
export function alertLabel(alert: Input<'triage'>['alert']): string {
  let value: unknown = alert;
  if (typeof alert === 'string') {
    try {
      value = JSON.parse(alert);
    } catch {
      value = alert;
    }
  }
  const first = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v.trim().split('\n')[0];
    if (Array.isArray(v)) return first(v[0]);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const inner = Array.isArray(o.alerts) ? (o.alerts[0] as Record<string, unknown> | undefined) : undefined;
      const labels = (inner?.labels ?? o.labels ?? o.commonLabels) as Record<string, unknown> | undefined;
      const annotations = (inner?.annotations ?? o.annotations ?? o.commonAnnotations) as Record<string, unknown> | undefined;
      for (const c of [annotations?.summary, o.summary, labels?.alertname, o.alertname, o.title]) if (typeof c === 'string' && c.trim()) return c.trim();
    }
    return undefined;
  };
  const label = first(value) ?? 'the alert';
  return label.length > 120 ? `${label.slice(0, 119)}…` : label;
}

/** The folder a triage starts in: the window's first local folder (the engine serves local folders only). */
function triageFolder(): vscode.WorkspaceFolder | undefined {
  return localFolders()[0];
}

/**
 * One Language Model tool: what it will do (prepareInvocation), and the engine's answer (the same
 * implementation the MCP server runs, engine/entry/mcp/tools.ts). No tool approves anything.
 */
class RunbookTool<K extends AgentToolKey> implements vscode.LanguageModelTool<Input<K>> {
  constructor(
    readonly key: K,
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
    private readonly describe: (input: Input<K>) => vscode.PreparedToolInvocation,
  ) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<Input<K>>): vscode.PreparedToolInvocation {
    return this.describe(options.input);
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<Input<K>>): Promise<vscode.LanguageModelToolResult> {
    const tool = AGENT_TOOLS[this.key];
    if (this.key === 'triage' && !vscode.workspace.isTrusted) throw new Error(RESTRICTED);
    const folder = triageFolder();
    if (!folder) throw new Error('Open a folder with your runbooks first: Runbook Agent works on a local workspace folder.');
    const call = AgentToolCall.parse({ tool: tool.name, input: options.input });
    this.log.info(`language model tool ${tool.name} invoked`);
    const { text } = await this.engine.request(invokeAgentTool, { workspace: folder.uri.fsPath, panelUri: panelUriPrefix(), call });
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
  }
}

/**
 * What the triage tool shows before it runs (its prepareInvocation): the alert, the folder, and that the diagnostics
 * run on this machine while every write waits for the person. VS Code asks the person to confirm with it.
 */
export function prepareTriage(input: Input<'triage'>): vscode.PreparedToolInvocation {
  if (!vscode.workspace.isTrusted) return { invocationMessage: 'Runbook Agent: triage is refused in Restricted Mode' };
  const folder = triageFolder();
  const message = new vscode.MarkdownString();
  message.appendMarkdown('Runbook Agent will start a workflow for the alert ');
  message.appendText(`"${alertLabel(input?.alert ?? '')}"`);
  if (folder) {
    message.appendMarkdown(' in the folder ');
    message.appendText(folder.name);
  }
  message.appendMarkdown(
    '. It plans from your runbooks and runs, on this machine, the **read-only** diagnostics your policy allows. ' +
      '**Every write waits for you** in the Runbook Agent panel: this tool approves nothing.',
  );
  return { invocationMessage: 'Runbook Agent: triaging the alert', confirmationMessages: { title: 'Triage this alert with Runbook Agent?', message } };
}

/** Registers the four tools contributed in package.json (`languageModelTools`), where the editor has the API. */
export function registerLanguageModelTools(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): void {
  const lm = vscode.lm as Partial<typeof vscode.lm> | undefined;
  if (typeof lm?.registerTool !== 'function') {
    log.info('this editor has no Language Model tools API: the agent tools are not registered');
    return;
  }
  const tools = [
    new RunbookTool('search', engine, log, (input) => ({ invocationMessage: `Runbook Agent: searching runbooks for "${String(input?.query ?? '').slice(0, 80)}"` })),
    new RunbookTool('triage', engine, log, prepareTriage),
    new RunbookTool('workflow', engine, log, (input) => ({ invocationMessage: `Runbook Agent: reading workflow ${String(input?.id ?? '').slice(0, 100)}` })),
    new RunbookTool('pending', engine, log, () => ({ invocationMessage: 'Runbook Agent: listing what waits for a person' })),
  ];
  for (const tool of tools) {
    context.subscriptions.push(lm.registerTool(AGENT_TOOLS[tool.key].name, tool as vscode.LanguageModelTool<unknown>));
  }
}
