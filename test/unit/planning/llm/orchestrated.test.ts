import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyCall, PolicyDecision } from '../../../../engine/control/workflow/orchestrator';
import { ScriptedLlm, destructiveAsRead, goodPlan, malformedJson, serverError, slow, step, tooManyRequests, unknownTool, type Behaviour } from '../../../support/scriptedLlm';
import { ALERT, askTool, context, llmPlanner, shellTool } from './setup';
import { assertConsistent, eventData, fixture, stateOf } from '../../workflow/fixtures';

let server: ScriptedLlm | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Writes wait for a person, as the real gate does; reads run. */
const writesNeedApproval = (call: PolicyCall): PolicyDecision =>
  call.risk === 'write' ? { action: 'approve', reason: 'a write always waits for a person', by: 'test' } : { action: 'allow', reason: 'read', by: 'test' };

async function run(behaviours: Behaviour[], planTimeoutMs = 10_000) {
  server = await ScriptedLlm.start(behaviours);
  const shell = shellTool();
  const tools = [shell, askTool()];
  const f = fixture(tools, llmPlanner(server, context(tools)), { planTimeoutMs, policy: writesNeedApproval });
  const { source, title, labels, annotations } = ALERT;
  const id = f.start(labels, { source, title, annotations });
  await f.orchestrator.drain();
  return { f, id, shell, view: stateOf(f.db, id), failures: eventData(f.db, id, 'plan_failed') };
}

describe('LlmPlanner under the orchestrator, against a scripted OpenAI-compatible server', () => {
  it('plans, runs the read-only diagnosis, and records the trace and tokens with the plan', async () => {
    const { f, id, shell, view } = await run([goodPlan()]);
    expect(view.state).toBe('COMPLETED');
    expect(shell.calls).toEqual(['df -h /var/lib/data']);
    const [planned] = eventData(f.db, id, 'planned');
    expect(planned).toMatchObject({ tokens: 1540, planner: 'llm:scripted', trace: { model: 'scripted-7b', templateVersion: 'v1', inputTokens: 1200, outputTokens: 340 } });
    expect(planned!.plan).toMatchObject({ steps: [{ id: 'check-disk', source: { path: 'runbooks/disk-full.md', chunkId: '101' } }] });
    assertConsistent(f.db);
  });

  it('re-plans after malformed JSON quoting the parse error, then escalates after the bound', async () => {
    const { f, view, failures } = await run([malformedJson(), malformedJson(), malformedJson()]);
    expect(view.state).toBe('ESCALATED');
    expect(view.reason).toContain('model output is not JSON');
    expect(failures.map((d) => [d.class, d.replan])).toEqual([
      ['validation', true],
      ['validation', true],
    ]);
    expect(server!.received).toHaveLength(3);
    expect(server!.userPrompt(0)).not.toContain('This is a re-plan');
    for (const i of [1, 2]) expect(server!.userPrompt(i)).toMatch(/Why the engine refused the previous plan:\n\n```data\nmodel output is not JSON: /);
    assertConsistent(f.db);
  });

  it('re-plans a plan naming an unknown tool, quoting "unknown tool", and runs the corrected plan', async () => {
    const { f, view } = await run([unknownTool(), goodPlan()]);
    expect(view.state).toBe('COMPLETED');
    expect(server!.userPrompt(1)).toContain('invalid plan: step wipe: unknown tool format_disk');
    assertConsistent(f.db);
  });

  it('keeps a destructive command claimed as a read away from the tool until a person approves it', async () => {
    const { f, id, shell, view } = await run([destructiveAsRead()]);
    expect(view.state).toBe('WAITING_FOR_PERSON');
    expect(shell.calls).toEqual([]);
    const [planned] = eventData(f.db, id, 'planned');
    // The model's claim is kept as it said it (for audit); the engine's own assessment decides.
    expect(planned!.plan).toMatchObject({ steps: [{ input: { command: 'rm -rf /var/lib/data' }, risk: 'read' }] });
    expect(view.waiting).toMatchObject({ kind: 'approval', risk: 'write' });
    assertConsistent(f.db);
  });

  it('retries a model that answers after the plan timeout twice with backoff, then escalates', async () => {
    const { f, view, failures } = await run([slow(30_000), slow(30_000), slow(30_000)], 200);
    expect(view.state).toBe('ESCALATED');
    expect(view.reason).toContain('planning failed (model_timeout)');
    expect(failures.map((d) => [d.class, d.retryInMs])).toEqual([
      ['model_timeout', 1000],
      ['model_timeout', 2000],
    ]);
    assertConsistent(f.db);
  });

  it('retries HTTP 500 as transient and recovers when the server does', async () => {
    const { f, view, failures } = await run([serverError(), serverError(), goodPlan()]);
    expect(view.state).toBe('COMPLETED');
    expect(failures.map((d) => d.class)).toEqual(['transient', 'transient']);
    assertConsistent(f.db);
  });

  it('escalates when HTTP 500 outlasts the transient retries', async () => {
    const { f, view, failures } = await run([serverError(), serverError(), serverError(), serverError()]);
    expect(view.state).toBe('ESCALATED');
    expect(failures).toHaveLength(3);
    expect(view.reason).toContain('planning failed (transient)');
    expect(view.reason).toContain('HTTP 500: model runner crashed');
    assertConsistent(f.db);
  });

  it('waits at least the Retry-After of a 429 before trying again', async () => {
    const { f, view, failures } = await run([tooManyRequests('45'), goodPlan()]);
    expect(view.state).toBe('COMPLETED');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.class).toBe('transient');
    expect(failures[0]!.retryInMs as number).toBeGreaterThanOrEqual(45_000);
    assertConsistent(f.db);
  });

  it('plans an ask_person step with an answer marker and waits for the answer', async () => {
    const ask = step('ask-volume', 'ask_person', { name: 'VOLUME', question: 'Which volume is full?' }, { sourceId: null });
    const check = step('check-volume', 'shell', { command: 'df -h {{answer:VOLUME}}' });
    const { f, view } = await run([goodPlan([ask, check])]);
    expect(view.state).toBe('WAITING_FOR_PERSON');
    expect(view.waiting).toMatchObject({ kind: 'question', name: 'VOLUME' });
    assertConsistent(f.db);
  });
});
