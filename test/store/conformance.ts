// ONE conformance suite for every ControlStore adapter (sqlite.test.ts and postgres.test.ts run it). Real
// databases only: each test gets a fresh, empty store; raw SQL appears only in the adapters' tamper helpers.
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { acquire, failure, success } from '../../engine/control/store/breakerRules';
import type { ControlStore, DurableAction, ExportedEvent, WorkflowView } from '../../engine/control/store/types';
import { DEFAULT_BREAKER } from '../../engine/control/workflow/breaker';
import { decidePerson, type PersonDecision } from '../../engine/control/workflow/core/person';
import { ManualClock } from '../../engine/control/workflow/clock';
import { Backpressure, IllegalTransition, InvalidRequest, LeaseLost, NothingToDo, UnknownWorkflow } from '../../engine/control/workflow/errors';
import { ToolRegistry } from '../../engine/control/workflow/tool';
import { FORGOTTEN_EVENT, MAX_MEMORY_CHARS, memoryIdOf, UnknownMemory, type IncidentMemory } from '../../engine/memory/incidents/incident';
import { catchUpInStore, recallForInStore, recallForPlanningInStore, rememberWorkflowInStore } from '../../engine/memory/incidents/inStore';
import { StoreChild } from './children';
import { drain, tool, type Runtime } from './drive';

export interface Adapter {
  readonly name: string;
  /** A fresh, empty store. */
  fresh(): Promise<ControlStore>;
  /** Another connection (its own Db, or its own pool) to the same store. */
  connect(store: ControlStore): Promise<ControlStore>;
  /** What openControlStore() in another process opens to reach the same store. */
  url(store: ControlStore): string;
  /** Raw changes behind the store's back (append-only guards lifted), as an attacker with the database would make. */
  readonly tamper: {
    /** Changes the data of the workflow's nth event (1-based). */
    editData(store: ControlStore, workflowId: string, nth: number): Promise<void>;
    deleteEvent(store: ControlStore, workflowId: string, nth: number): Promise<void>;
    /** Deletes the workflow's newest event. */
    deleteNewest(store: ControlStore, workflowId: string): Promise<void>;
  };
}

const T0 = Date.UTC(2026, 0, 1);
const alert = (key: string, extra: Record<string, unknown> = {}) => ({ source: 'test', title: `disk full ${key}`, labels: { target: key }, idempotencyKey: key, ...extra });
/** A memory as engine/memory/incidents/incident.ts memoryOf makes one (settled `at`, identity labels given). */
const memory = (workflowId: string, alertname: string, at: number, extra: Partial<IncidentMemory> = {}): IncidentMemory => ({
  workflowId,
  title: `${alertname} on api`,
  alertname,
  labels: { alertname, service: 'api' },
  state: 'COMPLETED',
  firedAt: at - 60_000,
  settledAt: at,
  runbook: 'runbooks/disk.md',
  checked: [{ what: 'df -h /var', finding: '97% used', citation: `tc:${workflowId}` }],
  done: [{ what: 'gzip /var/log/*.log', outcome: 'done', by: 'ana' }],
  verification: 'passed',
  causes: [],
  ...extra,
});
const planData = { plan: { summary: 'p', steps: [{ id: 'a', tool: 'probe', input: { target: 'x' }, approval: false }] }, planVersion: 1 };

export function conformance(adapter: Adapter): void {
  const open: ControlStore[] = [];
  const children: StoreChild[] = [];
  const fresh = async () => {
    const s = await adapter.fresh();
    open.push(s);
    return s;
  };
  const connect = async (store: ControlStore) => {
    const s = await adapter.connect(store);
    open.push(s);
    return s;
  };
  const child = async (store: ControlStore) => {
    const c = await StoreChild.open(adapter.url(store));
    children.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.close()));
    for (const s of open.splice(0).reverse()) await s.close();
  });

  const create = async (store: ControlStore, key: string, now = T0, extra: Record<string, unknown> = {}) => (await store.createWorkflow(alert(key, extra), { now })).workflow;

  /** Drives a workflow by hand to `state` through legal events (no lease), leaving its task as the last step says. */
  async function walk(store: ControlStore, id: string, steps: Array<Pick<DurableAction, 'events' | 'next' | 'writes'>>, now = T0): Promise<WorkflowView> {
    let view: WorkflowView | null = null;
    for (const s of steps) view = await store.commit({ workflowId: id, now, ...s });
    return view!;
  }
  const toPlanned = { events: [{ type: 'planned' as const, to: 'PLANNED' as const, data: planData }], next: { kind: 'continue' as const } };
  const toExecuting = { events: [{ type: 'executing' as const, to: 'EXECUTING' as const }], next: { kind: 'continue' as const } };

  describe(`ControlStore conformance: ${adapter.name}`, () => {
    it('commits a durable action atomically: an illegal event or a failing write rolls back everything', async () => {
      const store = await fresh();
      const w = await create(store, 'atomic');
      const before = { view: await store.view(w.id), events: await store.events(w.id), head: await store.head(), queued: await store.queued() };
      const hit = { chunkId: 'c', docId: 'd', docVersion: 'v', score: 1, stale: false };
      // The second snapshot write repeats (workflow, plan version, rank): the database refuses it mid-commit.
      await expect(
        store.commit({ workflowId: w.id, now: T0 + 1, events: toPlanned.events, writes: [{ kind: 'intended', key: 'k1', stepId: 'a', tool: 'probe', input: {} }, { kind: 'snapshot', planVersion: 1, hits: [hit] }, { kind: 'snapshot', planVersion: 1, hits: [hit] }], next: { kind: 'settled' } }),
      ).rejects.toThrow();
      // PLANNED -> COMPLETED is not a transition: the reducer refuses the second event after the first was applied.
      await expect(store.commit({ workflowId: w.id, now: T0 + 2, events: [...toPlanned.events, { type: 'completed', to: 'COMPLETED' }], next: { kind: 'settled' } })).rejects.toBeInstanceOf(IllegalTransition);
      await expect(store.commit({ workflowId: 'no-such-workflow', now: T0, events: toExecuting.events })).rejects.toBeInstanceOf(UnknownWorkflow);
      expect(await store.view(w.id)).toEqual(before.view);
      expect(await store.events(w.id)).toEqual(before.events);
      expect(await store.head()).toBe(before.head);
      expect(await store.queued()).toBe(before.queued);
      expect(await store.toolCall('k1')).toBeNull();
      expect(await store.snapshot(w.id)).toEqual([]);
      // The same action without the bad write commits whole.
      const after = await store.commit({ workflowId: w.id, now: T0 + 3, events: toPlanned.events, writes: [{ kind: 'snapshot', planVersion: 1, hits: [hit] }], next: { kind: 'settled' } });
      expect(after.state).toBe('PLANNED');
      expect(await store.snapshot(w.id)).toEqual([{ ...hit, planVersion: 1 }]);
      expect(await store.queued()).toBe(0);
      expect(await store.verifyLog()).toMatchObject({ ok: true, events: 2 });
    });

    it('fences commits by lease: a stale token is refused and changes nothing', async () => {
      const store = await fresh();
      const w = await create(store, 'fence');
      const first = (await store.lease('owner-a', T0, 1000))!;
      expect(first).toMatchObject({ workflowId: w.id, deliveries: 1 });
      expect(await store.lease('owner-b', T0 + 999, 1000)).toBeNull();
      // The lease expired: another worker gets the task (redelivery).
      const second = (await store.lease('owner-b', T0 + 1000, 1000))!;
      expect(second).toMatchObject({ workflowId: w.id, deliveries: 2 });
      expect(second.token).not.toBe(first.token);
      await expect(store.commit({ workflowId: w.id, now: T0 + 1001, leaseToken: first.token, ...toPlanned })).rejects.toBeInstanceOf(LeaseLost);
      expect((await store.view(w.id))!.state).toBe('RECEIVED');
      expect(await store.extendLease(first, T0 + 5000)).toBe(false);
      expect(await store.release(first, T0)).toBe(false);
      expect(await store.finish(first)).toBe(false);
      expect((await store.commit({ workflowId: w.id, now: T0 + 1002, leaseToken: second.token, ...toPlanned })).state).toBe('PLANNED');
      // `continue` with a lease keeps it: the task is still held by the second worker.
      expect(await store.lease('owner-c', T0 + 1500, 1000)).toBeNull();
      expect(await store.finish(second)).toBe(true);
      await expect(store.commit({ workflowId: w.id, now: T0 + 1003, leaseToken: second.token, ...toExecuting })).rejects.toBeInstanceOf(LeaseLost);
    });

    it('fences a commit from another process whose lease expired and was taken over', async () => {
      const store = await fresh();
      const w = await create(store, 'two-processes');
      const holder = await child(store);
      const held = await holder.request<{ workflowId: string; token: string }>({ op: 'lease', owner: `other-host/${holder.pid}/x`, now: T0, ms: 500 });
      expect(held.workflowId).toBe(w.id);
      const mine = (await store.lease('this-process', T0 + 501, 500))!;
      expect(mine.workflowId).toBe(w.id);
      const stale = holder.request({ op: 'commit', action: { workflowId: w.id, now: T0 + 502, leaseToken: held.token, ...toPlanned } });
      await expect(stale).rejects.toMatchObject({ name: 'LeaseLost' });
      expect((await store.view(w.id))!.state).toBe('RECEIVED');
      expect((await store.commit({ workflowId: w.id, now: T0 + 503, leaseToken: mine.token, ...toPlanned })).state).toBe('PLANNED');
      expect(await store.verifyLog()).toMatchObject({ ok: true, events: 2 });
    });

    it('leases the oldest ready task, per queue, redelivers after expiry, and frees leases of stopped or dead owners', async () => {
      const store = await fresh();
      const a = (await store.createWorkflow(alert('q-a'), { now: T0 })).workflow;
      const b = (await store.createWorkflow(alert('q-b'), { now: T0 + 1 })).workflow;
      const c = (await store.createWorkflow(alert('q-c'), { now: T0 + 2, workspace: '/ws/other' })).workflow;
      expect(await store.queued()).toBe(3);
      expect(await store.nextReadyAt()).toBe(T0);
      expect(await store.nextReadyAt('/ws/other')).toBe(T0 + 2);
      expect(await store.lease('w', T0 + 1, 1000, '/ws/none')).toBeNull();
      const la = (await store.lease('w1', T0 + 10, 1000, ''))!;
      const lb = (await store.lease('w1', T0 + 10, 1000, ''))!;
      expect([la.workflowId, lb.workflowId]).toEqual([a.id, b.id]);
      expect(await store.lease('w1', T0 + 10, 1000, '')).toBeNull();
      expect((await store.lease('w2', T0 + 10, 1000))!.workflowId).toBe(c.id);
      expect(await store.leasesHeld()).toBe(3);
      expect(await store.nextReadyAt('')).toBe(T0 + 1010);
      expect(await store.extendLease(la, T0 + 5000)).toBe(true);
      const redelivered = (await store.lease('w3', T0 + 1010, 1000, ''))!;
      expect(redelivered).toMatchObject({ workflowId: b.id, deliveries: 2 });
      expect(await store.release(redelivered, T0 + 3000)).toBe(true);
      expect(await store.nextReadyAt('')).toBe(T0 + 3000);
      expect(await store.releaseOwner('w1')).toBe(1); // a's lease (b's went to w3 and was released)
      expect((await store.lease('w4', T0 + 1011, 60_000, ''))!.workflowId).toBe(a.id);
      // Dead owners on this host are reclaimed at once; another host's lease waits for its expiry.
      const dead = `${os.hostname()}/4000000/dead`;
      const here = (await store.lease(dead, T0 + 3000, 60_000, ''))!;
      expect(here.workflowId).toBe(b.id);
      expect(await store.reclaimDeadOwners((pid) => pid !== 4000000)).toBe(1);
      // "w4" and "w2" name no process of this host: only their expiry frees them.
      expect(await store.reclaimDeadOwners(() => false)).toBe(0);
      expect(await store.finish(here)).toBe(false);
      expect(await store.leasesHeld()).toBe(2);
    });

    it('finds recovery candidates: unsettled workflows without a task, interrupted tool calls with a free lease', async () => {
      const store = await fresh();
      const queued = await create(store, 'r-queued');
      const orphan = await create(store, 'r-orphan', T0 + 1);
      expect((await store.lease('w', T0 + 1, 1000))!.workflowId).toBe(queued.id);
      const lo = (await store.lease('w', T0 + 1, 1000))!;
      expect(lo.workflowId).toBe(orphan.id);
      expect(await store.finish(lo)).toBe(true); // its task is gone while it is unsettled
      const calling = await create(store, 'r-tool');
      await walk(store, calling.id, [toPlanned, toExecuting]);
      const lt = (await store.lease('w', T0 + 1, 1000))!;
      expect(lt.workflowId).toBe(calling.id);
      await store.commit({ workflowId: calling.id, now: T0 + 1, leaseToken: lt.token, events: [{ type: 'step_started', to: 'WAITING_FOR_TOOL', data: { stepIndex: 0 } }], writes: [{ kind: 'intended', key: 'call-1', stepId: 'a', tool: 'probe', input: { target: 'x' } }], next: { kind: 'continue' } });
      const settled = await create(store, 'r-settled');
      await walk(store, settled.id, [{ events: [{ type: 'escalated', to: 'ESCALATED', data: { reason: 'test' } }], next: { kind: 'settled' } }]);
      expect(await store.recoveryCandidates(T0 + 500)).toEqual({ orphans: [orphan.id], interrupted: [], unsettled: 3 });
      // The worker holding the tool call died: once its lease expires the call counts as interrupted.
      expect(await store.recoveryCandidates(T0 + 1001)).toEqual({ orphans: [orphan.id], interrupted: [calling.id], unsettled: 3 });
      expect((await store.recoveryCandidates(T0 + 1001, '/ws/other')).interrupted).toEqual([]);
      expect(await store.toolCall('call-1')).toEqual({ key: 'call-1', status: 'intended', attempts: 1, result: null });
      // Recovery re-queues an orphan with an action that only schedules it.
      await store.commit({ workflowId: orphan.id, now: T0 + 2000, events: [], next: { kind: 'continue' } });
      expect((await store.recoveryCandidates(T0 + 2000)).orphans).toEqual([]);
      expect(await store.nextReadyAt()).toBe(T0 + 1001);
    });

    it('runs workflows through the real decision core; replaying each one\'s events gives its stored view', async () => {
      const store = await fresh();
      const clock = new ManualClock(T0);
      const probe = tool('probe', 'read', (n) => n === 2); // the second workflow's probe fails once (transient)
      const fix = tool('fix', 'write');
      const rt: Runtime = { store, tools: new ToolRegistry([probe, fix]), clock, owner: `${os.hostname()}/${process.pid}/drive` };
      const ids: string[] = [];
      for (const key of ['run-1', 'run-2', 'run-3']) ids.push((await store.createWorkflow(alert(key), { now: clock.now() })).workflow.id);
      expect(await drain(rt)).toBeGreaterThanOrEqual(3);
      expect(probe.calls).toBe(4);
      expect(fix.calls).toBe(3);
      for (const id of ids) {
        const view = (await store.view(id))!;
        expect(view.state).toBe('COMPLETED');
        expect(await store.replay(id)).toEqual(view);
        const calls = await store.toolCalls(id);
        expect(calls.map((c) => [c.stepId, c.status])).toEqual([['probe', 'done'], ['fix', 'done']]);
        expect(calls[1]!.result).toMatchObject({ tool: 'fix', target: view.request.labels.target });
        expect(await store.toolCall(calls[0]!.key)).toMatchObject({ status: 'done', result: calls[0]!.result });
        expect(await store.snapshot(id)).toEqual([
          { planVersion: 1, chunkId: 'c1', docId: 'runbooks/disk.md', docVersion: 'v1', score: 0.91, stale: false, root: '/ws', startLine: 3, endLine: 12, heading: 'Disk full' },
          { planVersion: 1, chunkId: 'c2', docId: 'runbooks/logs.md', docVersion: 'v7', score: 0.5, stale: true },
        ]);
      }
      const retried = await store.toolCalls(ids[1]!);
      expect(retried[0]).toMatchObject({ status: 'done', attempts: 2 });
      expect((await store.events(ids[1]!)).map((e) => e.type)).toContain('step_failed');
      expect(await store.queued()).toBe(0);
      expect(await store.countByState()).toEqual({ COMPLETED: 3 });
      expect((await store.list({ state: 'COMPLETED' })).map((s) => s.id).sort()).toEqual([...ids].sort());
      expect(await store.verifyLog()).toMatchObject({ ok: true });
    });

    it('deduplicates alerts by idempotency key and records a resolved notification on the existing workflow', async () => {
      const store = await fresh();
      const first = await store.createWorkflow(alert('dup'), { now: T0, workspace: '/ws/a', budget: { steps: 9 } });
      expect(first.created).toBe(true);
      expect(first.workflow).toMatchObject({ state: 'RECEIVED', workspace: '/ws/a', intakeKey: 'dup', budget: { steps: 9 } });
      const again = await store.createWorkflow(alert('dup'), { now: T0 + 1 });
      expect(again).toEqual({ workflow: first.workflow, created: false });
      // The workflow waits in VALIDATING for its alert to resolve, its task parked until later.
      const w = first.workflow;
      await store.commit({ workflowId: w.id, now: T0, leaseToken: undefined, events: [{ type: 'planned', to: 'PLANNED', data: planData }] });
      await walk(store, w.id, [toExecuting, { events: [{ type: 'validating', to: 'VALIDATING' }], next: { kind: 'later', at: T0 + 60_000 } }]);
      expect(await store.nextReadyAt()).toBe(T0 + 60_000);
      const resolved = await store.createWorkflow(alert('dup', { status: 'resolved' }), { now: T0 + 10 });
      expect(resolved.created).toBe(false);
      expect(resolved.workflow.alertResolvedAt).toBe(T0 + 10);
      expect(await store.nextReadyAt()).toBe(T0 + 10);
      await store.createWorkflow(alert('dup', { status: 'resolved' }), { now: T0 + 20 });
      expect((await store.events(w.id)).filter((e) => e.type === 'alert_resolved')).toHaveLength(1);
      await expect(store.createWorkflow(alert('never-fired', { status: 'resolved' }), { now: T0 })).rejects.toBeInstanceOf(NothingToDo);
      await expect(store.createWorkflow({ source: 'test' }, { now: T0 })).rejects.toBeInstanceOf(InvalidRequest);
      await expect(store.createWorkflow(alert('bad-budget'), { now: T0, budget: { steps: -1 } })).rejects.toBeInstanceOf(InvalidRequest);
      await create(store, 'second');
      await expect(store.createWorkflow(alert('third'), { now: T0, maxQueued: 2 })).rejects.toBeInstanceOf(Backpressure);
      expect((await store.list()).length).toBe(2);
    });

    it('creates exactly one workflow per key when two connections take the same alerts at once', async () => {
      const store = await fresh();
      const other = await connect(store);
      const keys = Array.from({ length: 8 }, (_, i) => `same-${i}`);
      const results = await Promise.all(keys.flatMap((k) => [store.createWorkflow(alert(k), { now: T0 }), other.createWorkflow(alert(k), { now: T0 })]));
      for (const [i, k] of keys.entries()) {
        const [x, y] = [results[2 * i]!, results[2 * i + 1]!];
        expect(x.workflow.id).toBe(y.workflow.id);
        expect([x.created, y.created].filter(Boolean)).toHaveLength(1);
        expect(x.workflow.intakeKey).toBe(k);
      }
      expect(await store.queued()).toBe(keys.length);
      expect((await other.list()).length).toBe(keys.length);
    });

    it('creates exactly one workflow per key when two processes take the same alerts at once', async () => {
      const store = await fresh();
      const [p, q] = await Promise.all([child(store), child(store)]);
      const alerts = Array.from({ length: 12 }, (_, i) => alert(`proc-${i}`));
      type Got = Array<{ id: string; created: boolean; key: string }>;
      const [fromP, fromQ] = await Promise.all([p.request<Got>({ op: 'intake', alerts, now: T0 }), q.request<Got>({ op: 'intake', alerts: [...alerts].reverse(), now: T0 })]);
      const byKey = new Map<string, Got>();
      for (const r of [...fromP, ...fromQ]) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
      expect(byKey.size).toBe(12);
      for (const got of byKey.values()) {
        expect(new Set(got.map((g) => g.id)).size).toBe(1);
        expect(got.filter((g) => g.created)).toHaveLength(1);
      }
      expect(await store.countByState()).toEqual({ RECEIVED: 12 });
      expect(await store.verifyLog()).toMatchObject({ ok: true, events: 12 });
    });

    it('gives each task to exactly one of several worker processes racing for leases', async () => {
      const store = await fresh();
      const ids = new Set<string>();
      for (let i = 0; i < 18; i++) ids.add((await create(store, `race-${i}`, T0 + i)).id);
      const workers = await Promise.all([child(store), child(store), child(store)]);
      // Each worker leases, commits `planned` fenced by its lease and settles the task, until none is ready.
      const step = { events: toPlanned.events, next: { kind: 'settled' as const } };
      const done = await Promise.all(workers.map((w, i) => w.request<string[]>({ op: 'work', owner: `race-host/${w.pid}/${i}`, now: T0 + 100, ms: 600_000, step })));
      const all = done.flat();
      expect(all).toHaveLength(ids.size);
      expect(new Set(all)).toEqual(ids);
      expect(await store.queued()).toBe(0);
      expect(await store.countByState()).toEqual({ PLANNED: ids.size });
      for (const id of ids) expect((await store.events(id)).map((e) => e.type)).toEqual(['created', 'planned']);
      expect(await store.verifyLog()).toMatchObject({ ok: true, events: 2 * ids.size });
    });

    describe('the hash chain', () => {
      async function logged() {
        const store = await fresh();
        const a = await create(store, 'chain-a');
        const b = await create(store, 'chain-b');
        await walk(store, a.id, [toPlanned, toExecuting]);
        await walk(store, b.id, [toPlanned, toExecuting]);
        await store.setKillSwitch('writes', true, 'ops', 'chain test', T0);
        expect(await store.verifyLog()).toMatchObject({ ok: true, events: 7, problem: null });
        return { store, a, b };
      }

      it('detects an edited event', async () => {
        const { store, a } = await logged();
        await adapter.tamper.editData(store, a.id, 2);
        expect(await store.verifyLog()).toMatchObject({ ok: false, problem: expect.stringMatching(/edited|does not link/) });
      });

      it('detects a deleted event in the middle of a workflow', async () => {
        const { store, b } = await logged();
        await adapter.tamper.deleteEvent(store, b.id, 2);
        expect(await store.verifyLog()).toMatchObject({ ok: false, problem: expect.stringMatching(/deleted/) });
      });

      it('detects a workflow\'s newest event deleted', async () => {
        const { store, a } = await logged();
        await adapter.tamper.deleteNewest(store, a.id);
        expect(await store.verifyLog()).toMatchObject({ ok: false, problem: expect.stringMatching(/deleted/) });
      });
    });

    it('exports every event once, in one global order that keeps each chain\'s order', async () => {
      const store = await fresh();
      const ws = await Promise.all(['e-1', 'e-2', 'e-3'].map((k) => create(store, k)));
      const first = await store.checkpoint(T0);
      expect(first).toMatchObject({ events: 3 });
      for (const w of ws) await walk(store, w.id, [toPlanned, toExecuting]);
      await store.setTier('/ws', 'approved-writes', 'ops', T0);
      const exported: ExportedEvent[] = [];
      for await (const e of store.exportLog(T0 + 1)) exported.push(e);
      const verified = await store.verifyLog();
      expect(verified.ok).toBe(true);
      expect(exported.map((e) => e.position)).toEqual(exported.map((_, i) => i + 1));
      expect(exported).toHaveLength(verified.events);
      expect(new Set(exported.map((e) => e.seq)).size).toBe(exported.length);
      for (const w of ws) {
        const mine = exported.filter((e) => e.workflowId === w.id);
        expect(mine.map((e) => e.hash)).toEqual((await store.events(w.id)).map((e) => e.hash));
      }
      // Inside each chain the export links each event to the one before it.
      const last = new Map<string, ExportedEvent>();
      for (const e of exported) {
        const prev = last.get(e.chain);
        if (prev) {
          expect(e.chainSeq).toBeGreaterThan(prev.chainSeq);
          if (e.chainSeq === prev.chainSeq + 1) expect(e.prevHash).toBe(prev.hash);
        }
        last.set(e.chain, e);
      }
      const marks = exported.map((e) => e.checkpoint ?? 0);
      expect(marks).toEqual([...marks].sort((x, y) => x - y));
      const sealed = await store.checkpoint(T0 + 2);
      expect(sealed!.events).toBe(verified.events);
    });

    it('keeps kill switches, tiers and breakers, each change an event; a tier change rechecks held steps', async () => {
      const store = await fresh();
      const head0 = await store.head();
      expect(await store.engagedSwitches()).toEqual(new Set());
      await store.setKillSwitch('writes', true, 'ops', 'incident 42', T0);
      await store.setKillSwitch('network', true, 'ops', 'egress', T0 + 1);
      await store.setKillSwitch('network', false, 'ops', 'fixed', T0 + 2);
      expect(await store.engagedSwitches()).toEqual(new Set(['writes']));
      expect(await store.killSwitches()).toEqual([
        { name: 'network', engaged: false, changedBy: 'ops', changedAt: T0 + 2, reason: 'fixed' },
        { name: 'writes', engaged: true, changedBy: 'ops', changedAt: T0, reason: 'incident 42' },
      ]);
      // A workflow whose write is held by the read-only tier.
      expect(await store.tier('/ws')).toBe('read-only');
      const w = await create(store, 'held');
      await store.commit({ workflowId: w.id, now: T0, events: toPlanned.events });
      const waiting = { kind: 'approval', stepId: 'a', stepIndex: 0, tool: 'fix', input: { target: 'x' }, inputHash: 'h', describe: 'fix x', risk: 'write', reasons: ['write'], policy: 'tier read-only', held: true };
      const held = await walk(store, w.id, [toExecuting, { events: [{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { waiting, reason: 'held' } }], next: { kind: 'settled' } }]);
      expect(held.waiting).toMatchObject({ held: true });
      expect(await store.setTier('', 'approved-writes', 'ops', T0 + 3)).toBe(1); // the workflow's workspace is ''
      expect(await store.tier('')).toBe('approved-writes');
      expect(await store.tier('/ws')).toBe('read-only');
      const rechecked = (await store.view(w.id))!;
      expect(rechecked.state).toBe('EXECUTING');
      expect((await store.events(w.id)).at(-1)).toMatchObject({ type: 'rechecked', actor: 'person', data: { why: 'tier changed to approved-writes by ops', stepId: 'a' } });
      expect(await store.nextReadyAt()).toBe(T0 + 3);
      // Breakers: the rules of engine/control/store/breakerRules.ts over the stored row.
      const cfg = { ...DEFAULT_BREAKER, failureThreshold: 2, cooldownMs: 100 };
      expect(await store.updateBreaker('tool:x', T0, acquire(cfg, T0))).toEqual({ allowed: true, probe: false });
      expect(await store.breakers()).toEqual([]);
      await store.updateBreaker('tool:x', T0, failure(cfg, T0));
      expect(await store.breaker('tool:x')).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
      await store.updateBreaker('tool:x', T0 + 1, failure(cfg, T0 + 1));
      expect(await store.breaker('tool:x')).toEqual({ name: 'tool:x', state: 'open', consecutiveFailures: 2, openedAt: T0 + 1, probeStartedAt: null });
      expect(await store.updateBreaker('tool:x', T0 + 50, acquire(cfg, T0 + 50))).toEqual({ allowed: false, retryInMs: 51 });
      expect(await store.updateBreaker('tool:x', T0 + 101, acquire(cfg, T0 + 101))).toEqual({ allowed: true, probe: true });
      expect(await store.breaker('tool:x')).toMatchObject({ state: 'half-open', probeStartedAt: T0 + 101 });
      await store.updateBreaker('tool:x', T0 + 102, success());
      expect(await store.breakers()).toEqual([{ name: 'tool:x', state: 'closed', consecutiveFailures: 0, openedAt: null }]);
      const exported: ExportedEvent[] = [];
      for await (const e of store.exportLog(T0 + 200)) exported.push(e);
      const system = exported.filter((e) => e.workflowId === null).map((e) => [e.type, e.data]);
      expect(system).toEqual([
        ['kill_switch', { name: 'writes', engaged: true, by: 'ops', reason: 'incident 42' }],
        ['kill_switch', { name: 'network', engaged: true, by: 'ops', reason: 'egress' }],
        ['kill_switch', { name: 'network', engaged: false, by: 'ops', reason: 'fixed' }],
        ['tier', { root: '', tier: 'approved-writes', by: 'ops' }],
        ['breaker', { name: 'tool:x', from: 'closed', to: 'open', consecutiveFailures: 2 }],
        ['breaker', { name: 'tool:x', from: 'open', to: 'half-open', consecutiveFailures: 2 }],
        ['breaker', { name: 'tool:x', from: 'half-open', to: 'closed', consecutiveFailures: 0 }],
      ]);
      expect(await store.head()).toBeGreaterThan(head0);
      expect(await store.verifyLog()).toMatchObject({ ok: true });
    });

    it("decides a person's action on the locked row: a stale input hash changes nothing, two approvals at once give one, the task is queued again with any lease dropped", async () => {
      const store = await fresh();
      const other = await connect(store);
      const w = await create(store, 'person');
      const waiting = { kind: 'approval', stepId: 'a', stepIndex: 0, tool: 'fix', input: { target: 'x' }, inputHash: 'h-right', describe: 'fix x', risk: 'write', reasons: ['write'], policy: 'a write always waits for a person', held: false };
      // It waits with its task still queued, and a worker holds the lease (it would settle the task on its next action).
      await walk(store, w.id, [toPlanned, toExecuting, { events: [{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { waiting, reason: 'approval' } }], next: { kind: 'continue' } }]);
      const worker = (await store.lease('worker', T0, 60_000))!;
      expect(worker.workflowId).toBe(w.id);
      const person = (d: PersonDecision) => (view: WorkflowView) => decidePerson(view, d);
      const before = { view: await store.view(w.id), events: await store.events(w.id), head: await store.head() };
      // A stale approval (the input changed since it was shown) and a decision for another step: refused, nothing written.
      await expect(store.commitDecision(w.id, T0 + 1, person({ kind: 'approve', by: 'alice', ref: { stepId: 'a', inputHash: 'h-stale' } }))).rejects.toThrow(/changed since it was shown/);
      await expect(other.commitDecision(w.id, T0 + 1, person({ kind: 'answer', by: 'alice', value: '1' }))).rejects.toBeInstanceOf(InvalidRequest);
      await expect(store.commitDecision('no-such-workflow', T0 + 1, person({ kind: 'cancel', by: 'alice', note: '' }))).rejects.toBeInstanceOf(UnknownWorkflow);
      expect(await store.view(w.id)).toEqual(before.view);
      expect(await store.events(w.id)).toEqual(before.events);
      expect(await store.head()).toBe(before.head);
      // Two people approve at once, through two connections: one approval is recorded, the other sees it and is refused.
      const approvals = await Promise.allSettled(
        [store, other].map((s, i) => s.commitDecision(w.id, T0 + 2, person({ kind: 'approve', by: `person-${i}`, ref: { stepId: 'a', inputHash: 'h-right' } }))),
      );
      expect(approvals.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = approvals.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(IllegalTransition);
      const approved = (await store.events(w.id)).filter((e) => e.type === 'approved');
      expect(approved).toHaveLength(1);
      expect(approved[0]).toMatchObject({ actor: 'person', from: 'WAITING_FOR_PERSON', to: 'EXECUTING', data: { stepId: 'a', inputHash: 'h-right' } });
      expect((await store.view(w.id))!.approval).toMatchObject({ stepIndex: 0, inputHash: 'h-right' });
      // Handed back to the engine: runnable now, the old lease dropped, so the worker's next commit is fenced off.
      await expect(store.commit({ workflowId: w.id, now: T0 + 3, leaseToken: worker.token, events: [], next: { kind: 'settled' } })).rejects.toBeInstanceOf(LeaseLost);
      expect(await store.nextReadyAt()).toBe(T0 + 2);
      expect((await other.lease('replica', T0 + 3, 60_000))!.workflowId).toBe(w.id);
      // A decision that settles takes the task off the queue; archive leaves it as it is.
      const done = await create(store, 'person-2');
      await walk(store, done.id, [toPlanned, toExecuting, { events: [{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { waiting, reason: 'approval' } }], next: { kind: 'continue' } }]);
      expect((await store.commitDecision(done.id, T0 + 4, person({ kind: 'cancel', by: 'carol', note: 'not needed' }))).state).toBe('CANCELLED');
      expect((await store.commitDecision(done.id, T0 + 5, person({ kind: 'archive', by: 'carol' }))).archived).toBe(true);
      expect(await store.lease('replica', T0 + 6, 60_000)).toBeNull();
      expect(await store.verifyLog()).toMatchObject({ ok: true });
    });

    it('appends on the locked log: racing appends decided on the same events log once; settled workflows with done calls of a tool are found', async () => {
      const store = await fresh();
      const other = await connect(store);
      const ws = '/teams/storage';
      const waiting = { kind: 'approval', stepId: 'b', stepIndex: 1, tool: 'fix', input: {}, inputHash: 'h', describe: 'fix', risk: 'write', reasons: ['write'], policy: 'a write always waits for a person', held: false };
      const silenced = async (key: string, at: number) => {
        const w = (await store.createWorkflow(alert(key), { now: T0, workspace: ws })).workflow;
        await walk(store, w.id, [toPlanned, toExecuting]);
        await store.commit({ workflowId: w.id, now: at, events: [], writes: [{ kind: 'intended', key: `${key}-call`, stepId: 'a', tool: 'alertmanager_silence', input: {} }, { kind: 'finished', key: `${key}-call`, status: 'done', result: { silenceId: `${key}-silence` }, error: null }] });
        await store.commit({ workflowId: w.id, now: at, events: [{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { waiting, reason: 'approval' } }], next: { kind: 'continue' } });
        return w.id;
      };
      const settled = await silenced('am-settled', T0 + 10);
      const waits = await silenced('am-waits', T0 + 10);
      await store.commitDecision(settled, T0 + 20, (view) => decidePerson(view, { kind: 'cancel', by: 'ana', note: 'by hand' }));
      // Only settled workflows of that workspace, with a done call of that tool at or after `since`.
      expect(await other.settledWithDoneCalls(ws, 'alertmanager_silence', T0 + 10)).toEqual([settled]);
      expect(await store.settledWithDoneCalls(ws, 'alertmanager_silence', T0 + 11)).toEqual([]);
      expect(await store.settledWithDoneCalls('/teams/other', 'alertmanager_silence', T0)).toEqual([]);
      expect(await store.settledWithDoneCalls(ws, 'shell', T0)).toEqual([]);
      expect(waits).not.toBe(settled);

      // Four appends at once through two connections, each logging the expiry unless the log has it by then: one is logged.
      const data = { stepId: 'a', silenceId: 'am-settled-silence', outcome: 'expired' };
      const once = (logged: readonly unknown[]) => (logged.some((d) => (d as { silenceId?: unknown }).silenceId === data.silenceId) ? [] : [{ type: 'silence_expired' as const, data }]);
      const head = await store.head();
      const counts = await Promise.all([store, other, store, other].map((s) => s.appendOnEvents(settled, 'silence_expired', T0 + 30, once)));
      expect(counts.sort()).toEqual([0, 0, 0, 1]);
      const logged = (await store.events(settled)).filter((e) => e.type === 'silence_expired');
      expect(logged).toMatchObject([{ type: 'silence_expired', data, from: 'CANCELLED', to: null }]);
      expect(await store.head()).toBeGreaterThan(head);
      // `choose` sees the data of that type only, in log order; nothing chosen commits nothing.
      let seen: readonly unknown[] = [];
      const head2 = await store.head();
      expect(await other.appendOnEvents(settled, 'silence_expired', T0 + 31, (l) => ((seen = l), []))).toBe(0);
      expect(seen).toEqual([data]);
      expect(await store.head()).toBe(head2);
      expect((await store.view(settled))!.state).toBe('CANCELLED');
      await expect(store.appendOnEvents('no-such-workflow', 'silence_expired', T0, once)).rejects.toBeInstanceOf(UnknownWorkflow);
      expect(await store.verifyLog()).toMatchObject({ ok: true });
    });

    it('wakes a subscriber when another connection commits, and the head grows with every commit', async () => {
      const store = await fresh();
      const other = await connect(store);
      const seen: Array<{ head: number; workflowIds: readonly string[] }> = [];
      let wake: () => void = () => undefined;
      const unsubscribe = await store.subscribe((c) => {
        seen.push(c);
        wake();
      });
      const woken = (pred: () => boolean) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`not woken; saw ${JSON.stringify(seen)}`)), 20_000); // a bound for a loaded machine, not a latency check
          wake = () => {
            if (!pred()) return;
            clearTimeout(timer);
            resolve();
          };
          wake();
        });
      const h0 = await store.head();
      const w = (await other.createWorkflow(alert('feed'), { now: T0 })).workflow;
      await woken(() => seen.some((c) => c.workflowIds.includes(w.id)));
      const h1 = await store.head();
      expect(h1).toBeGreaterThan(h0);
      expect(seen.find((c) => c.workflowIds.includes(w.id))!.head).toBeLessThanOrEqual(h1);
      await other.setKillSwitch('shell', true, 'ops', 'feed', T0);
      await woken(() => seen.some((c) => c.workflowIds.length === 0));
      expect(await other.head()).toBeGreaterThan(h1);
      unsubscribe();
      const count = seen.length;
      await other.commit({ workflowId: w.id, now: T0, ...toPlanned });
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toHaveLength(count);
    });

    describe('incident memory', () => {
      it('saves a memory redacted and capped, replaces the same workflow\'s row (also when two connections save it at once), and finds it by its id or its workflow\'s', async () => {
        const store = await fresh();
        const other = await connect(store);
        const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
        const long = memory('wf-secret', 'DiskFull', T0, {
          checked: Array.from({ length: 10 }, (_, i) => ({ what: `cat /etc/app.env # ${'x'.repeat(190)}`, finding: `token ${secret} ${'y'.repeat(250)}`, citation: `tc:${i}` })),
          done: Array.from({ length: 10 }, () => ({ what: `rotate --password=hunter2xyz ${'z'.repeat(170)}`, outcome: 'done', by: 'ana' })),
        });
        expect(JSON.stringify(long).length).toBeGreaterThan(MAX_MEMORY_CHARS);
        expect(await store.saveMemory('/ws', long, T0 + 1)).toBe(memoryIdOf('wf-secret'));
        const stored = (await store.getMemory(memoryIdOf('wf-secret')))!;
        expect(stored).toMatchObject({ id: memoryIdOf('wf-secret'), workspace: '/ws', rememberedAt: T0 + 1 });
        expect(await store.getMemory('wf-secret')).toEqual(stored);
        const text = JSON.stringify(stored.memory);
        expect(text.length).toBeLessThanOrEqual(MAX_MEMORY_CHARS);
        expect(text).not.toContain(secret);
        expect(text).not.toContain('hunter2xyz');
        expect(text).toContain('[REDACTED:github_token]');
        expect(stored.memory.checked.length).toBeGreaterThan(0);

        // The same workflow settles again (escalated, then resolved): one row, the newer memory.
        await store.saveMemory('/ws', memory('wf-1', 'DiskFull', T0 + 10, { state: 'ESCALATED' }), T0 + 11);
        await store.saveMemory('/ws', memory('wf-1', 'DiskFull', T0 + 20), T0 + 21);
        expect((await store.getMemory('wf-1'))!.memory).toMatchObject({ state: 'COMPLETED', settledAt: T0 + 20 });
        // Two replicas remembering the same workflow at once leave one row.
        const twice = await Promise.all([store.saveMemory('/ws', memory('wf-2', 'DiskFull', T0 + 30), T0 + 31), other.saveMemory('/ws', memory('wf-2', 'DiskFull', T0 + 30), T0 + 32)]);
        expect(twice).toEqual([memoryIdOf('wf-2'), memoryIdOf('wf-2')]);
        expect((await other.listMemories()).map((m) => m.id)).toEqual([memoryIdOf('wf-2'), memoryIdOf('wf-1'), memoryIdOf('wf-secret')]);
        expect(await store.getMemory('mem-none')).toBeNull();
        // Saving is no event: the log is as it was.
        expect(await store.verifyLog()).toMatchObject({ ok: true, events: 0 });
      });

      it('gives recall its candidates: the same alertname newest first, then the workspace\'s other recent ones; lists newest first', async () => {
        const store = await fresh();
        await store.saveMemory('/ws', memory('wf-old', 'DiskFull', T0 + 1), T0);
        await store.saveMemory('/ws', memory('wf-new', 'DiskFull', T0 + 3), T0);
        await store.saveMemory('/ws', memory('wf-latency', 'HighLatency', T0 + 2), T0);
        await store.saveMemory('/ws', memory('wf-cpu', 'HighCpu', T0 + 4), T0);
        await store.saveMemory('/ws/other', memory('wf-elsewhere', 'DiskFull', T0 + 5), T0);
        const ids = (list: Array<{ memory: IncidentMemory }>) => list.map((m) => m.memory.workflowId);
        expect(ids(await store.memoriesFor('/ws', 'DiskFull', 10))).toEqual(['wf-new', 'wf-old', 'wf-cpu', 'wf-latency']);
        expect(ids(await store.memoriesFor('/ws', 'DiskFull', 1))).toEqual(['wf-new', 'wf-cpu']);
        expect(ids(await store.memoriesFor('/ws/none', 'DiskFull', 10))).toEqual([]);
        expect(ids(await store.listMemories())).toEqual(['wf-elsewhere', 'wf-cpu', 'wf-new', 'wf-latency', 'wf-old']);
        expect(ids(await store.listMemories({ workspace: '/ws', limit: 2 }))).toEqual(['wf-cpu', 'wf-new']);
        // The shared recall over them (engine/memory/incidents/inStore.ts): the same alert only, best first.
        const request = { title: 'disk almost full', labels: { alertname: 'DiskFull', service: 'api' } };
        expect((await recallForInStore(store, '/ws', request)).map((r) => [r.id, r.shared])).toEqual([
          [memoryIdOf('wf-new'), ['alertname', 'service']],
          [memoryIdOf('wf-old'), ['alertname', 'service']],
        ]);
        expect((await recallForInStore(store, '/ws', request, { exclude: 'wf-new', before: T0 + 3 })).map((r) => r.id)).toEqual([memoryIdOf('wf-old')]);
      });

      it('forgets a memory: the row goes and a memory_forgotten event (no content) joins the verified log in the same commit; it is never saved again', async () => {
        const store = await fresh();
        const other = await connect(store);
        await store.saveMemory('/ws', memory('wf-1', 'DiskFull', T0), T0);
        await store.saveMemory('/ws', memory('wf-2', 'DiskFull', T0 + 1), T0);
        const head0 = await store.head();
        const forgotten = await other.forgetMemory(memoryIdOf('wf-1'), 'ana', T0 + 5);
        expect(forgotten).toMatchObject({ id: memoryIdOf('wf-1'), workflowId: 'wf-1' });
        expect(forgotten.seq).toBeGreaterThan(0);
        expect(await store.head()).toBeGreaterThan(head0);
        expect(await store.getMemory('wf-1')).toBeNull();
        expect((await store.listMemories()).map((m) => m.id)).toEqual([memoryIdOf('wf-2')]);
        // By the workflow's id too; an unknown one is refused, changing nothing.
        await expect(store.forgetMemory('wf-1', 'ana', T0 + 6)).rejects.toBeInstanceOf(UnknownMemory);
        await expect(store.forgetMemory('mem-none', 'ana', T0 + 6)).rejects.toThrow(/no incident memory mem-none/);
        expect((await store.forgetMemory('wf-2', 'bo', T0 + 7)).id).toBe(memoryIdOf('wf-2'));
        const exported: ExportedEvent[] = [];
        for await (const e of store.exportLog(T0 + 10)) exported.push(e);
        expect(exported.map((e) => [e.type, e.workflowId, e.actor, e.data])).toEqual([
          [FORGOTTEN_EVENT, null, 'person', { memoryId: memoryIdOf('wf-1'), workflowId: 'wf-1', workspace: '/ws', by: 'ana' }],
          [FORGOTTEN_EVENT, null, 'person', { memoryId: memoryIdOf('wf-2'), workflowId: 'wf-2', workspace: '/ws', by: 'bo' }],
        ]);
        expect(JSON.stringify(exported)).not.toMatch(/gzip|97%/);
        expect(await store.verifyLog()).toMatchObject({ ok: true, events: 2 });
        // A replica remembering it later (a retry settled it again) stores nothing: forgotten stays forgotten.
        expect(await other.saveMemory('/ws', memory('wf-1', 'DiskFull', T0 + 20), T0 + 20)).toBeNull();
        expect(await store.getMemory('wf-1')).toBeNull();
      });

      it('catches up on settled workflows without a memory, never on forgotten or unsettled ones; remembers each from its record', async () => {
        const store = await fresh();
        const clock = new ManualClock(T0);
        const rt: Runtime = { store, tools: new ToolRegistry([tool('probe', 'read'), tool('fix', 'write')]), clock, owner: `${os.hostname()}/${process.pid}/memory` };
        const ids: string[] = [];
        for (const key of ['mem-a', 'mem-b', 'mem-c']) {
          clock.advance(1000);
          ids.push((await store.createWorkflow(alert(key, { labels: { alertname: 'DiskFull', service: 'api', target: key } }), { now: clock.now(), workspace: '/ws' })).workflow.id);
          await drain(rt);
        }
        clock.advance(1000);
        const waiting = (await store.createWorkflow(alert('mem-open', { labels: { alertname: 'DiskFull', target: 'open' } }), { now: clock.now(), workspace: '/ws' })).workflow.id;
        expect(await Promise.all(ids.map(async (id) => (await store.view(id))!.state))).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
        expect(await store.settledWithoutMemory('/ws', 10)).toEqual([...ids].reverse());
        expect(await store.settledWithoutMemory('/ws', 1)).toEqual([ids[2]]);
        expect(await store.settledWithoutMemory(null, 10)).toEqual([...ids].reverse());
        expect(await store.settledWithoutMemory('/ws/other', 10)).toEqual([]);
        expect(await rememberWorkflowInStore(store, waiting, clock.now())).toBeNull();

        expect(await rememberWorkflowInStore(store, ids[0]!, clock.now())).toBe(memoryIdOf(ids[0]!));
        const first = (await store.getMemory(ids[0]!))!;
        expect(first.memory).toMatchObject({ workflowId: ids[0], alertname: 'DiskFull', labels: { alertname: 'DiskFull', service: 'api' }, state: 'COMPLETED' });
        expect(first.workspace).toBe('/ws');
        // What the diagnostic showed (its finding, citing its call), and the fix as done.
        expect(first.memory.checked.map((c) => c.finding)).toEqual([JSON.stringify({ call: 1, target: 'mem-a', tool: 'probe' })]);
        expect(first.memory.done.map((d) => d.outcome)).toEqual(['done']);
        expect(await rememberWorkflowInStore(store, ids[1]!, clock.now())).toBe(memoryIdOf(ids[1]!));
        await store.forgetMemory(ids[1]!, 'ana', clock.now());
        expect(await store.settledWithoutMemory('/ws', 10)).toEqual([ids[2]]);
        expect(await catchUpInStore(store, '/ws', 20, clock.now())).toBe(1);
        expect(await catchUpInStore(store, '/ws', 20, clock.now())).toBe(0);
        expect(await store.settledWithoutMemory(null, 10)).toEqual([]);
        expect(await store.getMemory(ids[1]!)).toBeNull();
        expect(await rememberWorkflowInStore(store, ids[1]!, clock.now())).toBeNull();

        // What a planner and the view read: the earlier incidents, never the forgotten one nor the asker itself.
        const request = (await store.view(waiting))!.request;
        const lines = await recallForPlanningInStore(store, '/ws', request, waiting, clock.now());
        expect(lines.map((l) => l.workflowId)).toEqual([ids[2], ids[0]]);
        expect(lines[0]!.text).toMatch(/^disk full mem-c, .+ ago: completed \(verification [a-z-]+\) in .+\. Checked: /);
        expect((await recallForInStore(store, '/ws', request, { exclude: waiting })).map((r) => r.id)).toEqual([memoryIdOf(ids[2]!), memoryIdOf(ids[0]!)]);
        expect(await store.verifyLog()).toMatchObject({ ok: true });
      });
    });
  });
}
