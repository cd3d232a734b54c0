import path from 'node:path';
import { expect } from 'vitest';
import { z } from 'zod';
import { openDatabase, type Db } from '../../../engine/control/db/open';
import { ManualClock, seededRandom } from '../../../engine/control/workflow/clock';
import { verifyChain } from '../../../engine/control/store/sqlite/eventLog';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { Orchestrator, type OrchestratorOptions } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { FixedPlanner, type Planner, type RunbookSteps } from '../../../engine/control/workflow/planner';
import { replayWorkflow } from '../../../engine/control/store/sqlite/replay';
import { loadView } from '../../../engine/control/store/sqlite/commit';
import type { AnyTool, Tool, ToolOutput } from '../../../engine/control/workflow/tool';
import { tempDir } from '../../helpers/tmp';

export const Input = z.object({ target: z.string() }).strict();
export type Input = z.infer<typeof Input>;

/** An in-process tool whose behaviour per call is scripted; it counts its calls. */
export function scriptedTool(
  name: string,
  options: { risk?: 'read' | 'write'; idempotent?: boolean; toolClass?: Tool['toolClass']; timeoutMs?: number; retry?: Tool['retry'] } = {},
  script: (call: number, input: Input, signal: AbortSignal) => Promise<ToolOutput> | ToolOutput = () => ({ output: { ok: true } }),
): AnyTool & { calls: Input[] } {
  const calls: Input[] = [];
  return {
    name,
    risk: options.risk ?? 'read',
    toolClass: options.toolClass ?? 'other',
    idempotent: options.idempotent ?? false,
    input: Input,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    calls,
    async run(input: Input, signal: AbortSignal) {
      calls.push(input);
      return script(calls.length, input, signal);
    },
  };
}

export interface Fixture {
  db: Db;
  file: string;
  clock: ManualClock;
  orchestrator: Orchestrator;
  start(labels?: Record<string, string>, extra?: Record<string, unknown>): string;
}

export function fixture(tools: AnyTool[], runbooks: RunbookSteps | Planner, options: Partial<OrchestratorOptions> = {}, budget = {}): Fixture {
  const file = path.join(tempDir('rba-wf-'), 'engine.sqlite');
  const db = openDatabase(file);
  const clock = new ManualClock();
  const planner = 'plan' in runbooks ? (runbooks as Planner) : new FixedPlanner(runbooks as RunbookSteps);
  const orchestrator = new Orchestrator({ store: new SqliteControlStore(db), tools, planner, clock, random: seededRandom(42), ...options });
  return {
    db,
    file,
    clock,
    orchestrator,
    start(labels = { runbook: 'main' }, extra = {}) {
      return intake(db, { source: 'test', title: 'disk almost full', labels, ...extra }, { clock, budget }).workflow.id;
    },
  };
}

export function stateOf(db: Db, id: string) {
  const view = loadView(db, id);
  if (!view) throw new Error(`no workflow ${id}`);
  return view;
}

export function eventTypes(db: Db, id: string): string[] {
  return (db.prepare('SELECT type FROM workflow_events WHERE workflow_id = ? ORDER BY seq').all(id) as Array<{ type: string }>).map((r) => r.type);
}

export function eventData(db: Db, id: string, type: string): Array<Record<string, unknown>> {
  return (db.prepare('SELECT data FROM workflow_events WHERE workflow_id = ? AND type = ? ORDER BY seq').all(id, type) as Array<{ data: string }>).map(
    (r) => JSON.parse(r.data) as Record<string, unknown>,
  );
}

/** Every test ends here: the chain verifies and replaying each workflow's events gives its stored view. */
export function assertConsistent(db: Db): void {
  expect(verifyChain(db)).toMatchObject({ ok: true });
  const ids = db.prepare('SELECT id FROM workflows').all() as Array<{ id: string }>;
  for (const { id } of ids) expect(replayWorkflow(db, id)).toEqual(loadView(db, id));
}
