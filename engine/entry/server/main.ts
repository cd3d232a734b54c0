/**
 * The engine process the extension starts through vscode-languageclient (JSON-RPC over Node IPC).
 * It never imports `vscode`: everything it learns arrives through protocol/engine.ts.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

import path from 'node:path';
import { CancellationTokenSource, createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { describeIssues } from '../../../protocol/define';
import { EngineInitOptions, health, setTrust } from '../../../protocol/engine';
import { DATABASE_FILE } from '../../shared/paths';
import { Engine } from '../engine';
import { ENGINE_VERSION } from '../../shared/version';
import { handleNotification, handleRequest } from './rpc';
import { registerRetrievalHandlers } from './retrievalHandlers';
import { registerAgentHandlers, pendingApprovals } from './agentHandlers';
import { registerAgentToolHandlers } from './agentToolHandlers';
import { registerLintHandlers } from './lintHandlers';
import { ChangeWatcher } from './changes';
import { redactingLog } from './log';
import { EngineServices } from './services';
import { configure, workflowsChanged } from '../../../protocol/agent';
import { resumeTrustWaits } from './trustWaits';
import { lmChat } from '../../../protocol/lm';
import { VscodeLmTransport } from '../../planning/llm/vscodeLm';

const connection = createConnection(ProposedFeatures.all);
/** Every line the engine logs is redacted first: logs reach the output channel and bug reports. */
const log = redactingLog(connection.console);
let engine: Engine | undefined;
let services: EngineServices | undefined;
let watcher: ChangeWatcher | undefined;
let folders: readonly string[] = [];

function requireEngine(): Engine {
  if (!engine) throw new Error('engine is not initialised yet');
  return engine;
}

connection.onInitialize((params) => {
  const parsed = EngineInitOptions.safeParse(params.initializationOptions ?? {});
  if (!parsed.success) throw new Error(`invalid initializationOptions: ${describeIssues(parsed.error)}`);
  const options = parsed.data;
  engine = Engine.open({
    databasePath: path.join(options.storagePath, DATABASE_FILE),
    modelPath: options.modelPath,
    trusted: options.trusted,
  });
  folders = options.workspaceFolders;
  const opened = engine;
  services = new EngineServices(opened, {
    workspaceFolders: folders,
    log: (m) => log.info(m),
    vscodeLm: (family) => new VscodeLmTransport({ family, send: (params, signal) => connection.sendRequest(lmChat.method, params, toToken(signal)) }),
  });
  // The integrity check runs after open, off this thread; a damaged file found then is refused as at open.
  opened.onDatabaseProblem(async (problem) => {
    log.error(`database REFUSED after the integrity check: ${problem.message}`);
    watcher?.stop();
    watcher = undefined;
    await services?.close();
  });
  const h = engine.health();
  log.info(
    `engine ${ENGINE_VERSION} pid ${process.pid} on Node ${process.versions.node}; database ${h.database.path}` +
      (h.database.problem ? ` REFUSED: ${h.database.problem}` : ` (schema v${h.database.schemaVersion})`) +
      (h.model ? `; model ${h.model.path}` : `; ${h.modelProblem}`),
  );
  return { capabilities: {}, serverInfo: { name: 'runbook-agent-engine', version: ENGINE_VERSION } };
});

connection.onInitialized(() => {
  const e = requireEngine();
  if (databaseRefused(e)) return;
  watcher = new ChangeWatcher(e.database(), (ids) => {
    void connection.sendNotification(workflowsChanged.method, { ids, pendingApprovals: pendingApprovals(e, folders) });
    services?.onWorkflowsChanged(ids);
  });
  watcher.start();
  // Workflows left unsettled by a crash or a window reload resume now, not when someone next asks.
  try {
    requireServices().resumeAll();
  } catch (error) {
    log.error(`could not resume workflows: ${(error as Error).message}`);
  }
});

/** True when the database was refused: workflow services stay off and requests say why. */
function databaseRefused(e: Engine): boolean {
  return e.health().database.problem !== null;
}

function requireServices(): EngineServices {
  if (!services) throw new Error('engine is not initialised yet');
  return services;
}

/** vscode-jsonrpc cancels a request through a token; the planner's timeout aborts a signal. */
function toToken(signal: AbortSignal) {
  const source = new CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source.token;
}

handleRequest(connection, health, () => requireEngine().health());
registerRetrievalHandlers(connection, () => requireServices().retriever());
registerAgentHandlers(connection, requireEngine, requireServices, () => folders, () => watcher?.poll());
registerAgentToolHandlers(connection, requireEngine, requireServices, () => folders, () => watcher?.poll());
registerLintHandlers(connection, requireServices);
handleNotification(connection, configure, (settings) => {
  void requireServices()
    .configure(settings)
    .catch((error: unknown) => log.error(`could not apply settings: ${(error as Error).message}`));
});
handleNotification(connection, setTrust, ({ trusted }) => {
  requireEngine().trust.set(trusted);
  log.info(`workspace trust is now ${trusted ? 'granted' : 'withheld'}`);
  // Granting trust is the person's go-ahead for workflows that paused only because of Restricted Mode.
  if (trusted && services) resumeTrustWaits(requireEngine().database(), folders);
  watcher?.poll();
});

connection.onShutdown(async () => {
  watcher?.stop();
  await services?.close();
  engine?.close();
  engine = undefined;
  services = undefined;
});

connection.listen();
