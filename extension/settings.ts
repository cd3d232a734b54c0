import * as vscode from 'vscode';
import { AgentSettings, configure } from '../protocol/agent';
import type { EngineClient } from './engineClient';

export const API_KEY_SECRET = 'runbookAgent.llm.apiKey';
export const INTAKE_TOKEN_SECRET = 'runbookAgent.intake.token';
export const OTLP_HEADERS_SECRET = 'runbookAgent.otlp.headers';

/** Settings whose change must reach the engine. */
const SECTIONS = ['runbookAgent.policy', 'runbookAgent.sandbox', 'runbookAgent.tools', 'runbookAgent.prometheus', 'runbookAgent.alertmanager', 'runbookAgent.llm', 'runbookAgent.intake', 'runbookAgent.otlp'];

/**
 * A value from user (or machine) settings only. These settings are declared application-scoped, so VS Code
 * already ignores workspace values; reading the global value ourselves keeps a cloned repository from
 * widening what runs even if a scope is ever declared wrongly.
 */
function userValue<T>(key: string, fallback: T): T {
  const inspected = vscode.workspace.getConfiguration('runbookAgent').inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

export async function readSettings(secrets: vscode.SecretStorage): Promise<AgentSettings> {
  return AgentSettings.parse({
    policy: { rules: userValue('policy.rules', []), approveReads: userValue('policy.approveReads', false), allowModelWrites: userValue('policy.allowModelWrites', false) },
    allowedHosts: userValue('tools.allowedHosts', []),
    sandbox: { requireForReads: userValue('sandbox.requireForReads', false) },
    // Where auto-run PromQL queries go: a repository's .vscode/settings.json must not choose it.
    prometheusUrl: userValue('prometheus.url', '').trim(),
    // Where silences are written (after a person's approval): a repository's .vscode/settings.json must not choose it.
    alertmanagerUrl: userValue('alertmanager.url', '').trim(),
    // Which cluster the built-in kubectl diagnostics read: a repository must not point them elsewhere.
    kubernetes: { context: userValue('kubernetes.context', '').trim(), kubeconfig: userValue('kubernetes.kubeconfig', '').trim() },
    llm: {
      provider: userValue('llm.provider', 'none'),
      baseUrl: userValue('llm.baseUrl', '').trim(),
      fastModel: userValue('llm.fastModel', '').trim(),
      strongModel: userValue('llm.strongModel', '').trim(),
      apiKey: (await secrets.get(API_KEY_SECRET)) ?? '',
    },
    intake: {
      enabled: userValue('intake.enabled', false),
      host: userValue('intake.host', '127.0.0.1'),
      port: userValue('intake.port', 9095),
      token: userValue('intake.enabled', false) ? await intakeToken(secrets) : '',
    },
    otlp: { endpoint: userValue('otlp.endpoint', '').trim(), headers: JSON.parse((await secrets.get(OTLP_HEADERS_SECRET)) ?? '{}') as Record<string, string> },
  });
}

/** The intake's bearer token: generated once into secret storage; Copy Intake Token puts it on the clipboard. */
export async function intakeToken(secrets: vscode.SecretStorage): Promise<string> {
  let token = await secrets.get(INTAKE_TOKEN_SECRET);
  if (!token) {
    const bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    token = Buffer.from(bytes).toString('base64url');
    await secrets.store(INTAKE_TOKEN_SECRET, token);
  }
  return token;
}

/** Sends the settings when the engine starts, after a crash restart, and on every relevant change. */
export function register(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): void {
  const send = async (why: string) => {
    try {
      const settings = await readSettings(context.secrets);
      await engine.notify(configure, settings);
      log.info(`sent settings to the engine (${why}): ${settings.policy.rules.length} policy rule(s), LLM provider ${settings.llm.provider}${settings.llm.apiKey ? ' with an API key' : ''}`);
    } catch (error) {
      // A malformed setting (e.g. a rule with an unknown field) must be fixed by the person; say which.
      const message = `Runbook Agent: settings not applied: ${(error as Error).message}`;
      log.error(message);
      void vscode.window.showWarningMessage(message, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'runbookAgent');
      });
    }
  };
  engine.onStart(() => send('engine started'));
  context.subscriptions.push(
    engine.onDidRestart(() => void send('engine restarted')),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (SECTIONS.some((s) => e.affectsConfiguration(s))) void send('settings changed');
    }),
    context.secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET || e.key === OTLP_HEADERS_SECRET) void send('a secret changed');
    }),
  );
}
