import { describe, expect, it } from 'vitest';
import { schemaVersion } from '../../../engine/control/db/open';
import { memoryOf } from '../../../engine/memory/incidents/incident';
import { catchUp, FORGOTTEN_EVENT, forgetMemory, getMemory, lastTimeViews, listMemories, MAX_MEMORY_CHARS, memoryIdOf, recallFor, rememberWorkflow, saveMemory, UnknownMemory } from '../../../engine/memory/incidents/store';
import type { IncidentSummary } from '../../../engine/planning/observe/summary';
import { verifyChain } from '../../../engine/control/store/sqlite/eventLog';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { catchUpInStore, recallForPlanningInStore, rememberWorkflowInStore } from '../../../engine/memory/incidents/inStore';
import { cancel, escalateNow, resolve } from '../../../engine/control/workflow/person';
import { fixture, scriptedTool, stateOf, type Fixture } from '../workflow/fixtures';

const steps = {
  main: [
    { id: 'check', tool: 'check_disk', input: { target: '{{service}}' } },
    { id: 'clean', tool: 'clean_tmp', input: { target: '{{service}}' }, expect: 'freed' },
  ],
  held: [
    { id: 'check', tool: 'check_disk', input: { target: '{{service}}' } },
    { id: 'clean', tool: 'clean_tmp', input: { target: '{{service}}' }, approval: true },
  ],
};
const HOUR = 3_600_000;

function setup(): Fixture {
  return fixture([scriptedTool('check_disk', {}, () => ({ output: { used: '97%' } })), scriptedTool('clean_tmp', { risk: 'write' }, () => ({ output: { freed: 3 } }))], steps);
}

/** One workflow for the alert, run to its end (COMPLETED with these tools), settled an hour after the previous. */
async function settled(f: Fixture, labels: Record<string, string>): Promise<string> {
  f.clock.advance(HOUR);
  const id = f.start({ runbook: 'main', ...labels });
  await f.orchestrator.drain();
  return id;
}

const count = (f: Fixture) => (f.db.prepare('SELECT count(*) AS n FROM incident_memories').get() as { n: number }).n;

describe('incident memory store (real SQLite)', () => {
  it('has its own table at the latest schema version', () => {
    const f = setup();
    expect(schemaVersion(f.db)).toBeGreaterThanOrEqual(6);
    expect(count(f)).toBe(0);
  });

  it('remembers a workflow only once it is settled, once per workflow however often it is asked', async () => {
    const f = setup();
    const waiting = f.start({ runbook: 'main', alertname: 'DiskFull', service: 'api' });
    expect(rememberWorkflow(f.db, waiting, f.clock.now())).toBeNull();
    await f.orchestrator.drain();
    expect(stateOf(f.db, waiting).state).toBe('COMPLETED');
    const id = rememberWorkflow(f.db, waiting, f.clock.now());
    expect(id).toBe(memoryIdOf(waiting));
    expect(rememberWorkflow(f.db, waiting, f.clock.now())).toBe(id);
    expect(count(f)).toBe(1);
    const stored = getMemory(f.db, id!)!;
    expect(stored.memory).toMatchObject({ workflowId: waiting, alertname: 'DiskFull', labels: { alertname: 'DiskFull', service: 'api' }, state: 'COMPLETED' });
    expect(stored.memory.checked.map((c) => c.finding)).toEqual(['{"used":"97%"}', '{"freed":3}']);
    expect(getMemory(f.db, waiting)?.id).toBe(id); // the workflow id finds it too
  });

  it('recalls the same alert newest first, never the asking workflow, and only what settled before a given time', async () => {
    const f = setup();
    const first = await settled(f, { alertname: 'DiskFull', service: 'api' });
    const other = await settled(f, { alertname: 'HighLatency', service: 'web' });
    const second = await settled(f, { alertname: 'DiskFull', service: 'api' });
    expect(catchUp(f.db, null, 20, f.clock.now())).toBe(3);
    expect(catchUp(f.db, null, 20, f.clock.now())).toBe(0);
    const request = { title: 'disk almost full', labels: { alertname: 'DiskFull', service: 'api' } };
    expect(recallFor(f.db, '', request).map((r) => r.memory.workflowId)).toEqual([second, first]);
    expect(recallFor(f.db, '', request, { exclude: second }).map((r) => r.memory.workflowId)).toEqual([first]);
    expect(recallFor(f.db, '', request, { before: stateOf(f.db, second).createdAt }).map((r) => r.memory.workflowId)).toEqual([first]);
    expect(recallFor(f.db, 'elsewhere', request)).toEqual([]);
    expect(recallFor(f.db, '', { title: 'x', labels: { alertname: 'HighLatency', service: 'web' } }).map((r) => r.memory.workflowId)).toEqual([other]);

    const later = await settled(f, { alertname: 'DiskFull', service: 'api' });
    const lines = await recallForPlanningInStore(new SqliteControlStore(f.db), '', { ...request, source: 'test', severity: 'warning', annotations: {}, body: '', status: 'firing' }, later, f.clock.now());
    expect(lines.map((l) => l.workflowId)).toEqual([second, first]);
    expect(lines[0]!.text).toMatch(/^disk almost full \(service=api\), 60 min ago: completed \(verification .*\) in 1 s\. Checked: \{"target":"api"\} → \{"used":"97%"\}/);
    const views = lastTimeViews(f.db, later, f.clock.now());
    expect(views.map((v) => [v.workflowId, v.memoryId])).toEqual([
      [second, memoryIdOf(second)],
      [first, memoryIdOf(first)],
    ]);
    expect(views[0]!.shared).toEqual(['alertname', 'service']);
    // The first one's view shows nothing: what settled after it fired was not "last time" for it.
    expect(lastTimeViews(f.db, first, f.clock.now())).toEqual([]);
  });

  it('catches up on workflows a person settled, and a memory follows its workflow from escalated to completed', async () => {
    const f = setup();
    const cancelled = f.start({ runbook: 'held', alertname: 'DiskFull', service: 'api' });
    const escalated = f.start({ runbook: 'held', alertname: 'DiskFull', service: 'db' });
    await f.orchestrator.drain();
    expect([stateOf(f.db, cancelled).state, stateOf(f.db, escalated).state]).toEqual(['WAITING_FOR_PERSON', 'WAITING_FOR_PERSON']);
    cancel(f.db, cancelled, 'ana', 'false alarm', f.clock);
    escalateNow(f.db, escalated, 'ana', 'paging the DBA', f.clock);
    expect(catchUp(f.db, '', 20, f.clock.now())).toBe(2);
    expect(getMemory(f.db, cancelled)?.memory.state).toBe('CANCELLED');
    expect(getMemory(f.db, escalated)?.memory.state).toBe('ESCALATED');
    f.clock.advance(HOUR);
    resolve(f.db, escalated, 'bo', 'DBA vacuumed the table', f.clock);
    expect(stateOf(f.db, escalated).state).toBe('COMPLETED');
    expect(catchUp(f.db, '', 20, f.clock.now())).toBe(1);
    expect(getMemory(f.db, escalated)?.memory).toMatchObject({ state: 'COMPLETED', settledAt: f.clock.now() });
    expect(count(f)).toBe(2);
  });

  it('forgets: the row goes, the hash-chained log records who and when without the content, and it is never remembered again', async () => {
    const f = setup();
    const id = await settled(f, { alertname: 'DiskFull', service: 'api' });
    rememberWorkflow(f.db, id, f.clock.now());
    const before = (f.db.prepare('SELECT count(*) AS n FROM workflow_events WHERE workflow_id = ?').get(id) as { n: number }).n;
    const forgotten = forgetMemory(f.db, memoryIdOf(id), 'ana', f.clock.now());
    expect(forgotten).toMatchObject({ id: memoryIdOf(id), workflowId: id });
    expect(getMemory(f.db, id)).toBeNull();
    expect(listMemories(f.db)).toEqual([]);
    const event = f.db.prepare('SELECT * FROM workflow_events WHERE seq = ?').get(forgotten.seq) as { type: string; actor: string; workflow_id: string | null; data: string; at: number };
    expect(event).toMatchObject({ type: FORGOTTEN_EVENT, actor: 'person', workflow_id: null, at: f.clock.now() });
    expect(JSON.parse(event.data)).toEqual({ memoryId: memoryIdOf(id), workflowId: id, workspace: '', by: 'ana' });
    expect(event.data).not.toMatch(/check_disk|97%|disk almost full/);
    expect(verifyChain(f.db).ok).toBe(true);
    // The workflow's own record is untouched; the memory does not come back.
    expect((f.db.prepare('SELECT count(*) AS n FROM workflow_events WHERE workflow_id = ?').get(id) as { n: number }).n).toBe(before);
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    expect(rememberWorkflow(f.db, id, f.clock.now())).toBeNull();
    expect(catchUp(f.db, null, 20, f.clock.now())).toBe(0);
    expect(recallFor(f.db, '', { title: 'x', labels: { alertname: 'DiskFull', service: 'api' } })).toEqual([]);
    expect(() => forgetMemory(f.db, memoryIdOf(id), 'ana')).toThrow(UnknownMemory);
  });

  it('the control-store path (serve --store, memory --store) remembers and recalls exactly as the file\'s own path', async () => {
    const f = setup();
    const store = new SqliteControlStore(f.db);
    const first = await settled(f, { alertname: 'DiskFull', service: 'api' });
    const second = await settled(f, { alertname: 'DiskFull', service: 'api' });
    expect(await rememberWorkflowInStore(store, first, f.clock.now())).toBe(memoryIdOf(first));
    const viaStore = getMemory(f.db, first)!;
    expect(rememberWorkflow(f.db, first, f.clock.now())).toBe(memoryIdOf(first));
    expect(getMemory(f.db, first)).toEqual(viaStore);
    expect(await catchUpInStore(store, '', 20, f.clock.now())).toBe(1);
    expect(getMemory(f.db, second)).toEqual(await store.getMemory(second));

    const later = await settled(f, { alertname: 'DiskFull', service: 'api' });
    const request = { ...stateOf(f.db, later).request };
    expect((await recallForPlanningInStore(store, '', request, later, f.clock.now())).map((l) => l.workflowId)).toEqual([second, first]);
    await store.forgetMemory(first, 'ana', f.clock.now());
    expect(rememberWorkflow(f.db, first, f.clock.now())).toBeNull();
    expect(await rememberWorkflowInStore(store, first, f.clock.now())).toBeNull();
    expect(verifyChain(f.db).ok).toBe(true);
  });

  it('stores memories redacted and size-capped', () => {
    const f = setup();
    const summary: IncidentSummary = {
      fired: { title: 'Disk full', severity: 'warning', labels: { alertname: 'DiskFull', service: 'api' }, at: 0 },
      state: 'COMPLETED',
      reason: null,
      checked: Array.from({ length: 10 }, (_, i) => ({ stepId: `s${i}`, what: `cat /etc/app.env # ${'x'.repeat(200)}`, status: 'ok' as const, finding: `token ghp_abcdefghijklmnopqrstuvwxyz0123456789 ${'y'.repeat(400)}`, citation: `tc:${String(i).padStart(12, '0')}` })),
      causes: [],
      done: Array.from({ length: 10 }, (_, i) => ({ stepId: `d${i}`, what: `rotate --password=hunter2xyz ${'z'.repeat(300)}`, outcome: 'done' as const, by: 'ana', why: null, citation: null })),
      verification: { status: 'passed', items: [], by: null },
      timings: [],
      next: null,
    };
    const memory = memoryOf('wf-secret', summary, null, 1000)!;
    expect(JSON.stringify(memory).length).toBeGreaterThan(MAX_MEMORY_CHARS);
    saveMemory(f.db, '/ws', memory, 1000);
    const row = f.db.prepare('SELECT memory FROM incident_memories WHERE workflow_id = ?').get('wf-secret') as { memory: string };
    expect(row.memory.length).toBeLessThanOrEqual(MAX_MEMORY_CHARS);
    expect(row.memory).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(row.memory).not.toContain('hunter2xyz');
    expect(row.memory).toContain('[REDACTED:github_token]');
    expect(getMemory(f.db, 'wf-secret')!.memory.checked.length).toBeGreaterThan(0);
  });
});
