import { describe, expect, it } from 'vitest';
import { listBreakers } from '../../../engine/control/store/sqlite/statements';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import * as rules from '../../../engine/control/store/breakerRules';
import { DEFAULT_BREAKER } from '../../../engine/control/workflow/breaker';
import { seededRandom } from '../../../engine/control/workflow/clock';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { listToolCalls } from '../../../engine/control/store/sqlite/toolCalls';
import type { Planner } from '../../../engine/control/workflow/planner';
import { assertConsistent, eventData, fixture, scriptedTool, stateOf } from './fixtures';

const one = (tool: string) => ({ main: [{ id: 's1', tool, input: { target: 'x' } }] });
const http503 = () => Object.assign(new Error('HTTP 503 from upstream'), { status: 503 });
const hang = () => new Promise<never>(() => {});

describe('retries per failure class', () => {
  it('transient tool errors: 3 retries with full jitter, exact delays from the seeded random, then escalate', async () => {
    const tool = scriptedTool('flaky', {}, () => {
      throw http503();
    });
    const f = fixture([tool], one('flaky'));
    const id = f.start();
    await f.orchestrator.drain();

    expect(tool.calls).toHaveLength(4);
    const r = seededRandom(42);
    const expected = [500, 1000, 2000].map((cap) => Math.floor(r() * cap));
    const failed = eventData(f.db, id, 'step_failed');
    expect(failed.map((d) => d.retryInMs)).toEqual(expected);
    expect(failed.every((d) => d.class === 'transient')).toBe(true);
    const starts = f.db.prepare("SELECT at FROM workflow_events WHERE workflow_id = ? AND type = 'step_started' ORDER BY seq").all(id) as Array<{ at: number }>;
    expect(starts.slice(1).map((s, i) => s.at - starts[i]!.at)).toEqual(expected);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/transient: HTTP 503.*after 3 retries/) });
    assertConsistent(f.db);
  });

  it('connection resets count as transient too', async () => {
    const tool = scriptedTool('net', {}, (call) => {
      if (call < 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return { output: {} };
    });
    const f = fixture([tool], one('net'));
    const id = f.start();
    await f.orchestrator.drain();
    expect(tool.calls).toHaveLength(3);
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
  });

  it('model timeout: the planner is retried twice with exponential backoff (1 s, 2 s), then escalates', async () => {
    let calls = 0;
    const planner: Planner = { name: 'slow', provider: 'p', plan: () => (calls++, hang()) };
    const f = fixture([], planner, { planTimeoutMs: 20 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(calls).toBe(3);
    expect(eventData(f.db, id, 'plan_failed').map((d) => [d.class, d.retryInMs])).toEqual([
      ['model_timeout', 1000],
      ['model_timeout', 2000],
    ]);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/planning failed \(model_timeout\)/) });
    assertConsistent(f.db);
  });

  it('validation failure: an invalid plan is re-planned a bounded number of times, then escalates', async () => {
    let calls = 0;
    const planner: Planner = { name: 'bad', provider: 'p', plan: async () => (calls++, { plan: { steps: [{ id: 'a', tool: 'no_such_tool', input: {} }] } }) };
    const f = fixture([], planner, { maxReplans: 2 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(calls).toBe(3);
    expect(eventData(f.db, id, 'plan_failed').map((d) => d.replan)).toEqual([true, true]);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/validation.*unknown tool no_such_tool/) });
    assertConsistent(f.db);
  });

  it('policy violation is never retried, even when an override asks for retries', async () => {
    const tool = scriptedTool('restart', { retry: { policy: { maxRetries: 5, backoff: { kind: 'none' }, then: 'escalate' } } }, () => {
      throw new ClassifiedError('policy', 'restarting production needs a change ticket');
    });
    const gated = scriptedTool('drop_db', { risk: 'write' });
    const f = fixture([tool, gated], { a: one('restart').main, b: one('drop_db').main }, {
      policy: (c) => (c.tool.name === 'drop_db' ? { action: 'deny', reason: 'dropping a database is never automated', by: 'test rule' } : { action: 'allow', reason: 'test', by: 'test' }),
    });
    const a = f.start({ runbook: 'a' });
    const b = f.start({ runbook: 'b' });
    await f.orchestrator.drain();
    expect(tool.calls).toHaveLength(1);
    expect(gated.calls).toHaveLength(0);
    expect(stateOf(f.db, a)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/policy: restarting production/) });
    expect(stateOf(f.db, b)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/policy violation.*never automated/) });
  });

  it('a permanent failure escalates without retrying; per-tool overrides change the count', async () => {
    const perm = scriptedTool('perm', {}, () => {
      throw new Error('no such host in inventory');
    });
    const custom = scriptedTool('custom', { retry: { transient: { maxRetries: 1, backoff: { kind: 'exponential', baseMs: 10, factor: 2, maxMs: 10 }, then: 'escalate' } } }, () => {
      throw http503();
    });
    const f = fixture([perm, custom], { a: one('perm').main, b: one('custom').main });
    f.start({ runbook: 'a' });
    f.start({ runbook: 'b' });
    await f.orchestrator.drain();
    expect(perm.calls).toHaveLength(1);
    expect(custom.calls).toHaveLength(2);
  });

  it('a hung read tool times out and is retried with exponential backoff; a hung write goes to "outcome unknown"', async () => {
    const read = scriptedTool('probe', { timeoutMs: 20 }, hang);
    const write = scriptedTool('deploy', { risk: 'write', timeoutMs: 20 }, hang);
    const idem = scriptedTool('set_flag', { risk: 'write', idempotent: true, timeoutMs: 20 }, (call) => (call === 1 ? hang() : { output: {} }));
    const f = fixture([read, write, idem], { a: one('probe').main, b: one('deploy').main, c: one('set_flag').main });
    const a = f.start({ runbook: 'a' });
    const b = f.start({ runbook: 'b' });
    const c = f.start({ runbook: 'c' });
    await f.orchestrator.drain();
    expect(read.calls).toHaveLength(3);
    expect(eventData(f.db, a, 'step_failed').map((d) => d.retryInMs)).toEqual([1000, 2000]);
    expect(stateOf(f.db, a).state).toBe('ESCALATED');
    expect(write.calls).toHaveLength(1);
    expect(stateOf(f.db, b)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/^outcome unknown: write step s1 \(deploy\) was started but it timed out/) });
    expect(listToolCalls(f.db, b)[0]?.status).toBe('unknown');
    expect(idem.calls).toHaveLength(2);
    expect(stateOf(f.db, c).state).toBe('COMPLETED');
    assertConsistent(f.db);
  });
});

describe('circuit breakers', () => {
  it('open after the threshold, fail fast without calling the tool, then close after a successful half-open probe', async () => {
    const tool = scriptedTool('api', { retry: { transient: { maxRetries: 0, backoff: { kind: 'none' }, then: 'escalate' } } }, (call) => {
      if (call <= 2) throw http503();
      return { output: {} };
    });
    const f = fixture([tool], one('api'), { breakerOverrides: { 'tool:api': { failureThreshold: 2, cooldownMs: 10_000 } } });
    const a = f.start();
    const b = f.start();
    await f.orchestrator.drain(2);
    expect(listBreakers(f.db)).toEqual([{ name: 'tool:api', state: 'open', consecutiveFailures: 2, openedAt: expect.any(String) }]);
    const c = f.start();
    await f.orchestrator.drain();
    expect([stateOf(f.db, a).state, stateOf(f.db, b).state, stateOf(f.db, c).state]).toEqual(['ESCALATED', 'ESCALATED', 'COMPLETED']);
    expect(tool.calls).toHaveLength(3);
    expect(eventData(f.db, c, 'step_failed')).toEqual([expect.objectContaining({ class: 'breaker_open', retryInMs: 10_000 })]);
    const changes = (f.db.prepare("SELECT data FROM workflow_events WHERE type = 'breaker' ORDER BY seq").all() as Array<{ data: string }>).map((r) => JSON.parse(r.data) as { from: string; to: string });
    expect(changes.map((c2) => `${c2.from}->${c2.to}`)).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
    expect(listBreakers(f.db)[0]?.state).toBe('closed');
    assertConsistent(f.db);
  });

  it('a failing half-open probe re-opens the breaker; only one probe is let through at a time', async () => {
    const f = fixture([], {});
    // The orchestrator's breaker calls: the rules of engine/control/store/breakerRules.ts, one store transaction each.
    const store = new SqliteControlStore(f.db);
    const name = 'tool:x';
    const failure = () => store.updateBreaker(name, f.clock.now(), rules.failure(DEFAULT_BREAKER, f.clock.now()));
    const acquire = () => store.updateBreaker(name, f.clock.now(), rules.acquire(DEFAULT_BREAKER, f.clock.now()));
    const state = async () => (await store.breakers()).find((b) => b.name === name);
    for (let i = 0; i < 5; i++) await failure();
    expect((await state())?.state).toBe('open');
    expect(await acquire()).toEqual({ allowed: false, retryInMs: 30_000 });
    f.clock.advance(30_000);
    expect(await acquire()).toEqual({ allowed: true, probe: true });
    expect((await acquire()).allowed).toBe(false);
    await failure();
    expect((await state())?.state).toBe('open');
    f.clock.advance(30_000);
    expect(await acquire()).toEqual({ allowed: true, probe: true });
    await store.updateBreaker(name, f.clock.now(), rules.success());
    expect(await state()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a failing model provider opens its breaker and the planner stops being called', async () => {
    let calls = 0;
    const planner: Planner = {
      name: 'llm',
      provider: 'flaky',
      plan: async () => {
        calls++;
        throw Object.assign(new Error('connection reset by provider'), { code: 'ECONNRESET' });
      },
    };
    const f = fixture([], planner, { breakerOverrides: { 'model:flaky': { failureThreshold: 2, cooldownMs: 5_000 } } });
    const id = f.start();
    await f.orchestrator.drain();
    expect(calls).toBe(4);
    expect(eventData(f.db, id, 'plan_failed').map((d) => d.class)).toEqual(['transient', 'transient', 'breaker_open', 'transient', 'breaker_open']);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/planning failed \(transient\)/) });
    expect(listBreakers(f.db)).toEqual([expect.objectContaining({ name: 'model:flaky', state: 'open' })]);
  });
});

describe('budgets', () => {
  it('steps: a runaway plan stops at the step budget', async () => {
    const tool = scriptedTool('noop');
    const steps = Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, tool: 'noop', input: { target: String(i) } }));
    const f = fixture([tool], { main: steps }, {}, { steps: 3 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(tool.calls).toHaveLength(3);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: 'budget exceeded: steps 4 > 3' });
  });

  it('tool calls: an endless retry loop stops at the tool-call budget', async () => {
    const tool = scriptedTool('loop', { retry: { transient: { maxRetries: 1000, backoff: { kind: 'none' }, then: 'escalate' } } }, () => {
      throw http503();
    });
    const f = fixture([tool], one('loop'), {}, { toolCalls: 5 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(tool.calls).toHaveLength(5);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: 'budget exceeded: tool calls 6 > 5' });
  });

  it('tokens: a plan that used more tokens than allowed escalates before any tool runs', async () => {
    const tool = scriptedTool('noop');
    const planner: Planner = { name: 'big', provider: 'p', plan: async () => ({ plan: { steps: [{ id: 'a', tool: 'noop', input: { target: 'x' } }] }, tokens: 5000 }) };
    const f = fixture([tool], planner, {}, { tokens: 1000 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(tool.calls).toHaveLength(0);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: 'budget exceeded: tokens 5000 > 1000', usage: { tokens: 5000 } });
  });

  it('wall time: long backoffs end in ESCALATED once the wall-time budget is spent', async () => {
    const tool = scriptedTool('slowfail', { retry: { transient: { maxRetries: 10, backoff: { kind: 'exponential', baseMs: 60_000, factor: 2, maxMs: 600_000 }, then: 'escalate' } } }, () => {
      throw http503();
    });
    const f = fixture([tool], one('slowfail'), {}, { wallTimeMs: 100_000 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(tool.calls).toHaveLength(2);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: 'budget exceeded: wall time 180000 ms > 100000 ms' });
  });
});
