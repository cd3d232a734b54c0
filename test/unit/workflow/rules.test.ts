import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../engine/control/workflow/clock';
import { canonicalJson, toolCallKey } from '../../../engine/control/workflow/canonical';
import { IllegalTransition } from '../../../engine/control/workflow/errors';
import { backoffDelay, decideRetry, DEFAULT_RETRY_POLICIES, resolvePolicy } from '../../../engine/control/workflow/retry';
import { canTransition, TRANSITIONS } from '../../../engine/control/workflow/states';
import { commit } from '../../../engine/control/store/sqlite/commit';
import { WorkflowState } from '../../../protocol/workflow';
import { fixture, stateOf } from './fixtures';

describe('state machine as data', () => {
  it("keeps the design's transitions", () => {
    const path: Array<[WorkflowState, WorkflowState]> = [
      ['RECEIVED', 'PLANNED'],
      ['PLANNED', 'EXECUTING'],
      ['EXECUTING', 'WAITING_FOR_TOOL'],
      ['WAITING_FOR_TOOL', 'EXECUTING'],
      ['EXECUTING', 'VALIDATING'],
      ['VALIDATING', 'COMPLETED'],
      ['VALIDATING', 'ESCALATED'],
      ['EXECUTING', 'FAILED'],
      ['FAILED', 'PLANNED'],
      ['ESCALATED', 'COMPLETED'],
      // A person: declines a step and the workflow goes on; cancels; retries from a step.
      ['WAITING_FOR_PERSON', 'EXECUTING'],
      ['WAITING_FOR_PERSON', 'CANCELLED'],
      ['ESCALATED', 'EXECUTING'],
      ['CANCELLED', 'EXECUTING'],
    ];
    for (const [from, to] of path) expect(canTransition(from, to), `${from} -> ${to}`).toBe(true);
    // Once ended, only a person's retry moves a workflow again.
    expect(TRANSITIONS.COMPLETED).toEqual(['EXECUTING']);
    expect(TRANSITIONS.CANCELLED).toEqual(['EXECUTING']);
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...WorkflowState.options].sort());
  });

  it('rejects an illegal transition and writes nothing', () => {
    const f = fixture([], {});
    const id = f.start();
    const events = (f.db.prepare('SELECT count(*) AS n FROM workflow_events').get() as { n: number }).n;
    expect(() => commit(f.db, { workflowId: id, now: f.clock.now() }, [{ type: 'completed', to: 'COMPLETED' }])).toThrow(IllegalTransition);
    expect(() => commit(f.db, { workflowId: id, now: f.clock.now() }, [{ type: 'completed', to: 'COMPLETED' }])).toThrow('illegal workflow transition RECEIVED -> COMPLETED');
    expect(stateOf(f.db, id).state).toBe('RECEIVED');
    expect((f.db.prepare('SELECT count(*) AS n FROM workflow_events').get() as { n: number }).n).toBe(events);
  });
});

describe('retry policies', () => {
  it('exponential backoff doubles up to its cap', () => {
    const b = { kind: 'exponential', baseMs: 1000, factor: 2, maxMs: 3000 } as const;
    expect([1, 2, 3, 4].map((n) => backoffDelay(b, n, Math.random))).toEqual([1000, 2000, 3000, 3000]);
  });

  it('full jitter stays within [0, min(cap, base * 2^(n-1)))', () => {
    const b = { kind: 'full_jitter', baseMs: 500, maxMs: 20_000 } as const;
    const random = seededRandom(7);
    for (let n = 1; n <= 8; n++) {
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(b, n, random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.min(20_000, 500 * 2 ** (n - 1)));
      }
    }
    expect(backoffDelay(b, 3, () => 0.5)).toBe(1000);
  });

  it('the defaults are the issue\'s: model timeout 2, transient 3, validation re-plan, policy never', () => {
    const r = () => 0;
    const model = DEFAULT_RETRY_POLICIES.model_timeout;
    expect([1, 2, 3].map((n) => decideRetry(model, n, r))).toEqual([
      { action: 'retry', delayMs: 1000 },
      { action: 'retry', delayMs: 2000 },
      { action: 'escalate' },
    ]);
    expect(decideRetry(DEFAULT_RETRY_POLICIES.transient, 3, r).action).toBe('retry');
    expect(decideRetry(DEFAULT_RETRY_POLICIES.transient, 4, r).action).toBe('escalate');
    expect(decideRetry(DEFAULT_RETRY_POLICIES.validation, 1, r).action).toBe('replan');
    expect(decideRetry(resolvePolicy('policy', DEFAULT_RETRY_POLICIES, { policy: { maxRetries: 9, backoff: { kind: 'none' }, then: 'replan' } }), 1, r).action).toBe('escalate');
  });
});

describe('idempotency keys', () => {
  it('depend on workflow, step and canonical input, not on key order or attempt', () => {
    const a = toolCallKey('wf', 'step', 'tool', { b: 1, a: [1, { d: 2, c: 3 }] });
    expect(toolCallKey('wf', 'step', 'tool', { a: [1, { c: 3, d: 2 }], b: 1 })).toBe(a);
    expect(toolCallKey('wf', 'step', 'tool', { a: [1, { c: 3, d: 2 }], b: 2 })).not.toBe(a);
    expect(toolCallKey('wf2', 'step', 'tool', { a: [1, { c: 3, d: 2 }], b: 1 })).not.toBe(a);
    expect(canonicalJson({ z: 1, a: undefined, m: null })).toBe('{"m":null,"z":1}');
  });
});

describe('replay', () => {
  it('replaying the log reproduces the state of workflows that retried, re-planned, waited for a person and were resolved', async () => {
    const { fixture: make, scriptedTool: tool, assertConsistent: consistent } = await import('./fixtures');
    const { approve, resolve } = await import('../../../engine/control/workflow/person');
    const { replayWorkflow } = await import('../../../engine/control/store/sqlite/replay');
    const flaky = tool('flaky', {}, (call) => {
      if (call === 1) throw Object.assign(new Error('503'), { status: 503 });
      return { output: { v: call } };
    });
    const gated = tool('gated', { risk: 'write' }, () => ({ output: { nope: true } }));
    const f = make([flaky, gated], {
      main: [
        { id: 'a', tool: 'flaky', input: { target: 'x' } },
        { id: 'b', tool: 'gated', input: { target: 'y' }, approval: true, expect: 'never' },
      ],
    }, { maxReplans: 1 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).state).toBe('WAITING_FOR_PERSON');
    approve(f.db, id, 'dana', f.clock);
    // Validation fails, the re-plan repeats both steps: their stored results are replayed (no second approval,
    // no second write), validation fails again and the bounded re-plan escalates.
    await f.orchestrator.drain();
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', replans: 1, usage: { steps: 4, toolCalls: 3 } });
    resolve(f.db, id, 'dana', 'done by hand', f.clock);
    const replayed = replayWorkflow(f.db, id);
    expect(replayed).toEqual(stateOf(f.db, id));
    expect(replayed.state).toBe('COMPLETED');
    consistent(f.db);
  });
});
