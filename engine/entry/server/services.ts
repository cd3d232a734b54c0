import path from 'node:path';
import type { AgentSettings } from '../../../protocol/agent';
import { Agent, type AgentOptions } from '../agent/agent';
import type { Engine } from '../engine';
import { LlmPlanner } from '../../planning/llm/planner';
import { OpenAiTransport } from '../../planning/llm/openai';
import type { ChatTransport } from '../../planning/llm/transport';
import { UserPolicy } from '../../control/policy/schema';
import { Retriever } from '../../memory/retrieval/retriever';
import { IntakeThread } from '../../control/intake';
import { TraceShipper } from '../../control/otel/ship';
import type { Planner } from '../../control/workflow/planner';

export interface ServiceOptions {
  readonly workspaceFolders: readonly string[];
  readonly log: (message: string) => void;
  /** A vscode.lm model of this family, reached by asking the extension host (engine -> extension request). */
  readonly vscodeLm: (family: string | undefined) => ChatTransport;
}

/**
 * What the engine process serves beside health: one Retriever (one embedding worker) and one Agent per
 * workspace folder, rebuilt when the user's settings change. Agents run their worker loops in the
 * background, so approved work goes on without anyone waiting on a request.
 */
export class EngineServices {
  private retrieverValue: Retriever | null = null;
  private readonly agents = new Map<string, Agent>();
  private settings: AgentSettings | null = null;
  private intake: IntakeThread | null = null;
  private shipper: TraceShipper | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly options: ServiceOptions,
  ) {}

  retriever(): Retriever {
    if (!this.retrieverValue) {
      const health = this.engine.health();
      if (!health.model) throw new Error(health.modelProblem ?? 'no embedding model');
      this.retrieverValue = new Retriever({ db: this.engine.database(), modelDir: health.model.path, log: (m) => this.options.log(`retrieval: ${m}`) });
    }
    return this.retrieverValue;
  }

  /** A folder the editor has open; anything else is refused (a request cannot point the engine elsewhere). */
  folder(root: string): string {
    const resolved = path.resolve(root);
    if (!this.options.workspaceFolders.some((f) => path.resolve(f) === resolved)) {
      throw new Error(`${root} is not one of this window's workspace folders`);
    }
    return resolved;
  }

  /** Hosts network reads may reach (runbookAgent.tools.allowedHosts), for judging commands outside a workflow. */
  allowedHosts(): readonly string[] {
    return this.settings?.allowedHosts ?? [];
  }

  agent(root: string): Agent {
    const folder = this.folder(root);
    let agent = this.agents.get(folder);
    if (!agent) {
      agent = this.makeAgent(folder);
      this.agents.set(folder, agent);
      // Recovery and the worker loops start in the background; a failure (the database locked or full) is logged.
      void agent.orchestrator.start().catch((error: unknown) => this.options.log(`workflow workers did not start: ${(error as Error).message}`));
    }
    return agent;
  }

  /** Starts the agents of every folder with unsettled workflows, so they resume after an engine restart. */
  resumeAll(): void {
    for (const folder of this.options.workspaceFolders) this.agent(folder);
  }

  async configure(settings: AgentSettings): Promise<void> {
    this.settings = settings;
    const folders = [...this.agents.keys()];
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
    for (const f of folders) this.agent(f);
    const { endpoint, headers } = settings.otlp;
    this.shipper = endpoint ? new TraceShipper(this.engine.database(), endpoint, headers, this.options.log) : null;
    await this.configureIntake(settings.intake);
  }

  /** A person acted or an alert arrived: idle workers look for work now. */
  wakeAll(): void {
    for (const a of this.agents.values()) a.orchestrator.wake();
    for (const a of this.agents.values()) void a.expireSilences(); // a person may have settled a workflow: its Alertmanager silences end (engine/entry/agent/silences.ts)
  }

  /** Settled workflows' traces go to the OTLP endpoint, when one is configured. */
  onWorkflowsChanged(ids: readonly string[]): void {
    this.shipper?.onChanged(ids);
  }

  /** The intake serves the window's first folder; it only enqueues, the agent's workers do the rest. */
  private async configureIntake(intake: AgentSettings['intake']): Promise<void> {
    await this.intake?.close();
    this.intake = null;
    const folder = this.options.workspaceFolders[0];
    if (!intake.enabled) return;
    if (!folder) return this.options.log('alert intake is enabled but no folder is open: not started');
    if (intake.token.length < 16) return this.options.log('alert intake is enabled but has no token: not started');
    this.agent(folder);
    // On its own thread with its own connection: the engine's JSON-RPC thread and workers never delay a request.
    const server = new IntakeThread({
      dbFile: this.engine.database().name,
      workspace: this.folder(folder),
      token: intake.token,
      host: intake.host,
      port: intake.port,
      log: this.options.log,
      onAccepted: () => this.wakeAll(),
    });
    try {
      const address = await server.listen();
      this.intake = server;
      this.options.log(`alert intake listening on http://${address.address}:${address.port} for ${folder}`);
    } catch (error) {
      this.options.log(`alert intake not started: ${(error as Error).message}`);
    }
  }

  private makeAgent(folder: string): Agent {
    let retriever: Retriever | undefined;
    try {
      retriever = this.retriever();
    } catch {
      retriever = undefined; // no model: the agent searches with bm25 only
    }
    const s = this.settings;
    return new Agent({
      db: this.engine.database(),
      workspace: folder,
      modelDir: retriever ? retriever.modelDir : null,
      retriever,
      prometheusUrl: s?.prometheusUrl || undefined,
      alertmanagerUrl: s?.alertmanagerUrl || undefined,
      allowedHosts: s?.allowedHosts ?? [],
      kube: { context: s?.kubernetes.context || undefined, kubeconfig: s?.kubernetes.kubeconfig || undefined },
      user: UserPolicy.parse(s?.policy ?? {}),
      requireSandboxForReads: s?.sandbox.requireForReads ?? false,
      models: s ? this.models(s) : undefined,
      mayExecute: () => (this.engine.trust.trusted ? null : 'this workspace is in Restricted Mode: trust it (Workspaces: Manage Workspace Trust) to let Runbook Agent run steps'),
      concurrency: 2,
      log: this.options.log,
    });
  }

  private models(s: AgentSettings): AgentOptions['models'] {
    const llm = s.llm;
    if (llm.provider === 'none') return undefined;
    return (context) => {
      const planner = (model: string): Planner => {
        const transport = llm.provider === 'vscode' ? this.options.vscodeLm(model || undefined) : new OpenAiTransport({ baseUrl: llm.baseUrl, model, apiKey: llm.apiKey || undefined });
        const provider = llm.provider === 'vscode' ? 'vscode-lm' : `openai:${safeHost(llm.baseUrl)}`;
        return new LlmPlanner({ name: `llm:${model || 'default'}`, provider, transport, context });
      };
      return { fast: planner(llm.fastModel), strong: llm.strongModel ? planner(llm.strongModel) : undefined };
    };
  }

  async close(): Promise<void> {
    await this.intake?.close();
    this.intake = null;
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
    await this.retrieverValue?.close();
    this.retrieverValue = null;
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
