import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../../engine/control/store/sqlite/eventLog';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { approve } from '../../../engine/control/workflow/person';
import { spansOf } from '../../../engine/control/workflow/spans';
import { fixture, scriptedTool } from './fixtures';

describe('trace spans from the event log', () => {
  it('shows planning, each tool call with its attempts and policy decision, the wait for a person, and the outcome', async () => {
    const flaky = scriptedTool('restart', { risk: 'write' }, (n) => {
      if (n === 1) throw new ClassifiedError('transient', 'HTTP 503');
      return { output: { ok: true } };
    });
    const f = fixture([flaky], { main: [{ id: 'restart', tool: 'restart', input: { target: 'a' }, approval: true }] }, {
      policy: () => ({ action: 'allow', reason: 'test', by: 'test rule' }),
    });
    const id = f.start();
    await f.orchestrator.drain();
    f.clock.advance(5000);
    approve(f.db, id, 'ana', f.clock);
    await f.orchestrator.drain();
    const spans = spansOf(eventsOf(f.db, id));
    const byKind = (k: string) => spans.filter((s) => s.kind === k);
    expect(spans[0]).toMatchObject({ kind: 'workflow', name: 'invoke_agent', status: 'ok', endMs: expect.any(Number) });
    expect(byKind('planning')).toEqual([expect.objectContaining({ status: 'ok', attributes: expect.objectContaining({ planner: 'fixed' }) })]);
    expect(byKind('wait')).toEqual([expect.objectContaining({ name: 'waiting for approval of restart', status: 'ok', startMs: expect.any(Number) })]);
    const wait = byKind('wait')[0]!;
    expect(wait.endMs! - wait.startMs).toBe(5000);
    expect(byKind('tool')).toEqual([expect.objectContaining({ name: 'execute_tool restart restart', status: 'ok' })]);
    const attempts = byKind('attempt');
    expect(attempts.map((a) => a.status)).toEqual(['error', 'ok']);
    expect(attempts[0]!.attributes).toMatchObject({ 'error.type': 'transient', error: 'HTTP 503' });
    expect(byKind('policy')[0]).toMatchObject({ attributes: { decision: 'allow', by: 'test rule' } });
    expect(byKind('validation')).toEqual([expect.objectContaining({ status: 'ok' })]);
    for (const s of spans) if (s.parentId) expect(spans.some((p) => p.id === s.parentId)).toBe(true);
  });
});
