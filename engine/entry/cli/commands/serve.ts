import fs from 'node:fs';
import path from 'node:path';
import type { Agent } from '../../agent/agent';
import { openDatabase, type Db } from '../../../control/db/open';
import { checkIntegrityOffThread } from '../../../control/db/integrity';
import type { DatabaseProblem } from '../../../control/db/errors';
import { IntakeThread, loadOrCreateToken } from '../../../control/intake';
import { leasesHeld } from '../../../control/store/sqlite/queue';
import { otlpHeaders, TraceShipper } from '../../../control/otel/ship';
import { ChangeWatcher } from '../../server/changes';
import { defaultDatabasePath } from '../../../shared/paths';
import { UsageError, type CliCommand, type Io, type ParsedArgs } from '../command';
import { AGENT_OPTIONS, AGENT_USAGE, openAgent } from '../agent/options';
import { parseStoreUrl, serveOnStore } from './serveStore';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function intFlag(values: ParsedArgs['values'], name: string, fallback: number, min: number, max: number): number {
  const raw = str(values[name]);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return n;
}

/** Resolves on the first SIGTERM or SIGINT; a second one while shutting down exits at once. */
function shutdownRequested(io: Io): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on).off('SIGINT', on);
      process.once('SIGTERM', () => process.exit(130)).once('SIGINT', () => process.exit(130));
      io.err(`serve: ${signal}: finishing the current actions, then exiting (send it again to exit at once)`);
      resolve(signal);
    };
    process.on('SIGTERM', on).on('SIGINT', on);
  });
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the workflow workers and an HTTP intake for Alertmanager webhooks and JSON alerts until SIGTERM',
  usage: `--workspace DIR [--host 127.0.0.1] [--port 9095] [--token-file FILE] [--concurrency N] [--max-queued N] [--otlp URL] [--store postgres://USER@HOST:PORT/DB] ${AGENT_USAGE}`,
  options: {
    ...AGENT_OPTIONS,
    workspace: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'token-file': { type: 'string' },
    concurrency: { type: 'string' },
    'max-queued': { type: 'string' },
    otlp: { type: 'string' },
    /** One replica of a team's service: the control plane in this PostgreSQL database (engine/entry/cli/commands/serveStore.ts). */
    store: { type: 'string' },
  },
  async run({ values }, io) {
    if (typeof values.workspace !== 'string') throw new UsageError('--workspace DIR is required');
    const workspace = path.resolve(values.workspace);
    if (!fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${workspace} is not a folder`);
    const port = intFlag(values, 'port', 9095, 0, 65_535);
    const concurrency = intFlag(values, 'concurrency', 4, 1, 64);
    const maxQueued = intFlag(values, 'max-queued', 10_000, 1, 10_000_000);
    const host = str(values.host) ?? '127.0.0.1';
    // --store: replicas against one PostgreSQL; without it, everything below runs unchanged.
    const storeUrl = str(values.store);
    if (storeUrl !== undefined) {
      parseStoreUrl(storeUrl);
      return serveOnStore(values, io, { workspace, host, port, concurrency, maxQueued, stop: shutdownRequested(io) });
    }
    const dbFile = str(values.db) ?? defaultDatabasePath();
    const tokenFile = path.resolve(str(values['token-file']) ?? path.join(path.dirname(dbFile), 'intake.token'));
    // The token first: a token file others can read stops the service before it touches the database.
    const { token, created } = loadOrCreateToken(tokenFile);
    // The integrity check runs after open, in a worker thread: a large database does not delay the start, and a
    // damaged one is reported (and serve stops, exit 1) as soon as the check finds it.
    const db = openDatabase(dbFile, { integrity: 'after-open' });
    const stop = shutdownRequested(io);
    let refused: DatabaseProblem | null = null;
    const damaged = checkIntegrityOffThread(dbFile).then(
      (problem) => {
        if (!problem) return new Promise<never>(() => {});
        refused = problem;
        io.err(`serve: ${problem.message}`);
        return problem;
      },
      (error: unknown) => {
        io.err(`serve: the integrity check could not run: ${(error as Error).message}`);
        return new Promise<never>(() => {});
      },
    );
    let agent: Agent | null = null;
    let server: IntakeThread | null = null;
    let watcher: ChangeWatcher | null = null;
    try {
      agent = openAgent(db, workspace, { ...values, json: false }, io, { concurrency });
      await agent.index();
      await agent.orchestrator.start();
      const otlp = str(values.otlp);
      if (otlp) {
        // Headers for the collector (an API key) come from the environment, never from a flag in `ps` output.
        const shipper = new TraceShipper(db, otlp, otlpHeaders(), (m) => io.err(`serve: ${m}`));
        watcher = new ChangeWatcher(db, (ids) => shipper.onChanged(ids), 500);
        watcher.start();
      }
      // The intake has its own thread and connection: a request never waits behind the workers' event loop.
      const workers = agent.orchestrator;
      server = new IntakeThread({ dbFile, workspace, token, host, port, maxQueued, log: (m) => io.err(m), onAccepted: () => workers.wake() });
      const address = await server.listen();
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      io.out(`serve: listening on http://${shown}:${address.port} (POST /alerts or /webhook, GET /healthz)`);
      io.out(`serve: bearer token ${created ? 'generated in' : 'read from'} ${tokenFile}`);
      io.out(`serve: workspace ${workspace}, database ${dbFile}, ${concurrency} workers`);
      await Promise.race([stop, damaged]);
    } finally {
      // Order matters: no new work in, then the workers finish their current action, then the leases go.
      await server?.close();
      watcher?.stop();
      await agent?.close(); // stops the workers and releases this engine's leases
      const held = leasesHeld(db);
      db.close();
      io.err(`serve: stopped${held > 0 ? ` (${held} leases still held by other engines)` : ''}`);
    }
    return refused ? 1 : 0;
  },
};
