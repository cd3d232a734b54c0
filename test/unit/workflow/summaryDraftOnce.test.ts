// engine/entry/agent/summaryDraft.ts, shared by the SQLite and the --store path: what the model reads, whether a draft
// is still wanted, and that it is recorded once through the store however many drafters race (two connections to
// one SQLite file stand in for two replicas; the --store path runs it against PostgreSQL in
// test/integration/serve.postgres.llm.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import type { Planner, SettledRecord } from '../../../engine/control/workflow/planner';
import { draftSummaryOf, draftToLog, settledRecord, SUMMARY_DRAFTED_EVENT, wantsDraft } from '../../../engine/entry/agent/summaryDraft';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-summary-once-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const open: SqliteControlStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
let n = 0;
const T0 = Date.UTC(2026, 0, 1);

async function twoConnections(): Promise<[SqliteControlStore, SqliteControlStore]> {
  const file = path.join(root, `store-${++n}.sqlite`);
  const a = await openSqliteStore(file);
  const b = await openSqliteStore(file);
  open.push(a, b);
  return [a, b];
}

async function escalated(store: SqliteControlStore, key: string): Promise<string> {
  const w = (await store.createWorkflow({ source: 'test', title: `disk full ${key}`, labels: { target: key }, idempotencyKey: key }, { now: T0 })).workflow;
  await store.commit({ workflowId: w.id, now: T0 + 1, events: [{ type: 'escalated', to: 'ESCALATED', data: { reason: 'test' } }], next: { kind: 'settled' } });
  return w.id;
}

/** A model stand-in: counts what it was asked, answers a draft (or throws) after a tick. */
function model(answer: (record: SettledRecord) => unknown): Planner & { asked: SettledRecord[] } {
  const asked: SettledRecord[] = [];
  return {
    name: 'scripted',
    provider: 'test',
    asked,
    plan: () => Promise.reject(new Error('not planning here')),
    summarize: async (record) => {
      asked.push(record);
      await new Promise((r) => setTimeout(r, 10));
      return { draft: answer(record), tokens: 7 };
    },
  };
}

describe('summary drafts through the ControlStore', () => {
  it('wants a draft of a completed or escalated workflow without one; logs one draft at most', () => {
    const view = { state: 'ESCALATED' } as Parameters<typeof wantsDraft>[0];
    expect(wantsDraft(view)).toBe(true);
    expect(wantsDraft({ ...view!, state: 'COMPLETED' })).toBe(true);
    expect(wantsDraft({ ...view!, state: 'CANCELLED' })).toBe(false);
    expect(wantsDraft({ ...view!, state: 'EXECUTING' })).toBe(false);
    expect(wantsDraft({ ...view!, summaryDraft: { error: 'earlier' } })).toBe(false);
    expect(wantsDraft(null)).toBe(false);
    expect(draftToLog([], { draft: { claims: [] } })).toEqual([{ type: SUMMARY_DRAFTED_EVENT, data: { draft: { claims: [] } } }]);
    expect(draftToLog([{ draft: { error: 'x' } }], { draft: { claims: [] } })).toEqual([]);
  });

  it('gives the model the record as the store returns it, calls cited by their idempotency key', () => {
    const record = settledRecord(
      { state: 'COMPLETED' } as never,
      [{ key: 'tc-key', stepId: 's', tool: 'shell', status: 'done', attempts: 1, input: { command: 'ls' }, result: { stdout: 'x' }, error: null, intendedAt: '2026-01-01T00:00:00.000Z', finishedAt: null }],
      [{ seq: 1, workflowId: 'w', type: 'created', from: null, to: 'RECEIVED', actor: 'engine', attempt: 1, at: '2026-01-01T00:00:01.000Z', data: null, hash: 'h' }],
    );
    expect(record.calls).toEqual([{ id: 'tc-key', stepId: 's', tool: 'shell', status: 'done', input: { command: 'ls' }, result: { stdout: 'x' }, error: null }]);
    expect(record.events).toEqual([{ type: 'created', at: Date.parse('2026-01-01T00:00:01.000Z'), actor: 'engine', data: {} }]);
  });

  it('records one draft when two drafters race on two connections, and none for a workflow that has not settled', async () => {
    const [a, b] = await twoConnections();
    const id = await escalated(a, 'race');
    const m = model(() => ({ claims: [{ text: 'It escalated.', cites: ['tc:1'] }], dropped: [] }));
    await Promise.all([draftSummaryOf(id, { store: a, planner: m }), draftSummaryOf(id, { store: b, planner: m })]);
    const drafted = (await a.events(id)).filter((e) => e.type === SUMMARY_DRAFTED_EVENT);
    expect(drafted).toHaveLength(1);
    expect(drafted[0]!.data).toEqual({ draft: { claims: [{ text: 'It escalated.', cites: ['tc:1'] }], dropped: [] }, tokens: 7 });
    expect((await b.view(id))!.summaryDraft).toEqual({ claims: [{ text: 'It escalated.', cites: ['tc:1'] }], dropped: [] });
    expect(m.asked[0]!.view.id).toBe(id);
    // Once drafted, a later drafter does not even ask the model.
    const asked = m.asked.length;
    await draftSummaryOf(id, { store: b, planner: m });
    expect(m.asked).toHaveLength(asked);

    const open = (await a.createWorkflow({ source: 'test', title: 'still open', labels: { target: 'open' }, idempotencyKey: 'open' }, { now: T0 })).workflow.id;
    await draftSummaryOf(open, { store: a, planner: m });
    expect(m.asked).toHaveLength(asked);
    expect((await a.events(open)).some((e) => e.type === SUMMARY_DRAFTED_EVENT)).toBe(false);
    expect(await a.verifyLog()).toMatchObject({ ok: true });
  });

  it('a model that fails: logged, and recorded once as why there is no draft; the workflow stays settled', async () => {
    const [a, b] = await twoConnections();
    const id = await escalated(a, 'fails');
    const m = model(() => {
      throw new Error('model runner crashed');
    });
    const lines: string[] = [];
    await Promise.all([draftSummaryOf(id, { store: a, planner: m, log: (l) => lines.push(l) }), draftSummaryOf(id, { store: b, planner: m, log: (l) => lines.push(l) })]);
    expect(lines).toEqual([`summary draft for ${id}: model runner crashed`, `summary draft for ${id}: model runner crashed`]);
    const drafted = (await a.events(id)).filter((e) => e.type === SUMMARY_DRAFTED_EVENT);
    expect(drafted.map((e) => e.data)).toEqual([{ draft: { error: 'model runner crashed' } }]);
    const view = (await a.view(id))!;
    expect(view.state).toBe('ESCALATED');
    expect(view.summaryDraft).toEqual({ error: 'model runner crashed' });
  });
});
