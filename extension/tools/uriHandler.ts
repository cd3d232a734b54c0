import * as vscode from 'vscode';

/** The extension's id: `<scheme>://runbook-agent.runbook-agent/...` links reach its URI handler. */
const EXTENSION_ID = 'runbook-agent.runbook-agent';

/**
 * The prefix of a link that opens one workflow in the panel, e.g. `vscode://runbook-agent.runbook-agent/workflow?id=`
 * (the scheme is the editor's own: vscode, vscode-insiders, code-oss...). Tool answers append the id.
 */
export function panelUriPrefix(): string {
  return `${vscode.env.uriScheme}://${EXTENSION_ID}/workflow?id=`;
}

/** Opens `…/workflow?id=ID` links (from tool answers, MCP clients, a terminal) on the workflow's panel. */
export function registerWorkflowUriHandler(context: vscode.ExtensionContext, open: (id: string) => Promise<void>, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.window.registerUriHandler({
      handleUri(uri) {
        const id = new URLSearchParams(uri.query).get('id') ?? '';
        if (uri.path !== '/workflow' || !/^[\w-]{1,100}$/.test(id)) {
          log.warn(`ignored a link that names no workflow: ${uri.toString(true).slice(0, 200)}`);
          return;
        }
        void open(id);
      },
    }),
  );
}
