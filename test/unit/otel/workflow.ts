import { approve } from '../../../engine/control/workflow/person';
import type { Planner } from '../../../engine/control/workflow/planner';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { fixture, scriptedTool } from '../workflow/fixtures';

/** A planner that reports what a model-backed planner reports: model, tokens, route and what it retrieved. */
const modelPlanner: Planner = {
  name: 'llm:gpt-4o-mini',
  provider: 'openai:api.openai.com',
  async plan() {
    return {
      plan: {
        summary: 'check the disk, then restart the writer',
        steps: [
          { id: 'check-disk', tool: 'check', input: { target: 'db-1' }, phase: 'diagnose' },
          { id: 'restart-writer', tool: 'restart', input: { target: 'db-1' }, phase: 'mitigate' },
        ],
      },
      tokens: 1234,
      trace: { model: 'gpt-4o-mini', templateVersion: 'v1', inputTokens: 1000, outputTokens: 234, route: { choice: 'fast:llm:gpt-4o-mini', reason: 'ambiguous retrieval' } },
      snapshot: [
        { chunkId: 'chunk-a', docId: 'runbooks/disk-full.md', docVersion: 'v-a', score: 0.91, stale: false },
        { chunkId: 'chunk-b', docId: 'runbooks/restart.md', docVersion: 'v-b', score: 0.72, stale: true },
      ],
    };
  },
};

/**
 * A real workflow in a real SQLite file, driven by a manual clock: planned by a model, a read that runs, a
 * write that waits 5 s for a person's approval, fails once (transient) and succeeds on its retry.
 */
export async function tracedWorkflow() {
  const check = scriptedTool('check');
  const restart = scriptedTool('restart', { risk: 'write' }, (n) => {
    if (n === 1) throw new ClassifiedError('transient', 'HTTP 503 from the writer');
    return { output: { ok: true } };
  });
  const f = fixture([check, restart], modelPlanner, {
    policy: (call) => (call.tool.name === 'restart' ? { action: 'approve', reason: 'writes wait for a person', by: 'tier approved-writes' } : { action: 'allow', reason: 'read-only', by: 'tier' }),
  });
  const id = f.start({ alertname: 'DiskFull' });
  await f.orchestrator.drain();
  f.clock.advance(5000);
  approve(f.db, id, 'ana', f.clock);
  await f.orchestrator.drain();
  f.clock.advance(60_000);
  await f.orchestrator.drain();
  return { ...f, id };
}
