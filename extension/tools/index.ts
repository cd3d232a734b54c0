import type * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';
import { registerLanguageModelTools } from './lmTools';
import { registerMcpServerProvider } from './mcpProvider';
import { registerWorkflowUriHandler } from './uriHandler';

/**
 * Runbook Agent for other agents: VS Code's Language Model tools, the MCP server in the editor's MCP list, and the
 * links their answers carry to the panel. None of them approves anything.
 */
export function registerAgentTools(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel, open: (id: string) => Promise<void>): void {
  registerWorkflowUriHandler(context, open, log);
  registerLanguageModelTools(context, engine, log);
  registerMcpServerProvider(context, log);
}
