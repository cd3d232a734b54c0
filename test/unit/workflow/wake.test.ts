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
    await live.start();
    try {
      await new Promise((r) => setTimeout(r, 50)); // the worker found nothing and went to sleep
      const id = intake(f.db, { source: 't', title: 'x', labels: { runbook: 'main' } }).workflow.id;
      live.wake();
      await expect.poll(() => stateOf(f.db, id).state, { timeout: 5000 }).toBe('COMPLETED');
    } finally {
      await live.stop();
    }
  });

  it('a commit by another process wakes an idle worker through the store\'s change feed, without wake()', async () => {
    const tool = scriptedTool('check');
    const runbooks = { main: [{ id: 'a', tool: 'check', input: { target: 'x' } }] };
    const f = fixture([tool], runbooks);
    const live = new Orchestrator({ store: new SqliteControlStore(f.db, { pollMs: 20 }), tools: [tool], planner: new FixedPlanner(runbooks), pollMs: 600_000, concurrency: 1 });
    await live.start();
    try {
      await new Promise((r) => setTimeout(r, 50));
      // Written straight into the file, as the CLI or another engine would: nothing in this process calls wake().
      const id = intake(f.db, { source: 't', title: 'x', labels: { runbook: 'main' } }).workflow.id;
      await expect.poll(() => stateOf(f.db, id).state, { timeout: 5000 }).toBe('COMPLETED');
    } finally {
      await live.stop();
    }
  });

  it('stop() while start() is still recovering wins: no worker loop starts and nothing runs', async () => {
    const tool = scriptedTool('check');
    const runbooks = { main: [{ id: 'a', tool: 'check', input: { target: 'x' } }] };
    const f = fixture([tool], runbooks);
    // On the real clock, as the orchestrator below runs (the fixture's manual clock would exceed the wall-time budget).
    const id = intake(f.db, { source: 't', title: 'x', labels: { runbook: 'main' } }).workflow.id;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // A store whose recovery waits until the test lets it go (a slow database at start-up).
    const store = new SqliteControlStore(f.db);
    const recoveryCandidates = store.recoveryCandidates.bind(store);
    store.recoveryCandidates = async (...args) => {
      await held;
      return recoveryCandidates(...args);
    };
    const live = new Orchestrator({ store, tools: [tool], planner: new FixedPlanner(runbooks), pollMs: 5, concurrency: 2 });
    const starting = live.start();
    await live.stop();
    release();
    expect(await starting).toMatchObject({ orphans: 0 });
    await new Promise((r) => setTimeout(r, 100));
    expect(tool.calls).toHaveLength(0);
    expect(stateOf(f.db, id).state).toBe('RECEIVED');
    // And it can be started for real afterwards.
    await live.start();
    try {
      await expect.poll(() => stateOf(f.db, id).state, { timeout: 5000 }).toBe('COMPLETED');
    } finally {
      await live.stop();
    }
  });
});
