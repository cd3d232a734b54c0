import { describe, expect, it } from 'vitest';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { FixedPlanner } from '../../../engine/control/workflow/planner';
import { assertConsistent, fixture, scriptedTool, stateOf } from './fixtures';

describe('a queue per workspace', () => {
  it("an engine serving one workspace never runs another workspace's workflows", async () => {
    const tool = scriptedTool('check');
    const runbooks = { main: [{ id: 'a', tool: 'check', input: { target: 'x' } }] };
    const f = fixture([tool], runbooks);
    const start = (workspace: string) => intake(f.db, { source: 't', title: workspace, labels: { runbook: 'main' } }, { clock: f.clock, workspace }).workflow.id;
    const a = start('/srv/a');
    const b = start('/srv/b');
    const onlyA = new Orchestrator({ store: new SqliteControlStore(f.db), tools: [tool], planner: new FixedPlanner(runbooks), clock: f.clock, queue: '/srv/a' });
    await onlyA.drain();
    expect(stateOf(f.db, a)).toMatchObject({ state: 'COMPLETED', workspace: '/srv/a' });
    expect(stateOf(f.db, b).state).toBe('RECEIVED');
    await f.orchestrator.drain();
    expect(stateOf(f.db, b).state).toBe('COMPLETED');
    assertConsistent(f.db);
  });
});
