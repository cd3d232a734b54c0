import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { z } from 'zod';
import { parseOrThrow, type NotificationType, type RequestType } from '../protocol/define';
import { setTrust, type EngineInitOptions } from '../protocol/engine';
import { modelPathSetting } from './config';

const RESTART_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 4;

/**
 * Owns the engine process: starts it lazily on the first request, validates every answer against the
 * protocol, restarts it after a crash with a non-modal warning, and stops it on dispose.
 */
export class EngineClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly crashes: number[] = [];
  private restartPending = false;
  /** Handlers for what the engine sends us; installed on every client this object starts. */
  private readonly installers: Array<(client: LanguageClient) => void> = [];
  /** Listeners per notification method, behind the single handler the language client allows. */
  private readonly listeners = new Map<string, Set<(raw: unknown) => void>>();
  private readonly onDidRestartEmitter = new vscode.EventEmitter<void>();
  /** Fires after the engine came back from a crash, so views can ask for fresh state. */
  readonly onDidRestart = this.onDidRestartEmitter.event;
  /** Run after every start and before the first request goes out, so the engine has its settings first. */
  private readonly startHooks: Array<() => Promise<void>> = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async request<P extends z.ZodType, R extends z.ZodType>(type: RequestType<P, R>, params: z.input<P>): Promise<z.infer<R>> {
    const client = await this.ready();
    const raw: unknown = await client.sendRequest(type.method, parseOrThrow(type.params, params, `${type.method} params`));
    return parseOrThrow(type.result, raw, `${type.method} result`);
  }

  async notify<P extends z.ZodType>(type: NotificationType<P>, params: z.input<P>): Promise<void> {
    if (!this.client) return; // the engine reads the current value when it starts
    await this.client.sendNotification(type.method, parseOrThrow(type.params, params, type.method));
  }

  /**
   * Listens to an engine notification (validated; a malformed one is logged and dropped). Never starts the
   * engine. The language client keeps one handler per method, so one dispatcher per method fans out to
   * every listener (the panel, the tree, the status bar all hear workflowsChanged).
   */
  onNotification<P extends z.ZodType>(type: NotificationType<P>, handler: (params: z.infer<P>) => void): vscode.Disposable {
    const listener = (raw: unknown) => {
      const parsed = type.params.safeParse(raw);
      if (!parsed.success) return this.log.warn(`dropped a malformed ${type.method} from the engine`);
      try {
        handler(parsed.data);
      } catch (error) {
        this.log.error(`${type.method} listener failed: ${(error as Error).message}`);
      }
    };
    let listeners = this.listeners.get(type.method);
    if (!listeners) {
      const all = new Set<(raw: unknown) => void>();
      listeners = all;
      this.listeners.set(type.method, all);
      this.install((client) => client.onNotification(type.method, (raw: unknown) => [...all].forEach((l) => l(raw))));
    }
    listeners.add(listener);
    const mine = listeners;
    return new vscode.Disposable(() => mine.delete(listener));
  }

  /** Answers a request the engine sends to the extension host (e.g. a vscode.lm chat). */
  onRequest<P extends z.ZodType, R extends z.ZodType>(type: RequestType<P, R>, handler: (params: z.infer<P>, token: vscode.CancellationToken) => Promise<z.input<R>>): void {
    this.install((client) =>
      client.onRequest(type.method, async (raw: unknown, token: vscode.CancellationToken) =>
        parseOrThrow(type.result, await handler(parseOrThrow(type.params, raw, `${type.method} params`), token), `${type.method} result`),
      ),
    );
  }

  /** Runs `hook` once the engine is up, before `ready()` resolves; a failing hook is logged, not fatal. */
  onStart(hook: () => Promise<void>): void {
    this.startHooks.push(hook);
    if (this.client) void hook().catch((error: unknown) => this.log.warn(`engine start hook: ${(error as Error).message}`));
  }

  private install(installer: (client: LanguageClient) => void): void {
    this.installers.push(installer);
    if (this.client) installer(this.client);
  }

  notifyTrust(): Promise<void> {
    return this.notify(setTrust, { trusted: vscode.workspace.isTrusted });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.ready();
  }

  ready(): Promise<LanguageClient> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async start(): Promise<LanguageClient> {
    const module = this.context.asAbsolutePath('dist/engine.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--enable-source-maps'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [],
      outputChannel: this.log,
      initializationOptions: (): EngineInitOptions => ({
        storagePath: (this.context.storageUri ?? this.context.globalStorageUri).fsPath,
        modelPath: modelPathSetting(),
        trusted: vscode.workspace.isTrusted,
        workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      }),
      errorHandler: {
        error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => this.onEngineClosed(),
      },
    };
    const client = new LanguageClient('runbookAgent', 'Runbook Agent Engine', serverOptions, clientOptions);
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running && this.restartPending) {
        this.restartPending = false;
        this.onDidRestartEmitter.fire();
      }
    });
    for (const install of this.installers) install(client);
    const started = performance.now();
    await client.start();
    this.log.info(`engine started in ${(performance.now() - started).toFixed(1)} ms (process start and initialize handshake)`);
    this.client = client;
    for (const hook of this.startHooks) {
      try {
        await hook();
      } catch (error) {
        this.log.warn(`engine start hook: ${(error as Error).message}`);
      }
    }
    return client;
  }

  private onEngineClosed() {
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0]! > RESTART_WINDOW_MS) this.crashes.shift();
    if (this.crashes.length > MAX_RESTARTS) {
      const message = `Runbook Agent: the engine crashed ${this.crashes.length} times in 3 minutes and was not restarted. See the log, then run "Runbook Agent: Restart Engine".`;
      this.log.error(message);
      this.client = undefined;
      this.starting = undefined;
      void this.showWarning(message);
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.log.warn('engine stopped unexpectedly; restarting it');
    void this.showWarning('Runbook Agent: the engine stopped unexpectedly and was restarted.');
    this.restartPending = true; // the client restarts the process; listeners hear when it runs again
    return { action: CloseAction.Restart, handled: true };
  }

  private async showWarning(message: string) {
    const choice = await vscode.window.showWarningMessage(message, 'Show Log');
    if (choice === 'Show Log') this.log.show(true);
  }

  async stop(): Promise<void> {
    const client = this.client ?? (await this.starting?.catch(() => undefined));
    this.client = undefined;
    this.starting = undefined;
    if (client?.isRunning()) await client.stop(5000);
  }

  dispose(): void {
    void this.stop();
    this.onDidRestartEmitter.dispose();
  }
}
