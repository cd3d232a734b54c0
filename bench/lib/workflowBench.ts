// Shared pieces of the workflow benchmarks: fast no-op tools, a bulk filler, percentiles.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Db } from '../../engine/control/db/open';
import { markFinished, markIntended } from '../../engine/control/store/sqlite/toolCalls';
import { toolCallKey } from '../../engine/control/workflow/canonical';
import { commit } from '../../engine/control/store/sqlite/commit';
import { schedule, unschedule } from '../../engine/control/store/sqlite/queue';
import type { EventDraft } from '../../engine/control/workflow/reducer';
import type { AnyTool } from '../../engine/control/workflow/tool';
import { DEFAULT_BUDGET } from '../../engine/control/workflow/budget';
import { randomUUID } from 'node:crypto';

export const Target = z.object({ target: z.string() }).strict();

/** In-process tool that returns at once and records when each call started and ended. */
export function timedTool(name: string, risk: 'read' | 'write', marks: Array<[number, number, string]>): AnyTool {
  return {
    name,
    risk,
    toolClass: 'other',
    idempotent: false,
    input: Target,
    async run(_input, _signal, call) {
      const t0 = performance.now();
      const out = { output: { ok: true } };
      marks.push([t0, performance.now(), call.workflowId]);
      return out;
    },
  };
}

export function runbook(steps: number) {
  return { bench: Array.from({ length: steps }, (_, i) => ({ id: `s${i}`, tool: 'noop', input: { target: `t${i}` } })) };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Stores `count` completed workflows of `steps` steps through the engine's own commit path (reducer, chained
 * log, tool-call records), batched in large transactions so 100k workflows take seconds, not minutes.
 */
export function fillCompleted(db: Db, count: number, steps: number, startMs: number): void {
  const plan = { summary: 'fill', steps: runbook(steps).bench.map((s) => ({ ...s, approval: false })) };
  const batch = db.transaction((n: number) => {
    for (let k = 0; k < n; k++) {
      const id = randomUUID();
      const now = startMs;
      const request = { source: 'fill', title: `stored ${id}`, severity: 'warning' as const, labels: { runbook: 'bench' }, body: '' };
      commit(db, { workflowId: id, now, also: () => schedule(db, id, now) }, [{ type: 'created', to: 'RECEIVED', data: { request, intakeKey: null, budget: DEFAULT_BUDGET } }]);
      const drafts: EventDraft[] = [
        { type: 'planned', to: 'PLANNED', data: { plan, planVersion: 1, tokens: 0, planner: 'runbook' } },
        { type: 'executing', to: 'EXECUTING' },
      ];
      commit(db, { workflowId: id, now }, drafts);
      for (const s of plan.steps) {
        const key = toolCallKey(id, s.id, s.tool, s.input);
        commit(db, { workflowId: id, now, also: () => markIntended(db, { key, workflowId: id, stepId: s.id, tool: s.tool, input: s.input, now }) }, [
          { type: 'step_started', to: 'WAITING_FOR_TOOL', data: { stepId: s.id, tool: s.tool, key } },
        ]);
        commit(db, { workflowId: id, now, also: () => markFinished(db, key, 'done', now, { ok: true }, null) }, [{ type: 'step_done', to: 'EXECUTING', actor: 'tool', data: { stepId: s.id, key } }]);
      }
      commit(db, { workflowId: id, now, also: () => unschedule(db, id) }, [
        { type: 'validating', to: 'VALIDATING' },
        { type: 'completed', to: 'COMPLETED' },
      ]);
    }
  });
  for (let done = 0; done < count; done += 1000) batch.immediate(Math.min(1000, count - done));
}
