import * as vscode from 'vscode';
import { modelPathSetting } from '../config';
import { localFolders } from '../folders';
import { panelUriPrefix } from './uriHandler';

/** The id contributed in package.json `mcpServerDefinitionProviders`. */
export const MCP_PROVIDER_ID = 'runbookAgent.mcp';

// VS Code 1.101 finalised these; the extension's @types/vscode (1.95) predates them, so the few shapes used are
// declared here and the API is looked up at run time. Older editors simply get no MCP server from us.
interface McpStdioServerDefinition {
  readonly label: string;
  cwd?: vscode.Uri;
}
type McpStdioServerDefinitionClass = new (label: string, command: string, args?: readonly string[], env?: Record<string, string | number | null>, version?: string) => McpStdioServerDefinition;
interface McpServerDefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition[]>;
  resolveMcpServerDefinition?(server: McpStdioServerDefinition, token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition>;
}
interface McpApi {
  readonly registerMcpServerDefinitionProvider?: (id: string, provider: McpServerDefinitionProvider) => vscode.Disposable;
}

/** The editor's database, where the engine keeps workflows: the panel shows what the MCP server starts. */
function databaseUri(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'engine.sqlite');
}

/**
 * `runbook-agent mcp` for each local folder, run by the editor's own Node (the extension host's runtime, as the
 * engine is), on the editor's database, with links to the panel. In Restricted Mode it is started with
 * --untrusted: it searches and reads, and refuses to triage; granting trust changes the definition.
 */
export function mcpServerDefinitions(context: vscode.ExtensionContext, Definition: McpStdioServerDefinitionClass): McpStdioServerDefinition[] {
  const trusted = vscode.workspace.isTrusted;
  const version = `${String((context.extension.packageJSON as { version?: string }).version ?? '0')}${trusted ? '' : '-restricted'}`;
  const folders = localFolders();
  return folders.map((folder) => {
    const args = [context.asAbsolutePath('dist/cli.js'), 'mcp', '--workspace', folder.uri.fsPath, '--db', databaseUri(context).fsPath, '--panel-uri', panelUriPrefix()];
    const model = modelPathSetting();
    if (model) args.push('--model', model);
    if (!trusted) args.push('--untrusted');
    const label = folders.length > 1 ? `Runbook Agent (${folder.name})` : 'Runbook Agent';
    // In desktop VS Code process.execPath is Electron's binary, which runs as Node with ELECTRON_RUN_AS_NODE.
    const server = new Definition(label, process.execPath, args, { ELECTRON_RUN_AS_NODE: '1' }, version);
    server.cwd = folder.uri;
    return server;
  });
}

/** Puts the MCP server in the editor's MCP list, where the editor has the API (VS Code 1.101+). */
export function registerMcpServerProvider(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const api = vscode.lm as unknown as McpApi | undefined;
  const Definition = (vscode as unknown as { McpStdioServerDefinition?: McpStdioServerDefinitionClass }).McpStdioServerDefinition;
  if (typeof api?.registerMcpServerDefinitionProvider !== 'function' || typeof Definition !== 'function') {
    log.info('this editor has no MCP server definition API: the Runbook Agent MCP server is not registered (run `runbook-agent mcp` from any MCP client)');
    return;
  }
  const changed = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    changed,
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()),
    api.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () => mcpServerDefinitions(context, Definition),
      resolveMcpServerDefinition: async (server) => {
        // The database's folder exists once the engine ran; the server may start first.
        await vscode.workspace.fs.createDirectory(context.storageUri ?? context.globalStorageUri);
        return server;
      },
    }),
  );
}
