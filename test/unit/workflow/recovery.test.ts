import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { FixedPlanner } from '../../../engine/control/workflow/planner';
import { leaseNext } from '../../../engine/control/store/sqlite/queue';
import { listToolCalls } from '../../../engine/control/store/sqlite/toolCalls';
import type { AnyTool } from '../../../engine/control/workflow/tool';
import { assertConsistent, eventData, fixture, scriptedTool, stateOf, type Fixture } from './fixtures';

const runbooks = { main: [{ id: 'only', tool: 't', input: { target: 'x' } }] };

/**
 * The first engine starts the call and stalls inside the tool; its lease expires and a second engine (another
 * owner) picks the workflow up in WAITING_FOR_TOOL, exactly what it finds after a crash mid-call.
 */
async function interruptMidCall(tool: AnyTool & { calls: unknown[] }, release: () => void): Promise<{ f: Fixture; id: string; first: Promise<unknown> }> {
  const f = fixture([tool], runbooks, { leaseMs: 1000 });
  const id = f.start();
  const first = f.orchestrator.tick();
  while (tool.calls.length === 0) await new Promise((r) => setImmediate(r));
  expect(stateOf(f.db, id).state).toBe('WAITING_FOR_TOOL');
  expect(listToolCalls(f.db, id)[0]?.status).toBe('intended');
  f.clock.advance(1000);
  const second = new Orchestrator({ store: new SqliteControlStore(f.db), tools: [tool], planner: new FixedPlanner(runbooks), clock: f.clock, leaseMs: 1000 });
  await second.drain();
  release();
  return { f, id, first };
}

function gatedTool(options: { risk: 'read' | 'write'; idempotent?: boolean }) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const tool = scriptedTool('t', options, async (call) => {
    if (call === 1) await gate;
    return { output: { call } };
  });
  return { tool, release: () => open() };
}

describe('recovery of an interrupted tool call', () => {
  it('re-runs a read-only step, and the stale worker cannot commit after losing its lease', async () => {
    const { tool, release } = gatedTool({ risk: 'read' });
    const { f, id, first } = await interruptMidCall(tool, () => undefined);
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    expect(tool.calls).toHaveLength(2);
    expect(eventData(f.db, id, 'step_rerun')).toHaveLength(1);
    release();
    await expect(first).resolves.toEqual({ workflowId: id, state: 'lease-lost' });
    expect(listToolCalls(f.db, id)[0]).toMatchObject({ status: 'done', result: { call: 2 }, attempts: 2 });
    assertConsistent(f.db);
  });

  it('never re-runs a non-idempotent write: the workflow escalates with "outcome unknown"', async () => {
    const { tool, release } = gatedTool({ risk: 'write' });
    const { f, id, first } = await interruptMidCall(tool, release);
    expect(tool.calls).toHaveLength(1);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/^outcome unknown: write step only \(t\)/) });
    expect(listToolCalls(f.db, id)[0]?.status).toBe('unknown');
    await expect(first).resolves.toMatchObject({ state: 'lease-lost' });
    assertConsistent(f.db);
  });

  it('re-runs a write that declares itself idempotent', async () => {
    const { tool, release } = gatedTool({ risk: 'write', idempotent: true });
    const { f, id, first } = await interruptMidCall(tool, release);
    expect(tool.calls).toHaveLength(2);
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    await first;
    assertConsistent(f.db);
  });

  it('recover() frees leases of dead engine processes at once and resumes every unsettled workflow', async () => {
    const tool = scriptedTool('t');
    const f = fixture([tool], runbooks, { leaseMs: 60_000 });
    const ids = [f.start(), f.start(), f.start()];
    // A previous engine (pid that does not exist) leased all three and died.
    for (let i = 0; i < 3; i++) leaseNext(f.db, `${os.hostname()}/2147483646/dead`, f.clock.now(), 60_000);
    expect(leaseNext(f.db, 'other', f.clock.now(), 60_000)).toBeNull();
    expect(await f.orchestrator.recover()).toEqual({ reclaimed: 3, unsettled: 3, orphans: 0, interrupted: 0 });
    await f.orchestrator.drain();
    expect(ids.map((id) => stateOf(f.db, id).state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
  });
});

describe('recover() at start-up', () => {
  it('frees the dead engine\'s interrupted calls; the next lease decides each: reads re-run, writes escalate with "outcome unknown"', async () => {
    const hangs = new Set<string>();
    const read = scriptedTool('r', {}, (call) => (call === 1 ? new Promise<never>(() => hangs.add('r')) : { output: {} }));
    const write = scriptedTool('w', { risk: 'write' }, () => new Promise<never>(() => hangs.add('w')));
    const books = { r: [{ id: 'a', tool: 'r', input: { target: 'x' } }], w: [{ id: 'b', tool: 'w', input: { target: 'x' } }] };
    const f = fixture([read, write], books);
    const a = f.start({ runbook: 'r' });
    const b = f.start({ runbook: 'w' });
    void f.orchestrator.tick();
    void f.orchestrator.tick();
    while (hangs.size < 2) await new Promise((r) => setImmediate(r));
    // The engine "dies": its leases belong to a pid that no longer exists.
    f.db.prepare(`UPDATE tasks SET lease_owner = '${os.hostname()}/2147483646/dead'`).run();
    const next = new Orchestrator({ store: new SqliteControlStore(f.db), tools: [read, write], planner: new FixedPlanner(books), clock: f.clock });
    expect(await next.recover()).toEqual({ reclaimed: 2, unsettled: 2, orphans: 0, interrupted: 2 });
    // Decided under the lease of whichever worker takes each next (fenced, as with several replicas), not here.
    expect([stateOf(f.db, a).state, stateOf(f.db, b).state]).toEqual(['WAITING_FOR_TOOL', 'WAITING_FOR_TOOL']);
    await next.drain();
    expect(stateOf(f.db, b)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/^outcome unknown/) });
    expect(stateOf(f.db, a).state).toBe('COMPLETED');
    expect(read.calls).toHaveLength(2);
    expect(write.calls).toHaveLength(1);
    assertConsistent(f.db);
  });
});
