import * as vscode from 'vscode';
import { describeIssues } from '../protocol/define';
import { checkIn, health } from '../protocol/engine';
import { FromWebview, ToWebview } from '../protocol/webview';
import type { EngineClient } from './engineClient';
import { panelHtml } from './panelHtml';

/** The single "Runbook Agent" panel: relays validated messages between its webview and the engine. */
export class PanelController implements vscode.Disposable {
  static readonly viewType = 'runbookAgent.panel';
  private static current: PanelController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): PanelController {
    if (PanelController.current) {
      PanelController.current.panel.reveal();
      return PanelController.current;
    }
    const panel = vscode.window.createWebviewPanel(PanelController.viewType, 'Runbook Agent', vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [
        vscode.Uri.joinPath(context.extensionUri, 'media'),
        vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'),
      ],
    });
    PanelController.current = new PanelController(panel, context, engine, log);
    return PanelController.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, context.extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      engine.onDidRestart(() => void this.sendHealth()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.sendHealth()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = FromWebview.safeParse(raw);
    if (!parsed.success) {
      const message = `rejected a malformed message from the panel: ${describeIssues(parsed.error)}`;
      this.log.warn(message);
      return this.post({ type: 'error', message });
    }
    const message = parsed.data;
    try {
      switch (message.type) {
        case 'ready':
        case 'refreshHealth':
          return await this.sendHealth();
        case 'checkIn':
          return this.post({ type: 'checkIn', result: await this.engine.request(checkIn, { note: message.note }) });
      }
    } catch (error) {
      this.log.error(`panel request ${message.type} failed: ${(error as Error).message}`);
      return this.post({ type: 'error', message: (error as Error).message });
    }
  }

  private async sendHealth(): Promise<void> {
    try {
      await this.post({ type: 'health', health: await this.engine.request(health, {}) });
    } catch (error) {
      await this.post({ type: 'error', message: `engine health check failed: ${(error as Error).message}` });
    }
  }

  private async post(message: ToWebview): Promise<void> {
    await this.panel.webview.postMessage(ToWebview.parse(message));
  }

  dispose(): void {
    PanelController.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
