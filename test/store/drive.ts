// A minimal runtime over a ControlStore: lease, read, let the real decision core (engine/control/workflow/core) decide,
// perform its effect (plan, tool call), commit its Outcome. It is what the orchestrator does, minus breakers,
// timeouts, heartbeats and loops, and shows the interface carries everything the core needs: the core's facts are
// synchronous, so the tool-call records and kill switches are read from the store before each decision.
import { z } from 'zod';
import type { KillSwitchName, SnapshotHit } from '../../protocol/workflow';
import type { ControlStore, Lease, Next, WorkflowView } from '../../engine/control/store/types';
import type { ManualClock } from '../../engine/control/workflow/clock';
import { seededRandom } from '../../engine/control/workflow/clock';
import { act, callFailed, callFinished, callStarted, planFailed, planned, type CoreConfig, type Facts, type Outcome } from '../../engine/control/workflow/core';
import { classify, ClassifiedError, messageOf } from '../../engine/control/workflow/failures';
import type { Planner, PlanRequest, PlanResult } from '../../engine/control/workflow/planner';
import { DEFAULT_RETRY_POLICIES } from '../../engine/control/workflow/retry';
import { isSettled } from '../../engine/control/workflow/states';
import { ToolRegistry, type AnyTool, type ToolOutput } from '../../engine/control/workflow/tool';

const Input = z.object({ target: z.string() }).strict();

/** A tool whose n-th call (1-based, over all its calls) fails transiently when `failOn` says so. */
export function tool(name: string, risk: 'read' | 'write', failOn: (call: number) => boolean = () => false): AnyTool & { calls: number } {
  const t = {
    name,
    risk,
    toolClass: 'other' as const,
    idempotent: false,
    input: Input,
    calls: 0,
    async run(input: z.infer<typeof Input>): Promise<ToolOutput> {
      t.calls++;
      if (failOn(t.calls)) throw new ClassifiedError('transient', `${name} failed (call ${t.calls})`);
      return { output: { tool: name, target: input.target, call: t.calls } };
    },
  };
  return t;
}

/** Plans probe (read) then fix (write) on the alert's `target` label, and says what retrieval showed it. */
export const planner: Planner = {
  name: 'store-test',
  provider: 'none',
  async plan(input: PlanRequest): Promise<PlanResult> {
    const target = input.request.labels.target ?? 'disk';
    const snapshot: SnapshotHit[] = [
      { chunkId: 'c1', docId: 'runbooks/disk.md', docVersion: 'v1', score: 0.91, stale: false, root: '/ws', startLine: 3, endLine: 12, heading: 'Disk full' },
      { chunkId: 'c2', docId: 'runbooks/logs.md', docVersion: 'v7', score: 0.5, stale: true },
    ];
    return {
      plan: {
        summary: `fix ${target}`,
        steps: [
          { id: 'probe', tool: 'probe', input: { target }, risk: 'read', phase: 'diagnose', rationale: 'look first' },
          { id: 'fix', tool: 'fix', input: { target }, risk: 'write', phase: 'mitigate', rationale: 'then fix' },
        ],
      },
      tokens: 7,
      snapshot,
    };
  },
};

export interface Runtime {
  readonly store: ControlStore;
  readonly tools: ToolRegistry;
  readonly clock: ManualClock;
  readonly owner: string;
}

const core: CoreConfig = { plannerProvider: 'none', plannerName: 'store-test', decides: false, maxReplans: 1, resolveWaitMs: 60_000, retry: DEFAULT_RETRY_POLICIES };
const random = seededRandom(7);

function blocking(on: ReadonlySet<KillSwitchName>, t: AnyTool, risk: 'read' | 'write'): KillSwitchName | null {
  if (risk === 'write' && on.has('writes')) return 'writes';
  if (t.toolClass === 'network' && on.has('network')) return 'network';
  if (t.toolClass === 'shell' && on.has('shell')) return 'shell';
  return null;
}

async function factsFor(rt: Runtime, view: WorkflowView): Promise<Facts> {
  const calls = new Map((await rt.store.toolCalls(view.id)).map((c) => [c.key, { key: c.key, status: c.status, attempts: c.attempts, result: c.result }]));
  const on = await rt.store.engagedSwitches();
  return {
    now: rt.clock.now(),
    random,
    tools: rt.tools,
    toolCall: (key) => calls.get(key) ?? null,
    policy: () => ({ action: 'allow', reason: 'test', by: 'test' }),
    untrusted: () => null,
    killSwitch: (t, risk) => blocking(on, t, risk),
  };
}

/** The orchestrator's apply(): one Outcome, one commit, fenced by the lease. */
async function apply(rt: Runtime, view: WorkflowView, lease: Lease, outcome: Outcome): Promise<Next> {
  const { events, next, writes = [] } = outcome;
  if (events.length === 0) {
    if (next.kind === 'later') await rt.store.release(lease, next.at);
    return next;
  }
  await rt.store.commit({ workflowId: view.id, now: rt.clock.now(), leaseToken: lease.token, events, writes, next });
  return next;
}

/** Leases one ready task and advances its workflow until it must wait; null when nothing is ready. */
export async function tick(rt: Runtime): Promise<string | null> {
  const lease = await rt.store.lease(rt.owner, rt.clock.now(), 30_000);
  if (!lease) return null;
  for (;;) {
    const view = await rt.store.view(lease.workflowId);
    if (!view || isSettled(view.state)) {
      await rt.store.finish(lease);
      return lease.workflowId;
    }
    const facts = await factsFor(rt, view);
    const action = act(view, facts, core);
    let next: Next;
    if ('outcome' in action) next = await apply(rt, view, lease, action.outcome);
    else if (action.effect.kind === 'plan') {
      let outcome: Outcome;
      try {
        outcome = planned(view, facts, core, await planner.plan(action.effect.request, new AbortController().signal));
      } catch (error) {
        outcome = planFailed(view, facts, core, classify(error), messageOf(error), 0);
      }
      next = await apply(rt, view, lease, outcome);
    } else if (action.effect.kind === 'call') {
      const call = action.effect;
      await apply(rt, view, lease, callStarted(call, false));
      const started = (await rt.store.view(view.id))!;
      let outcome: Outcome;
      try {
        outcome = callFinished(started, call, await call.tool.run(call.input, new AbortController().signal, { key: call.key, workflowId: view.id, stepId: call.step.id }));
      } catch (error) {
        outcome = callFailed(started, await factsFor(rt, started), core, call, classify(error), error);
      }
      next = await apply(rt, started, lease, outcome);
    } else throw new Error('this planner never decides');
    if (next.kind !== 'continue') return lease.workflowId;
  }
}

/** Runs until the queue is empty, moving the manual clock to each scheduled retry. */
export async function drain(rt: Runtime, maxTicks = 200): Promise<number> {
  let ticks = 0;
  while (ticks < maxTicks) {
    if (await tick(rt)) {
      ticks++;
      continue;
    }
    const at = await rt.store.nextReadyAt();
    if (at === null) break;
    rt.clock.set(Math.max(rt.clock.now(), at));
  }
  return ticks;
}
