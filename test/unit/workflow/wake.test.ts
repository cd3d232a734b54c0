import { describe, expect, it } from 'vitest';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { FixedPlanner } from '../../../engine/control/workflow/planner';
import { fixture, scriptedTool, stateOf } from './fixtures';

const runbooks = { main: [{ id: 'a', tool: 'check', input: { target: 'x' } }] };
const alert = { source: 't', title: 'x', labels: { runbook: 'main' } };

/**
 * Real clock, and a poll interval far longer than the test may take: only a wake-up gets the work done. The worker
 * starts, finds nothing and goes to sleep; then an alert is taken straight into the file and `nudge` runs.
 */
async function idleWorkerRuns(feedPollMs: number, nudge: (live: Orchestrator) => void): Promise<void> {
  const tool = scriptedTool('check');
  const f = fixture([tool], runbooks);
  const live = new Orchestrator({ store: new SqliteControlStore(f.db, { pollMs: feedPollMs }), tools: [tool], planner: new FixedPlanner(runbooks), pollMs: 600_000, concurrency: 1 });
  await live.start();
  try {
    await new Promise((r) => setTimeout(r, 50));
    const id = intake(f.db, alert).workflow.id;
    nudge(live);
    await expect.poll(() => stateOf(f.db, id).state, { timeout: 5000 }).toBe('COMPLETED');
  } finally {
    await live.stop();
  }
}

describe('waking idle workers', () => {
  it('an idle worker looks for work on wake() instead of sleeping out its poll interval', async () => {
    // The change feed polls far less often than the test lasts: only wake() can do it.
    await idleWorkerRuns(600_000, (live) => live.wake());
  });

  it('a commit by another process wakes an idle worker through the store\'s change feed, without wake()', async () => {
    // Written straight into the file, as the CLI or another engine would: nothing in this process calls wake().
    await idleWorkerRuns(20, () => undefined);
  });

  it('a wake() that comes after the worker found nothing, but before it went to sleep, is not lost', async () => {
    const tool = scriptedTool('check');
    const f = fixture([tool], runbooks);
    const store = new SqliteControlStore(f.db, { pollMs: 600_000 });
    let id = '';
    let live!: Orchestrator;
    // The alert arrives, and the intake wakes the workers, just after the idle worker read that nothing is due.
    const nextReadyAt = store.nextReadyAt.bind(store);
    store.nextReadyAt = async (...args) => {
      const at = await nextReadyAt(...args);
      if (!id) {
        id = intake(f.db, alert).workflow.id;
        live.wake();
      }
      return at;
    };
    live = new Orchestrator({ store, tools: [tool], planner: new FixedPlanner(runbooks), pollMs: 600_000, concurrency: 1 });
    await live.start();
    try {
      await expect.poll(() => id && stateOf(f.db, id).state, { timeout: 5000 }).toBe('COMPLETED');
    } finally {
      await live.stop();
    }
  });

  it('stop() while start() is still recovering wins: no worker loop starts and nothing runs', async () => {
    const tool = scriptedTool('check');
    const f = fixture([tool], runbooks);
    // On the real clock, as the orchestrator below runs (the fixture's manual clock would exceed the wall-time budget).
    const id = intake(f.db, alert).workflow.id;
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
