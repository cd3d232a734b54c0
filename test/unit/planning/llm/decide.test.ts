import { afterEach, describe, expect, it } from 'vitest';
import { citation } from '../../../../engine/planning/observe/observations';
import { MAX_ROUNDS } from '../../../../engine/control/workflow/decision';
import { approve } from '../../../../engine/control/workflow/person';
import { DECISION, PLAN, ScriptedLlm, added, asksForMoreDiagnostics, decision, inventsAWrite, loopsForever, observationIds, skipCiting, slow, type Behaviour } from '../../../support/scriptedLlm';
import { assertConsistent, eventData, eventTypes, stateOf } from '../../workflow/fixtures';
import { diagnoseOnlyPlan, fullPlan, reopen, setUp } from './decideSetup';

let server: ScriptedLlm | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(plan: Behaviour, decisions: Behaviour[], options: Parameters<typeof setUp>[1] = {}) {
  server = await ScriptedLlm.start();
  server.scriptFor(PLAN, plan).scriptFor(DECISION, ...decisions);
  const r = setUp(server, options);
  await r.f.orchestrator.drain();
  return { ...r, view: stateOf(r.f.db, r.id), decided: eventData(r.f.db, r.id, 'decided'), decideRequests: server.requestsFor(DECISION) };
}

const notesOf = (d: Record<string, unknown> | undefined) => (d?.notes as string[] | undefined) ?? [];

describe('LlmPlanner.decide under the orchestrator, against a scripted multi-turn model', () => {
  it('a model that asks for more diagnostics: the added read runs next, then it is asked again with its output', async () => {
    const { f, id, shell, view, decided, decideRequests } = await run(fullPlan(), asksForMoreDiagnostics('du -sh /var/lib/data', 'du-data'));
    expect(shell.calls).toEqual(['df -h /var/lib/data', 'du -sh /var/lib/data']);
    expect(decided.map((d) => [d.phase, d.round, d.by, d.tokens])).toEqual([
      ['diagnose', 0, 'llm:scripted', 1540],
      ['diagnose', 1, 'llm:scripted', 1540],
    ]);
    expect(decided[0]!.add).toEqual([expect.objectContaining({ id: 'du-data', tool: 'shell', input: { command: 'du -sh /var/lib/data' }, risk: 'read', phase: 'diagnose', origin: 'planner' })]);
    expect(notesOf(decided[0])).toContain('The volume is 97% full; what fills it is not known yet.');
    // The second decision reads the added step's output under its own citation id.
    const key = keyOf(f, id, 'du-data');
    expect(observationIds(decideRequests[1]!)).toContain(citation(key));
    expect(observationIds(decideRequests[0]!)).not.toContain(citation(key));
    // Tokens of both decisions count in the workflow's budget, on top of the plan's.
    expect(view.usage.tokens).toBe(3 * 1540);
    expect(view).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'rotate-logs' } });
    assertConsistent(f.db);
  });

  it('a model that invents a write: dropped and noted, never run, never waits for approval', async () => {
    const { f, id, shell, view, decided } = await run(diagnoseOnlyPlan(), [inventsAWrite('rm -rf /var/lib/data/old', 'clean-old')]);
    expect(view.state).toBe('COMPLETED');
    expect(shell.calls).toEqual(['df -h /var/lib/data', 'df -h /var/lib/data']);
    expect(decided).toHaveLength(1);
    expect(decided[0]!.add).toEqual([]);
    expect(notesOf(decided[0])).toContainEqual(expect.stringContaining('model proposed a write no runbook step names: rm -rf /var/lib/data/old'));
    expect(eventTypes(f.db, id)).not.toContain('waiting_for_person');
    assertConsistent(f.db);
  });

  it("with the user's policy allowing model writes, the same write is added but waits for a person", async () => {
    const { f, shell, view, decided } = await run(diagnoseOnlyPlan(), [inventsAWrite('rm -rf /var/lib/data/old', 'clean-old')], { allowModelWrites: true });
    expect(decided[0]!.add).toEqual([expect.objectContaining({ id: 'clean-old', risk: 'write', approval: true, phase: 'mitigate', origin: 'planner' })]);
    expect(view).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'clean-old', risk: 'write' } });
    expect(shell.calls).toEqual(['df -h /var/lib/data']);
    assertConsistent(f.db);
  });

  it('a write the runbook names is copied from the runbook, by its id or spelled out exactly, and waits for approval', async () => {
    const { f, view, decided, decideRequests } = await run(diagnoseOnlyPlan(), [
      decision({
        add: [
          added('rotate', 'this text is ignored: the runbook step is copied', { runbookStep: 'R2' }),
          added('remove-dump', 'rm -f /var/lib/data/dumps/old.dump'),
          added('bogus', 'true', { runbookStep: 'R99' }),
        ],
      }),
    ]);
    const prompt = decideRequests[0]!.body.messages.at(-1)!.content;
    expect(prompt).toContain('"ref": "R2"');
    expect(prompt).toContain('logrotate -f /etc/logrotate.d/data');
    const source = expect.objectContaining({ path: 'runbooks/disk-full.md' });
    expect(decided[0]!.add).toEqual([
      expect.objectContaining({ id: 'rotate', input: { command: 'logrotate -f /etc/logrotate.d/data' }, risk: 'write', approval: true, source }),
      expect.objectContaining({ id: 'remove-dump', input: { command: 'rm -f /var/lib/data/dumps/old.dump' }, risk: 'write', approval: true, source }),
    ]);
    expect(notesOf(decided[0])).toContainEqual(expect.stringContaining('add bogus dropped: it copies runbook step R99, which does not exist'));
    expect(view).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'rotate', source: { path: 'runbooks/disk-full.md' } } });
    assertConsistent(f.db);
  });

  it('a model that skips the mitigation citing a real observation: skipped with that evidence, and verification runs', async () => {
    const { f, id, shell, view, decided } = await run(fullPlan(), [skipCiting('rotate-logs', 'check-disk', 'no rotated log is on the volume')]);
    const evidence = citation(keyOf(f, id, 'check-disk'));
    expect(decided[0]!.skip).toEqual([{ stepId: 'rotate-logs', reason: 'no rotated log is on the volume', evidence: [evidence] }]);
    expect(eventData(f.db, id, 'step_skipped')).toEqual([expect.objectContaining({ stepId: 'rotate-logs', evidence: [evidence], by: 'llm:scripted' })]);
    expect(shell.calls).toEqual(['df -h /var/lib/data', 'df -h /var/lib/data']);
    expect(view.state).toBe('COMPLETED');
    assertConsistent(f.db);
  });

  it('a skip citing an id no observation has is refused with a note; the mitigation still waits for a person', async () => {
    const { f, view, decided } = await run(fullPlan(), [decision({ skip: [{ stepId: 'rotate-logs', reason: 'trust me', evidence: ['tc:000000000000'] }] })]);
    expect(decided[0]!.skip).toEqual([]);
    expect(notesOf(decided[0])).toContain('skip rotate-logs refused: it cites no observation that exists (cited tc:000000000000)');
    expect(view).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'rotate-logs' } });
    assertConsistent(f.db);
  });

  it('a model that asks for diagnostics every round is stopped by MAX_ROUNDS, and the workflow goes on', async () => {
    server = await ScriptedLlm.start();
    server.scriptFor(PLAN, fullPlan()).always(DECISION, loopsForever());
    const { f, id, shell } = setUp(server);
    await f.orchestrator.drain();
    expect(server.requestsFor(DECISION)).toHaveLength(MAX_ROUNDS);
    expect(eventData(f.db, id, 'decided').map((d) => [d.phase, d.round])).toEqual(Array.from({ length: MAX_ROUNDS }, (_, i) => ['diagnose', i]));
    expect(shell.calls).toEqual(['df -h /var/lib/data', ...Array.from({ length: MAX_ROUNDS }, (_, i) => `ls -la /var/lib/data/part-${i + 1}`)]);
    expect(stateOf(f.db, id)).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'rotate-logs' } });
    assertConsistent(f.db);
  });

  it('a malformed decision changes nothing: the plan goes on, the note says why, the tokens count', async () => {
    const { f, view, decided } = await run(fullPlan(), [{ kind: 'content', content: '{"skip": [{"stepId": "rotate-logs", "reas' }]);
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ skip: [], add: [], tokens: 1540 });
    expect(notesOf(decided[0])[0]).toMatch(/^model scripted-7b answered no usable decision \(model decision is not JSON: .*\); the plan goes on as it stands$/);
    expect(view).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'rotate-logs' } });
    assertConsistent(f.db);
  });

  it("a decide call that outlasts the orchestrator's timeout: the plan goes on, with the timeout noted", async () => {
    const { f, view, decided } = await run(fullPlan(), [slow(30_000, decision({ skip: [{ stepId: 'rotate-logs', reason: 'late', evidence: [] }] }))], { planTimeoutMs: 300 });
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ skip: [], add: [], tokens: 0 });
    expect(notesOf(decided[0])).toContainEqual(expect.stringMatching(/the planner could not decide \(planner llm:scripted timed out deciding[^)]*\); the plan goes on as it stands/));
    expect(view).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'rotate-logs' } });
    assertConsistent(f.db);
  });

  it('replay: once a decision is committed, a new engine on the same database never asks the model for it again', async () => {
    server = await ScriptedLlm.start();
    server.scriptFor(PLAN, fullPlan()).scriptFor(DECISION, decision({ add: [added('du-data', 'du -sh /var/lib/data')] }));
    // One durable action per tick: stop right after the decision is committed, as if the engine died there.
    const r = setUp(server, { actionsPerLease: 1 });
    for (let i = 0; i < 20 && eventData(r.f.db, r.id, 'decided').length === 0; i++) await r.f.orchestrator.tick();
    expect(eventTypes(r.f.db, r.id).at(-1)).toBe('decided');
    expect(server.requestsFor(DECISION)).toHaveLength(1);
    expect(r.shell.calls).toEqual(['df -h /var/lib/data']);

    // Any later decision request would get this; the diagnose phase's must never come again.
    server.always(DECISION, decision({ notes: ['asked again'] }));
    const again = reopen(r, server);
    await again.recover();
    await again.drain();
    const phases = () => server!.requestsFor(DECISION).map((q) => /The \*\*(\w+)\*\* phase just ended/.exec(q.body.messages.at(-1)!.content)?.[1]);
    // The added diagnostic runs, then the round-1 decision after it: a new decision, not the committed one again.
    expect(r.shell.calls).toEqual(['df -h /var/lib/data', 'du -sh /var/lib/data']);
    expect(eventData(r.f.db, r.id, 'decided').map((d) => [d.phase, d.round])).toEqual([
      ['diagnose', 0],
      ['diagnose', 1],
    ]);
    expect(server.requestsFor(DECISION)).toHaveLength(2);
    expect(stateOf(r.f.db, r.id).waiting).toMatchObject({ kind: 'approval', stepId: 'rotate-logs' });

    // And once settled: a third engine finds nothing to ask.
    const third = reopen(r, server);
    await third.recover();
    await third.drain();
    expect(server.requestsFor(DECISION)).toHaveLength(2);

    approve(r.f.db, r.id, 'ana', r.f.clock);
    await third.drain();
    expect(phases()).toEqual(['diagnose', 'diagnose', 'mitigate']);
    expect(stateOf(r.f.db, r.id).state).toBe('COMPLETED');
    assertConsistent(r.f.db);
  });
});

function keyOf(f: { db: Parameters<typeof stateOf>[0] }, id: string, stepId: string): string {
  const row = f.db.prepare('SELECT key FROM tool_calls WHERE workflow_id = ? AND step_id = ?').get(id, stepId) as { key: string } | undefined;
  if (!row) throw new Error(`no tool call of step ${stepId}`);
  return row.key;
}
