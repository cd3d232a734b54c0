/**
 * The engine process the extension starts through vscode-languageclient (JSON-RPC over Node IPC).
 * It never imports `vscode`: everything it learns arrives through protocol/engine.ts.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

import path from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { describeIssues } from '../../protocol/define';
import { checkIn, EngineInitOptions, health, setTrust } from '../../protocol/engine';
import { DATABASE_FILE } from '../paths';
import { Engine } from '../engine';
import { ENGINE_VERSION } from '../version';
import { handleNotification, handleRequest } from './rpc';
import { registerRetrievalHandlers } from './retrievalHandlers';

const connection = createConnection(ProposedFeatures.all);
let engine: Engine | undefined;

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
  const h = engine.health();
  connection.console.info(
    `engine ${ENGINE_VERSION} pid ${process.pid} on Node ${process.versions.node}; database ${h.database.path}` +
      (h.database.problem ? ` REFUSED: ${h.database.problem}` : ` (schema v${h.database.schemaVersion})`) +
      (h.model ? `; model ${h.model.path}` : `; ${h.modelProblem}`),
  );
  return { capabilities: {}, serverInfo: { name: 'runbook-agent-engine', version: ENGINE_VERSION } };
});

handleRequest(connection, health, () => requireEngine().health());
handleRequest(connection, checkIn, ({ note }) => requireEngine().checkIn(note));
registerRetrievalHandlers(connection, requireEngine);
handleNotification(connection, setTrust, ({ trusted }) => {
  requireEngine().trust.set(trusted);
  connection.console.info(`workspace trust is now ${trusted ? 'granted' : 'withheld'}`);
});

connection.onShutdown(() => {
  engine?.close();
  engine = undefined;
});

connection.listen();
