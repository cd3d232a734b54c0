import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, type AgentOptions } from '../../agent/agent';
import type { Db } from '../../../control/db/open';
import { findModel } from '../../../memory/model/locate';
import { packageRoot } from '../../../shared/paths';
import { LlmPlanner } from '../../../planning/llm/planner';
import { OpenAiTransport } from '../../../planning/llm/openai';
import { loadUserPolicy } from '../../../control/policy/load';
import { UsageError, type Io, type OptionSpec, type ParsedArgs } from '../command';

/** Options of every command that plans or runs steps: triage, approve, reject, answer. */
export const AGENT_OPTIONS: OptionSpec = {
  db: { type: 'string' },
  model: { type: 'string' },
  prometheus: { type: 'string' },
  /** Alertmanager's base URL: silences while an approved mitigation works (engine/execution/tools/alertmanager.ts). */
  alertmanager: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  'kube-context': { type: 'string' },
  kubeconfig: { type: 'string' },
  'user-policy': { type: 'string' },
  'llm-url': { type: 'string' },
  'llm-model': { type: 'string' },
  'llm-strong-model': { type: 'string' },
  /** Shell reads run on their own only inside the sandbox (engine/execution/sandbox); without one they wait for a person. */
  'require-sandbox': { type: 'boolean' },
  json: { type: 'boolean' },
};

export const AGENT_USAGE =
  '[--db FILE] [--model DIR] [--prometheus URL] [--alertmanager URL] [--allow-host HOST]... [--kube-context NAME] [--kubeconfig FILE] [--user-policy FILE] [--llm-url URL --llm-model NAME [--llm-strong-model NAME]] [--require-sandbox] [--json]';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The user's policy: --user-policy, else $XDG_CONFIG_HOME/runbook-agent/policy.json when it exists. */
function userPolicyFile(values: ParsedArgs['values']): string | undefined {
  const given = str(values['user-policy']);
  if (given) return given;
  const configHome = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  const file = path.join(configHome, 'runbook-agent', 'policy.json');
  return fs.existsSync(file) ? file : undefined;
}

/** OpenAI-compatible planners from flags; the API key only from RUNBOOK_AGENT_LLM_API_KEY (never a flag: shell history). */
export function llmPlanners(values: ParsedArgs['values']): AgentOptions['models'] {
  const url = str(values['llm-url']);
  const fastModel = str(values['llm-model']);
  const strongModel = str(values['llm-strong-model']);
  if (!url) {
    if (fastModel || strongModel) throw new UsageError('--llm-model needs --llm-url');
    return undefined;
  }
  if (!fastModel) throw new UsageError('--llm-url needs --llm-model');
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    throw new UsageError(`--llm-url is not a URL: ${url}`);
  }
  return (context) => {
    const planner = (model: string) =>
      new LlmPlanner({
        name: `llm:${model}`,
        provider: `openai:${host}`,
        transport: new OpenAiTransport({ baseUrl: url, model, apiKey: process.env.RUNBOOK_AGENT_LLM_API_KEY }),
        context,
      });
    return { fast: planner(fastModel), strong: strongModel ? planner(strongModel) : undefined };
  };
}

/** --kubeconfig as an absolute path (kubectl gets it as given; a relative one would depend on the step's folder). */
function kubeconfigPath(values: ParsedArgs['values']): string | undefined {
  const given = str(values.kubeconfig);
  return given === undefined ? undefined : path.resolve(given);
}

export function openAgent(db: Db, workspace: string, values: ParsedArgs['values'], io: Io, extra: Partial<AgentOptions> = {}): Agent {
  const lookup = findModel(packageRoot(), str(values.model));
  if (!lookup.model && !values.json) io.err(`${lookup.problem}; searching runbooks with bm25 only`);
  return new Agent({
    db,
    workspace,
    modelDir: lookup.model?.path ?? null,
    prometheusUrl: str(values.prometheus),
    alertmanagerUrl: str(values.alertmanager),
    allowedHosts: (values['allow-host'] as string[] | undefined) ?? [],
    kube: { context: str(values['kube-context']), kubeconfig: kubeconfigPath(values) },
    user: loadUserPolicy(userPolicyFile(values)),
    models: llmPlanners(values),
    requireSandboxForReads: values['require-sandbox'] === true,
    log: values.json ? undefined : (m) => io.err(m),
    ...extra,
  });
}
