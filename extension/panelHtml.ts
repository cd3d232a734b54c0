import crypto from 'node:crypto';
import * as vscode from 'vscode';

/** What the panel's webview may do and load: scripts on, and only our media and bundle folders. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

/**
 * The panel's document: a strict CSP that admits only our stylesheet and our nonce-tagged script. Styles
 * come from the stylesheet alone (no 'unsafe-inline'), so the panel sets no style attributes: the trace's
 * bars are placed with SVG attributes instead.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'panel.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>Runbook Agent</title>
</head>
<body>
  <main id="app" aria-label="Runbook Agent"><p class="muted">Starting the engine…</p></main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
