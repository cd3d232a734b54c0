// `serve --store postgres://USER@HOST:PORT/DB`: one replica of a team's service. The control plane (queue, leases,
// workflows, the hash-chained log, tiers, kill switches, breakers, intake dedup) lives in the shared database and
// is driven by StoreRuntime (engine/control/workflow/runtime); retrieval stays local: each replica indexes its own
// checkout of the workspace into its own SQLite file (--db), exactly as a single `serve` does. Run N of these,
// on N machines, with the same --workspace path and the same --store URL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Agent } from '../../agent/agent';
import { openDatabase, type Db } from '../../../control/db/open';
import { IntakeServer, loadOrCreateToken } from '../../../control/intake';
import { acceptAlertsInStore, storeHealth } from '../../../control/intake/storeAccept';
import { decide } from '../../../control/policy/gate';
import { loadUserPolicy, loadWorkspacePolicy } from '../../../control/policy/load';
import type { Tier, UserPolicy } from '../../../control/policy/schema';
import { defaultDatabasePath } from '../../../shared/paths';
import { sandboxStatus } from '../../../execution/sandbox';
import { openControlStore } from '../../../control/store/open';
import type { ControlStore } from '../../../control/store/types';
import { TOOL } from '../../../execution/tools/names';
import type { PolicyCall, PolicyDecision } from '../../../control/workflow/core';
import type { AlertRequest } from '../../../control/workflow/request';
import { StoreRuntime } from '../../../control/workflow/runtime/storeRuntime';
import { startSilenceSweeps, type SilenceSweeps } from '../../agent/silences';
import { draftSummaryOf } from '../../agent/summaryDraft';
import { recallForPlanningInStore, rememberWorkflowInStore } from '../../../memory/incidents/inStore';
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
  let runtime: StoreRuntime | null = null;
  let server: IntakeServer | null = null;
  let sweeps: SilenceSweeps | null = null;
  let shipper: StoreTraceShipper | null = null;
  // Work after a settle (summary drafts, incident memory) in flight: waited for before the store closes.
  const drafting = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    drafting.add(work);
    void work.finally(() => drafting.delete(work));
  };
  const log = (m: string) => io.err(`serve: ${m}`);
  try {
    // The local database holds this replica's retrieval index only; workflows live in the store.
    db = openDatabase(dbFile);
    // Incident memory ("Last time") lives in the shared store with the team's workflows, not in the local file.
    const recall = (request: AlertRequest, workflowId: string) => recallForPlanningInStore(store, s.workspace, request, workflowId, Date.now(), log);
    agent = openAgent(db, s.workspace, { ...values, json: false }, io, { concurrency: s.concurrency, recall });
    await agent.index();
    const user = loadUserPolicy(userPolicyFile(values));
    // The silences a workflow made end with it (engine/entry/agent/silences.ts), as without --store.
    const alertmanagerUrl = str(values.alertmanager);
    const otlp = str(values.otlp);
    // Headers for the collector come from the environment, as without --store. Each replica watches the change feed
    // and sweeps; a stale trace of a settled workflow (settled here, by another replica or from the CLI, or changed
    // since its last send) is sent by the one replica whose claim the store logs first (otel/shipStore.ts).
    if (otlp) shipper = await StoreTraceShipper.start({ store, workspace: s.workspace, endpoint: otlp, headers: otlpHeaders(), everyMs: TRACE_SWEEP_MS, log });
    if (alertmanagerUrl) sweeps = startSilenceSweeps(s.workspace, { store, alertmanagerUrl, everyMs: SILENCE_SWEEP_MS, log });
    runtime = new StoreRuntime({
      store,
      tools: agent.context.tools,
      // The Agent's planner stack, as without --store: retrieval over this replica's --db, the same model router.
      planner: agent.planner,
      queue: s.workspace,
      concurrency: s.concurrency,
      policy: storeGate(s.workspace, user, values['require-sandbox'] === true),
      onError: (error) => io.err(`serve: workflow worker: ${(error as Error).message}`),
      onSettled: (id) => {
        sweeps?.sweep();
        // As without --store: the workflow is remembered for the next time its alert fires, in the shared store (an
        // upsert on its id: another replica remembering it too leaves one row). A failure is logged, never thrown.
        track(rememberWorkflowInStore(store, id).then(
          () => undefined,
          (error: unknown) => log(`incident memory for ${id}: ${(error as Error).message}`),
        ));
        // As without --store: with a model, the replica that settled the workflow asks it for the summary draft.
        const drafter = agent?.drafter;
        if (drafter) track(draftSummaryOf(id, { store, planner: drafter, log }));
      },
    });
    const recovered = (await runtime.start())!;
    const workers = runtime;
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
    io.out(`serve: workspace ${s.workspace}, control store ${shownUrl(url)}, retrieval index ${dbFile}, ${s.concurrency} workers (owner ${runtime.owner})`);
    if (recovered.reclaimed + recovered.orphans + recovered.interrupted > 0) {
      io.err(`serve: recovery: ${recovered.reclaimed} leases of dead engines freed, ${recovered.orphans} workflows re-queued, ${recovered.interrupted} interrupted calls for the workers to decide`);
    }
    await s.stop;
  } finally {
    // As serve: no new work in, then the workers finish their current action and release their leases.
    await server?.close();
    await runtime?.stop();
    await sweeps?.stop();
    await shipper?.stop();
    await Promise.all(drafting);
    await agent?.close();
    const held = await store.leasesHeld().catch(() => 0);
    await store.close().catch(() => undefined);
    db?.close();
    io.err(`serve: stopped${held > 0 ? ` (${held} leases still held by other replicas)` : ''}`);
  }
  return 0;
}

/** As engine/entry/cli/agent/options.ts: --user-policy, else $XDG_CONFIG_HOME/runbook-agent/policy.json when it exists. */
function userPolicyFile(values: ParsedArgs['values']): string | undefined {
  const given = str(values['user-policy']);
  if (given) return given;
  const configHome = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  const file = path.join(configHome, 'runbook-agent', 'policy.json');
  return fs.existsSync(file) ? file : undefined;
}

/**
 * engine/entry/agent/policy.ts workspaceGate with the tier read from the store (by the runtime, before each action)
 * instead of the local database: every replica sees the same tier, and a change applies to the next step.
 */
export function storeGate(workspace: string, user: UserPolicy | undefined, requireSandboxForReads: boolean): (call: PolicyCall, tier: Tier) => PolicyDecision {
  return (call, tier) => {
    let ws;
    try {
      ws = loadWorkspacePolicy(workspace);
    } catch (error) {
      return { action: 'deny', reason: (error as Error).message, by: 'workspace policy file' };
    }
    const decision = decide({ tool: call.tool.name, risk: call.risk, input: call.input }, { tier, user, workspace: ws });
    if (!requireSandboxForReads || decision.action !== 'allow' || call.risk !== 'read' || call.tool.name !== TOOL.shell) return decision;
    const status = sandboxStatus();
    if (status.available) return decision;
    return { action: 'approve', reason: `no sandbox on this machine (${status.problem ?? 'unknown reason'}); --require-sandbox is on`, by: 'sandbox.requireForReads' };
  };
}
