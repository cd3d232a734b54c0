import { describe, expect, it } from 'vitest';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { FixedPlanner } from '../../../engine/control/workflow/planner';
import { fixture, scriptedTool, stateOf } from './fixtures';

describe('waking idle workers', () => {
  it('an idle worker looks for work on wake() instead of sleeping out its poll interval', async () => {
    const tool = scriptedTool('check');
    const runbooks = { main: [{ id: 'a', tool: 'check', input: { target: 'x' } }] };
    const f = fixture([tool], runbooks);
    // Real clock, and a poll interval far longer than the test may take: only wake() can get the work done.
    const live = new Orchestrator({ store: new SqliteControlStore(f.db), tools: [tool], planner: new FixedPlanner(runbooks), pollMs: 600_000, concurrency: 1 });
    live.start();
    try {
      await new Promise((r) => setTimeout(r, 50)); // the worker found nothing and went to sleep
      const id = intake(f.db, { source: 't', title: 'x', labels: { runbook: 'main' } }).workflow.id;
      live.wake();
      await expect.poll(() => stateOf(f.db, id).state, { timeout: 5000 }).toBe('COMPLETED');
    } finally {
      await live.stop();
    }
  });
});
