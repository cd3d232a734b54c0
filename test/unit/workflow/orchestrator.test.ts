import { describe, expect, it } from 'vitest';
import { Backpressure } from '../../../engine/control/workflow/errors';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { approve, resolve } from '../../../engine/control/workflow/person';
import { leaseNext, queuedCount } from '../../../engine/control/store/sqlite/queue';
import { loadSnapshot } from '../../../engine/control/store/sqlite/snapshot';
import { FixedPlanner } from '../../../engine/control/workflow/planner';
import { listToolCalls } from '../../../engine/control/store/sqlite/toolCalls';
import { setKillSwitch } from '../../../engine/control/store/sqlite/killSwitch';
import { assertConsistent, eventData, eventTypes, fixture, scriptedTool, stateOf } from './fixtures';

const twoSteps = {
  main: [
    { id: 'check', tool: 'check_disk', input: { target: '{{host}}' } },
    { id: 'clean', tool: 'clean_tmp', input: { target: '{{host}}' }, expect: 'freed' },
  ],
};

describe('orchestrator', () => {
  it('runs a workflow through the design states and records time, actor and attempt of every transition', async () => {
    const check = scriptedTool('check_disk');
    const clean = scriptedTool('clean_tmp', { risk: 'write' }, () => ({ output: { freed: 3 } }));
    const f = fixture([check, clean], twoSteps);
    const id = f.start({ runbook: 'main', host: 'web-1' });
    await f.orchestrator.drain();

    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    expect(check.calls).toEqual([{ target: 'web-1' }]);
    const rows = f.db.prepare('SELECT from_state, to_state, actor, attempt, at FROM workflow_events WHERE workflow_id = ? AND to_state IS NOT NULL AND (from_state IS NULL OR from_state != to_state) ORDER BY seq').all(id) as Array<{ from_state: string | null; to_state: string; actor: string; attempt: number; at: number }>;
    expect(rows.map((r) => `${r.from_state}->${r.to_state}`)).toEqual([
      'null->RECEIVED',
      'RECEIVED->PLANNED',
      'PLANNED->EXECUTING',
      'EXECUTING->WAITING_FOR_TOOL',
      'WAITING_FOR_TOOL->EXECUTING',
      'EXECUTING->WAITING_FOR_TOOL',
      'WAITING_FOR_TOOL->EXECUTING',
      'EXECUTING->VALIDATING',
      'VALIDATING->COMPLETED',
    ]);
    expect(rows.every((r) => r.attempt >= 1 && r.at === f.clock.now())).toBe(true);
    expect(rows.filter((r) => r.actor === 'tool')).toHaveLength(2);
    expect(listToolCalls(f.db, id).map((c) => c.status)).toEqual(['done', 'done']);
    expect(queuedCount(f.db)).toBe(0);
    assertConsistent(f.db);
  });

  it('returns the existing workflow for an already-seen intake idempotency key', () => {
    const f = fixture([], {});
    const first = intake(f.db, { source: 'am', title: 'x', idempotencyKey: 'fp-1' });
    const again = intake(f.db, { source: 'am', title: 'x changed', idempotencyKey: 'fp-1' });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.workflow.id).toBe(first.workflow.id);
    expect((f.db.prepare('SELECT count(*) AS n FROM workflows').get() as { n: number }).n).toBe(1);
  });

  it('answers a full queue with a Backpressure error and stores nothing', () => {
    const f = fixture([], {});
    for (let i = 0; i < 3; i++) intake(f.db, { source: 's', title: `t${i}` }, { maxQueued: 3 });
    const events = (f.db.prepare('SELECT count(*) AS n FROM workflow_events').get() as { n: number }).n;
    expect(() => intake(f.db, { source: 's', title: 'one too many' }, { maxQueued: 3 })).toThrow(Backpressure);
    expect(() => intake(f.db, { source: 's', title: 'one too many' }, { maxQueued: 3 })).toThrow(/queue full: 3 workflows in flight \(limit 3\)/);
    expect((f.db.prepare('SELECT count(*) AS n FROM workflows').get() as { n: number }).n).toBe(3);
    expect((f.db.prepare('SELECT count(*) AS n FROM workflow_events').get() as { n: number }).n).toBe(events);
  });

  it('redelivers a task whose lease expired, and never hands one task to two workers at once', () => {
    const f = fixture([], {});
    const a = f.start();
    const b = f.start();
    const first = leaseNext(f.db, 'w1', f.clock.now(), 1000);
    const second = leaseNext(f.db, 'w2', f.clock.now(), 1000);
    expect(new Set([first?.workflowId, second?.workflowId])).toEqual(new Set([a, b]));
    expect(leaseNext(f.db, 'w3', f.clock.now(), 1000)).toBeNull();
    f.clock.advance(1000);
    const redelivered = leaseNext(f.db, 'w3', f.clock.now(), 1000);
    expect(redelivered?.deliveries).toBe(2);
  });

  it('runs workflows concurrently with real timers and settles them all', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = scriptedTool('check_disk', {}, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return { output: {} };
    });
    const f = fixture([slow], { main: [{ id: 's', tool: 'check_disk', input: { target: 'a' } }] });
    const live = new Orchestrator({ store: new SqliteControlStore(f.db), tools: [slow], planner: new FixedPlanner({ main: [{ id: 's', tool: 'check_disk', input: { target: 'a' } }] }), concurrency: 3, pollMs: 5 });
    const ids = Array.from({ length: 9 }, () => intake(f.db, { source: 's', title: 't', labels: { runbook: 'main' } }).workflow.id);
    live.start();
    while (queuedCount(f.db) > 0) await new Promise((r) => setTimeout(r, 10));
    await live.stop();
    expect(ids.map((id) => stateOf(f.db, id).state)).toEqual(Array(9).fill('COMPLETED'));
    expect(peak).toBe(3);
    assertConsistent(f.db);
  });

  it('stores the retrieval snapshot the planner saw', async () => {
    const check = scriptedTool('check_disk');
    const planner = {
      name: 'snap',
      provider: 'none',
      async plan() {
        return {
          plan: { steps: [{ id: 'a', tool: 'check_disk', input: { target: 'x' } }] },
          snapshot: [
            { chunkId: 'c1', docId: 'runbooks/disk.md', docVersion: 'sha-aaa', score: 0.91, stale: false },
            { chunkId: 'c7', docId: 'runbooks/tmp.md', docVersion: 'sha-bbb', score: 0.5, stale: true },
          ],
        };
      },
    };
    const f = fixture([check], planner);
    const id = f.start();
    await f.orchestrator.drain();
    expect(loadSnapshot(f.db, id)).toEqual([
      { planVersion: 1, chunkId: 'c1', docId: 'runbooks/disk.md', docVersion: 'sha-aaa', score: 0.91, stale: false },
      { planVersion: 1, chunkId: 'c7', docId: 'runbooks/tmp.md', docVersion: 'sha-bbb', score: 0.5, stale: true },
    ]);
  });

  it('waits for a person to approve a step, then runs it; the approval is recorded as the person', async () => {
    const restart = scriptedTool('restart', { risk: 'write', toolClass: 'shell' });
    const f = fixture([restart], { main: [{ id: 'r', tool: 'restart', input: { target: 'db' }, approval: true }] });
    const id = f.start();
    await f.orchestrator.drain();
    expect(stateOf(f.db, id)).toMatchObject({ state: 'WAITING_FOR_PERSON', reason: expect.stringMatching(/needs a person's approval/) });
    expect(restart.calls).toHaveLength(0);
    approve(f.db, id, 'alice', f.clock);
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    expect(restart.calls).toHaveLength(1);
    const actor = f.db.prepare("SELECT actor FROM workflow_events WHERE workflow_id = ? AND type = 'approved'").get(id) as { actor: string };
    expect(actor.actor).toBe('person');
    assertConsistent(f.db);
  });

  it('kill switch on writes stops new write calls at once and is recorded in the log; reads still run', async () => {
    const read = scriptedTool('check_disk');
    const write = scriptedTool('clean_tmp', { risk: 'write', toolClass: 'file' }, () => ({ output: { freed: 1 } }));
    const f = fixture([read, write], twoSteps);
    setKillSwitch(f.db, 'writes', true, 'bob', 'incident freeze', f.clock.now());
    const id = f.start();
    await f.orchestrator.drain();
    expect(read.calls).toHaveLength(1);
    expect(write.calls).toHaveLength(0);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'WAITING_FOR_PERSON', reason: expect.stringMatching(/kill switch 'writes' is on/) });
    const logged = f.db.prepare("SELECT actor, data FROM workflow_events WHERE type = 'kill_switch'").all() as Array<{ actor: string; data: string }>;
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!.data)).toMatchObject({ name: 'writes', engaged: true, by: 'bob' });

    setKillSwitch(f.db, 'writes', false, 'bob', 'freeze over', f.clock.now());
    approve(f.db, id, 'bob', f.clock);
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    expect(write.calls).toHaveLength(1);
    assertConsistent(f.db);
  });

  it('shell and network kill switches stop their tool classes', async () => {
    const sh = scriptedTool('sh', { toolClass: 'shell' });
    const net = scriptedTool('http', { toolClass: 'network' });
    const f = fixture([sh, net], { a: [{ id: 's', tool: 'sh', input: { target: 'x' } }], b: [{ id: 'h', tool: 'http', input: { target: 'x' } }] });
    setKillSwitch(f.db, 'shell', true, 'ops', 'r', f.clock.now());
    setKillSwitch(f.db, 'network', true, 'ops', 'r', f.clock.now());
    const a = f.start({ runbook: 'a' });
    const b = f.start({ runbook: 'b' });
    await f.orchestrator.drain();
    expect([stateOf(f.db, a).state, stateOf(f.db, b).state]).toEqual(['WAITING_FOR_PERSON', 'WAITING_FOR_PERSON']);
    expect(sh.calls.length + net.calls.length).toBe(0);
  });

  it('re-planning the same steps replays stored results instead of running a write again', async () => {
    const write = scriptedTool('clean_tmp', { risk: 'write' }, () => ({ output: { nothing: true } }));
    const f = fixture([write], { main: [{ id: 'w', tool: 'clean_tmp', input: { target: 'x' }, expect: 'freed' }] }, { maxReplans: 2 });
    const id = f.start();
    await f.orchestrator.drain();
    const view = stateOf(f.db, id);
    expect(view.state).toBe('ESCALATED');
    expect(view.reason).toMatch(/gave up after 2 re-plan\(s\).*does not contain "freed"/);
    expect(view.replans).toBe(2);
    expect(write.calls).toHaveLength(1);
    expect(eventData(f.db, id, 'step_done').map((d) => d.replayed ?? false)).toEqual([false, true, true]);
    resolve(f.db, id, 'carol', 'checked by hand', f.clock);
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    expect(eventTypes(f.db, id).at(-1)).toBe('resolved');
    assertConsistent(f.db);
  });
});
