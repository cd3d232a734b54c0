import type { Db } from '../../control/db/open';
import { recallForPlanningInStore, rememberWorkflowInStore } from '../../memory/incidents/inStore';
import type { ControlStore } from '../../control/store/types';
import { RunbookPlanner } from '../../planning/runbook';
import type { PlanningContext } from '../../planning/context';
import { RoutingPlanner } from '../../planning/route';
import type { UserPolicy } from '../../control/policy/schema';
import { Retriever } from '../../memory/retrieval/retriever';
import type { AlertQuery } from '../../memory/retrieval/query';
import type { SearchHit } from '../../memory/retrieval/search';
import { createTools } from '../../execution/tools/catalogue';
import { intake } from '../../control/store/sqlite/intake';
import { Orchestrator } from '../../control/workflow/orchestrator';
import type { Planner } from '../../control/workflow/planner';
import type { AlertRequest } from '../../control/workflow/request';
import { loadView } from '../../control/store/sqlite/commit';
import type { WorkflowView } from '../../control/workflow/view';
import { workspaceGate } from './policy';
import { expireSettledSilences } from './silences';
import { SqliteControlStore } from '../../control/store/sqlite/store';
import { draftSummaryOf } from './summaryDraft';

export interface AgentOptions {
  readonly db: Db;
  /** Absolute path of the workspace folder. */
  readonly workspace: string;
  /** The embedding model folder; null searches with bm25 only (no model needed). */
  readonly modelDir: string | null;
  /** A retriever shared with the rest of the engine (one embedding worker per process); the agent makes its own otherwise. */
  readonly retriever?: Retriever;
  readonly prometheusUrl?: string;
  /** Alertmanager's base URL (API v2): the alertmanager_silence tool, and its silences expired when a workflow settles. */
  readonly alertmanagerUrl?: string;
  readonly allowedHosts?: readonly string[];
  /** kubectl's --context and --kubeconfig for the built-in Kubernetes diagnostics (user settings or CLI flags only). */
  readonly kube?: { readonly context?: string; readonly kubeconfig?: string };
  readonly user?: UserPolicy;
  /** runbookAgent.sandbox.requireForReads / --require-sandbox: without the sandbox, shell reads wait for a person. */
  readonly requireSandboxForReads?: boolean;
  /** Model-backed planners (engine/planning/llm) over this agent's context; without them the runbook planner plans alone. */
  readonly models?: (context: PlanningContext) => { readonly fast?: Planner; readonly strong?: Planner };
  /** Workspace trust (see engine/control/trust.ts): a message while execution is refused. */
  readonly mayExecute?: () => string | null;
  readonly toolTimeoutMs?: number;
  /**
   * Where the workflows live: default this engine's own file (db) through the SQLite adapter. `serve --store` passes
   * the team's store; db then holds this replica's retrieval index only, and the workers, incident memory ("Last
   * time" is recalled from and remembered in the store), silence sweeps and summary drafts all use the store.
   */
  readonly store?: ControlStore;
  /** Worker loops when started as a service (orchestrator.start()). */
  readonly concurrency?: number;
  readonly log?: (message: string) => void;
}

/**
 * Everything that turns an alert into a workflow for one workspace: retrieval over its docs, the tool
 * catalogue bound to it, the planners, the policy gate, and an orchestrator serving only its queue. The
 * CLI and the editor's engine both build this; neither wires the parts itself.
 */
export class Agent {
  readonly retriever: Retriever;
  readonly orchestrator: Orchestrator;
  readonly context: PlanningContext;
  /** The runbook planner, or with models the router over it and them: what the orchestrator plans with. */
  readonly planner: Planner;
  /** The planner when a model drafts summaries of settled workflows, else null. */
  readonly drafter: Planner | null;
  /** Summary drafts in flight: the CLI waits for them before it reports, a service before it closes. */
  private readonly drafting = new Set<Promise<void>>();
  /** Where the workflows live (AgentOptions.store): what the orchestrator, memory, silence sweeps and summary drafts use. */
  readonly store: ControlStore;

  constructor(private readonly options: AgentOptions) {
    const { db, workspace } = options;
    this.store = options.store ?? new SqliteControlStore(db);
    this.retriever = options.retriever ?? new Retriever({ db, modelDir: options.modelDir ?? '', log: options.log });
    const tools = createTools({
      workspace,
      prometheusUrl: options.prometheusUrl,
      alertmanagerUrl: options.alertmanagerUrl,
      allowedHosts: [...(options.allowedHosts ?? [])],
      kubeContext: options.kube?.context,
      kubeconfig: options.kube?.kubeconfig,
    });
    this.context = {
      workspace,
      tools,
      allowedHosts: options.allowedHosts ?? [],
      allowModelWrites: options.user?.allowModelWrites ?? false,
      search: (query, k) => this.search(query, k),
      // "Last time" for the plan and the model's context: earlier incidents of the same alert (engine/memory/incidents).
      recall: (request: AlertRequest, workflowId: string) => recallForPlanningInStore(this.store, workspace, request, workflowId, Date.now(), options.log),
    };
    const runbook = new RunbookPlanner({ context: this.context });
    const { fast, strong } = options.models?.(this.context) ?? {};
    const planner: Planner = fast || strong ? new RoutingPlanner({ runbook, fast, strong, context: this.context }) : runbook;
    this.planner = planner;
    this.drafter = fast?.summarize || strong?.summarize ? planner : null;
    this.orchestrator = new Orchestrator({
      store: this.store,
      tools,
      planner,
      queue: workspace,
      policy: workspaceGate(workspace, options.user, { requireForReads: options.requireSandboxForReads }),
      mayExecute: options.mayExecute,
      toolTimeoutMs: options.toolTimeoutMs,
      concurrency: options.concurrency,
      onError: (error) => options.log?.(`workflow worker: ${(error as Error).message}`),
      // Every settled workflow is remembered (engine/memory/incidents) for the next time its alert fires. Only a model drafts
      // a summary; without one the composed summary (engine/planning/observe) is the whole story.
      onSettled: (id) => {
        this.remember(id);
        // Alertmanager silences end with their workflow (engine/entry/agent/silences.ts). One sweep of the workspace's settled
        // workflows covers this one and any a person settled from the CLI, which has no Alertmanager URL; expiring
        // this one separately as well would race the sweep to the same silence.
        void this.expireSilences();
        if (this.drafter) this.track(draftSummaryOf(id, { store: this.store, planner: this.drafter, log: options.log }));
      },
    });
  }

  /**
   * Incident memory is a nicety too: a failure to remember is logged, never thrown into the worker. An upsert on the
   * workflow id, so replicas remembering the same workflow leave one row.
   */
  private remember(id: string): void {
    this.track(
      rememberWorkflowInStore(this.store, id).then(
        () => undefined,
        (error: unknown) => this.options.log?.(`incident memory for ${id}: ${(error as Error).message}`),
      ),
    );
  }

  /**
   * Work after a settle that holds nothing up (a model's summary draft, engine/entry/agent/summaryDraft.ts; a silence
   * sweep): tracked so runUntilIdle and close wait for it.
   */
  private track(work: Promise<void>): void {
    this.drafting.add(work);
    void work.finally(() => this.drafting.delete(work));
  }

  /**
   * Expires the Alertmanager silences of every settled workflow of this workspace: after the engine settles one, and
   * after a person does (Cancel, Escalate, Mark resolved), which does not pass through onSettled. Tracked like a
   * summary draft, so runUntilIdle and close wait for it; never throws.
   */
  expireSilences(): Promise<void> {
    const alertmanagerUrl = this.options.alertmanagerUrl;
    if (!alertmanagerUrl) return Promise.resolve();
    // `serve --store` also runs this sweep on a timer (engine/entry/agent/silences.ts startSilenceSweeps).
    const work = expireSettledSilences(this.options.workspace, { store: this.store, alertmanagerUrl, log: this.options.log });
    this.track(work);
    return work;
  }

  /** Brings the index of the workspace up to date (only what changed); needs the model. */
  async index(): Promise<void> {
    if (this.options.modelDir !== null) await this.retriever.index(this.options.workspace);
  }

  /** Hits from this workspace only: one database may index several. */
  private async search(query: string | AlertQuery, k: number): Promise<SearchHit[]> {
    const mode = this.options.modelDir === null ? 'lexical' : 'hybrid';
    const hits = await this.retriever.search(query, { k: k * 3, mode });
    return hits.filter((h) => h.root === this.options.workspace).slice(0, k);
  }

  /** Starts one workflow per alert (a re-sent alert returns its existing workflow). */
  start(alerts: readonly AlertRequest[]): WorkflowView[] {
    return alerts.map((a) => intake(this.options.db, a, { workspace: this.options.workspace }).workflow);
  }

  /**
   * Runs this workspace's ready work until every workflow waits for a person, is settled, or waits for
   * something minutes away (a resolved notification): retries due within a minute are waited for.
   */
  async runUntilIdle(): Promise<void> {
    await this.orchestrator.recover();
    await this.orchestrator.drain(Number.MAX_SAFE_INTEGER, 60_000);
    void this.expireSilences();
    await Promise.all(this.drafting);
  }

  view(id: string): WorkflowView | null {
    return loadView(this.options.db, id);
  }

  /** Stops the worker loops (if started); closes the retriever and the store only when the agent made them. */
  async close(): Promise<void> {
    await this.orchestrator.stop();
    await Promise.all(this.drafting);
    if (!this.options.retriever) await this.retriever.close();
    if (!this.options.store) await this.store.close();
  }
}
