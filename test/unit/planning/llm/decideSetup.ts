import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { openDatabase } from '../../../../engine/control/db/open';
import type { PlanningContext } from '../../../../engine/planning/context';
import { LlmPlanner } from '../../../../engine/planning/llm/planner';
import { OpenAiTransport } from '../../../../engine/planning/llm/openai';
import type { SearchHit } from '../../../../engine/memory/retrieval/search';
import { classifyCommand } from '../../../../engine/execution/risk';
import { shellQuote } from '../../../../engine/execution/tools/quote';
import { bindShellAnswers } from '../../../../engine/execution/tools/shellBind';
import { seededRandom } from '../../../../engine/control/workflow/clock';
import { Orchestrator, type PolicyCall, type PolicyDecision } from '../../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../../engine/control/store/sqlite/store';
import { listToolCalls } from '../../../../engine/control/store/sqlite/toolCalls';
import type { AnyTool } from '../../../../engine/control/workflow/tool';
import { tempDir } from '../../../helpers/tmp';
import type { ScriptedLlm } from '../../../support/scriptedLlm';
import { goodPlan, step } from '../../../support/scriptedLlm';
import { fixture, type Fixture } from '../../workflow/fixtures';
import { ALERT, askTool } from './setup';

export const RUNBOOK = `# Disk almost full

## Diagnose

Check how full the data volume is:

\`\`\`sh
df -h /var/lib/data
\`\`\`

## Mitigate

If rotated logs fill the volume (\`data.log.1\`), rotate them now:

\`\`\`sh
logrotate -f /etc/logrotate.d/data
\`\`\`

Remove the old dump:

\`\`\`sh
rm -f /var/lib/data/dumps/old.dump
\`\`\`

## Verify

\`\`\`sh
df -h /var/lib/data
\`\`\`
`;

export const DF_OUTPUT = 'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sdb1       100G   97G  3.0G  97% /var/lib/data\n';

/** The real classifier and answer binding; runs nothing, answers each command from a table. */
export function shellTool(outputs: Record<string, string> = {}): AnyTool & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: 'shell',
    risk: 'write',
    toolClass: 'shell',
    idempotent: false,
    input: z.object({ command: z.string().min(1).max(2000) }).strict(),
    assess: (input: { command: string }) => classifyCommand(input.command),
    bind: bindShellAnswers,
    quote: shellQuote,
    describe: (input: { command: string }) => input.command,
    calls,
    async run(input: { command: string }) {
      calls.push(input.command);
      return { output: { exitCode: 0, stdout: outputs[input.command] ?? (input.command.startsWith('df ') ? DF_OUTPUT : 'ok\n'), stderr: '' } };
    },
  };
}

/** A workspace with the runbook on disk, and retrieval that finds its one section. */
export function workspace(tools: AnyTool[]): PlanningContext & { dir: string } {
  const dir = tempDir('rba-llm-decide-');
  fs.mkdirSync(path.join(dir, 'runbooks'));
  fs.writeFileSync(path.join(dir, 'runbooks/disk-full.md'), RUNBOOK);
  const hit: SearchHit = { root: dir, path: 'runbooks/disk-full.md', startLine: 1, endLine: 40, heading: 'Disk almost full', score: 1, docVersion: 'v1hash', stale: false, chunkId: 101, text: RUNBOOK };
  return { dir, workspace: dir, tools, search: async () => [hit] };
}

export function planner(server: ScriptedLlm, ctx: PlanningContext): LlmPlanner {
  const transport = new OpenAiTransport({ baseUrl: server.baseUrl, model: 'scripted-7b' });
  return new LlmPlanner({ name: 'llm:scripted', provider: 'openai:scripted', transport, context: ctx });
}

/** Writes wait for a person, as the real gate does; reads run. */
export const writesNeedApproval = (call: PolicyCall): PolicyDecision =>
  call.risk === 'write' ? { action: 'approve', reason: 'a write always waits for a person', by: 'test' } : { action: 'allow', reason: 'read', by: 'test' };

/** Diagnose, one runbook mitigation, verify: a decision is due after the diagnosis and after the mitigation. */
export const fullPlan = () =>
  goodPlan([
    step('check-disk', 'shell', { command: 'df -h /var/lib/data' }),
    step('rotate-logs', 'shell', { command: 'logrotate -f /etc/logrotate.d/data' }, { risk: 'write', phase: 'mitigate' }),
    step('verify-disk', 'shell', { command: 'df -h /var/lib/data' }, { phase: 'verify' }),
  ]);

/** Diagnose and verify only: after the one decision the workflow completes unless the decision changes that. */
export const diagnoseOnlyPlan = () =>
  goodPlan([step('check-disk', 'shell', { command: 'df -h /var/lib/data' }), step('verify-disk', 'shell', { command: 'df -h /var/lib/data' }, { phase: 'verify' })]);

export interface Run {
  f: Fixture;
  id: string;
  shell: AnyTool & { calls: string[] };
  tools: AnyTool[];
  ctx: PlanningContext;
}

export function setUp(server: ScriptedLlm, options: { planTimeoutMs?: number; allowModelWrites?: boolean; actionsPerLease?: number } = {}): Run {
  const shell = shellTool();
  const tools = [shell, askTool()];
  // The user's policy reaches the planner through the planning context, as Agent builds it from settings.
  const ctx = { ...workspace(tools), allowModelWrites: options.allowModelWrites ?? false };
  const f = fixture(tools, planner(server, ctx), { planTimeoutMs: options.planTimeoutMs ?? 10_000, policy: writesNeedApproval, actionsPerLease: options.actionsPerLease });
  const { source, title, labels, annotations } = ALERT;
  const id = f.start(labels, { source, title, annotations });
  return { f, id, shell, tools, ctx };
}

/** The same database opened again by a new engine (a new connection, a new orchestrator and planner). */
export function reopen(run: Run, server: ScriptedLlm): Orchestrator {
  const db = openDatabase(run.f.file);
  return new Orchestrator({ store: new SqliteControlStore(db), tools: run.tools, planner: planner(server, run.ctx), clock: run.f.clock, random: seededRandom(7), policy: writesNeedApproval });
}

export function callsOf(run: Run) {
  return listToolCalls(run.f.db, run.id).map((c) => ({ id: c.key, stepId: c.stepId, tool: c.tool, status: c.status, input: c.input, result: c.result, error: c.error }));
}
