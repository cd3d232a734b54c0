// `serve --store postgres://USER@HOST:PORT/DB`: one replica of a team's service. The control plane (queue, leases,
// workflows, the hash-chained log, tiers, kill switches, breakers, intake dedup) lives in the shared database and
// is driven by the same Agent and Orchestrator as a single `serve`, on the store; retrieval stays local: each
// replica indexes its own checkout of the workspace into its own SQLite file (--db), exactly as a single `serve`
// does. Run N of these, on N machines, with the same --workspace path and the same --store URL.
import path from 'node:path';
import type { Agent } from '../../agent/agent';
import { openDatabase, type Db } from '../../../control/db/open';
import { IntakeServer, loadOrCreateToken } from '../../../control/intake';
import { acceptAlertsInStore, storeHealth } from '../../../control/intake/storeAccept';
import { defaultDatabasePath } from '../../../shared/paths';
import { openControlStore } from '../../../control/store/open';
import type { ControlStore } from '../../../control/store/types';
import { startSilenceSweeps, type SilenceSweeps } from '../../agent/silences';
import { otlpHeaders } from '../../../control/otel/ship';
import { StoreTraceShipper } from '../../../control/otel/shipStore';
import { UsageError, type Io, type ParsedArgs } from '../command';
import { llmPlanners, openAgent } from '../agent/options';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
/** How often a replica looks for settled workflows whose silences still run (one a person settled elsewhere). */
const SILENCE_SWEEP_MS = 15_000;
/** How often a replica looks for settled workflows whose trace is stale, besides the change feed (--otlp). */
const TRACE_SWEEP_MS = 15_000;

export interface ServeSettings {
  readonly workspace: string;
  readonly host: string;
  readonly port: number;
  readonly concurrency: number;
  readonly maxQueued: number;
  readonly stop: Promise<unknown>;
}

/** The URL as it may be shown: without a password (pass it in PGPASSWORD or ~/.pgpass, never on the command line). */
export function shownUrl(url: URL): string {
  const u = new URL(url.toString());
  if (u.password) u.password = '***';
  return u.toString();
}

/** Refuses anything but a postgres:// URL naming a host and a database, before anything is opened. */
export function parseStoreUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--store must be a URL like postgres://USER@HOST:PORT/DB, got ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`--store supports PostgreSQL only (postgres://USER@HOST:PORT/DB), got ${url.protocol}//…; without --store, serve and the CLI use the local SQLite file (--db)`);
  }
  if (!url.hostname) throw new UsageError('--store: the URL names no host (postgres://USER@HOST:PORT/DB)');
  if (url.pathname.length <= 1) throw new UsageError('--store: the URL names no database (postgres://USER@HOST:PORT/DB)');
  return url;
}

export async function serveOnStore(values: ParsedArgs['values'], io: Io, s: ServeSettings): Promise<number> {
  const url = parseStoreUrl(str(values.store)!);
  // Flag errors (--llm-url without --llm-model, a bad URL) before anything is opened, as without --store.
  llmPlanners(values);
  const dbFile = str(values.db) ?? defaultDatabasePath();
  const tokenFile = path.resolve(str(values['token-file']) ?? path.join(path.dirname(dbFile), 'intake.token'));
  const { token, created } = loadOrCreateToken(tokenFile);
  let store: ControlStore;
  try {
    store = await openControlStore(url.toString(), { onError: (e) => io.err(`serve: control store connection: ${e.message}`) });
  } catch (error) {
    throw new Error(`cannot open the control store at ${shownUrl(url)}: ${(error as Error).message || String(error)}`);
  }
  let db: Db | null = null;
  let agent: Agent | null = null;
  let server: IntakeServer | null = null;
  let sweeps: SilenceSweeps | null = null;
  let shipper: StoreTraceShipper | null = null;
  const log = (m: string) => io.err(`serve: ${m}`);
  try {
    // The local database holds this replica's retrieval index only; workflows live in the store.
    db = openDatabase(dbFile);
    // The Agent of `serve`, on the shared store: its orchestrator runs the team's workflows, incident memory ("Last
    // time") is the store's, and on settle it remembers, sweeps silences and asks a model for the summary draft there.
    agent = openAgent(db, s.workspace, { ...values, json: false }, io, { concurrency: s.concurrency, store, log });
    await agent.index();
    const alertmanagerUrl = str(values.alertmanager);
    const otlp = str(values.otlp);
    // Headers for the collector come from the environment, as without --store. Each replica watches the change feed
    // and sweeps; a stale trace of a settled workflow (settled here, by another replica or from the CLI, or changed
    // since its last send) is sent by the one replica whose claim the store logs first (otel/shipStore.ts).
    if (otlp) shipper = await StoreTraceShipper.start({ store, workspace: s.workspace, endpoint: otlp, headers: otlpHeaders(), everyMs: TRACE_SWEEP_MS, log });
    // The agent sweeps when it settles a workflow; a person's Cancel or Escalate from the CLI reaches no replica, so
    // every replica also sweeps on a timer.
    if (alertmanagerUrl) sweeps = startSilenceSweeps(s.workspace, { store, alertmanagerUrl, everyMs: SILENCE_SWEEP_MS, log });
    const workers = agent.orchestrator;
    const recovered = (await workers.start())!;
    server = new IntakeServer({
      db,
      workspace: s.workspace,
      token,
      host: s.host,
      port: s.port,
      maxQueued: s.maxQueued,
      accept: (payload) => acceptAlertsInStore(payload, { store, workspace: s.workspace, maxQueued: s.maxQueued }),
      health: () => storeHealth(store),
      log: (m) => io.err(m),
      onAccepted: () => workers.wake(),
    });
    const address = await server.listen();
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    io.out(`serve: listening on http://${shown}:${address.port} (POST /alerts or /webhook, GET /healthz)`);
    io.out(`serve: bearer token ${created ? 'generated in' : 'read from'} ${tokenFile}`);
    io.out(`serve: workspace ${s.workspace}, control store ${shownUrl(url)}, retrieval index ${dbFile}, ${s.concurrency} workers (owner ${workers.owner})`);
    if (recovered.reclaimed + recovered.orphans + recovered.interrupted > 0) {
      io.err(`serve: recovery: ${recovered.reclaimed} leases of dead engines freed, ${recovered.orphans} workflows re-queued, ${recovered.interrupted} interrupted calls for the workers to decide`);
    }
    await s.stop;
  } finally {
    // As serve: no new work in, then the workers finish their current action and release their leases.
    await server?.close();
    await agent?.close(); // stops the workers, waits for memory and summary drafts after a settle
    await sweeps?.stop();
    await shipper?.stop();
    const held = await store.leasesHeld().catch(() => 0);
    await store.close().catch(() => undefined);
    db?.close();
    io.err(`serve: stopped${held > 0 ? ` (${held} leases still held by other replicas)` : ''}`);
  }
  return 0;
}
