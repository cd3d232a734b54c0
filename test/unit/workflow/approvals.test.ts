import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decide } from '../../../engine/control/policy/gate';
import type { Tier } from '../../../engine/control/policy/schema';
import { getTier, setTier } from '../../../engine/control/store/sqlite/tiers';
import { classifyCommand } from '../../../engine/execution/risk';
import { shellQuote } from '../../../engine/execution/tools/quote';
import { NothingToDo } from '../../../engine/control/workflow/errors';
import { setKillSwitch } from '../../../engine/control/store/sqlite/killSwitch';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { intake } from '../../../engine/control/store/sqlite/intake';
import type { PolicyCall } from '../../../engine/control/workflow/orchestrator';
import { answer, approve, edit, reject } from '../../../engine/control/workflow/person';
import type { Planner, PlanRequest } from '../../../engine/control/workflow/planner';
import type { PlanStepInput } from '../../../engine/control/workflow/plan';
import type { AnyTool } from '../../../engine/control/workflow/tool';
import { assertConsistent, eventData, fixture, stateOf } from './fixtures';

/** A shell-shaped tool that records commands instead of running them: this file tests the orchestration. */
function commandTool() {
  const ran: string[] = [];
  const tool: AnyTool = {
    name: 'shell',
    risk: 'write',
    toolClass: 'shell',
    idempotent: false,
    input: z.object({ command: z.string() }).strict(),
    assess: (i: { command: string }) => classifyCommand(i.command),
    quote: shellQuote,
    describe: (i: { command: string }) => i.command,
    async run(i: { command: string }) {
      ran.push(i.command);
      return { output: { exitCode: 0, stdout: i.command === 'du -sm logs' ? '7\n' : '', stderr: '' } };
    },
  };
  const ask: AnyTool = {
    name: 'ask_person',
    risk: 'read',
    toolClass: 'other',
    idempotent: true,
    input: z.object({ name: z.string(), question: z.string() }).strict(),
    async run() {
      throw new Error('never run');
    },
  };
  return { tools: [tool, ask], ran };
}

/** Plans the given steps, minus rejected ones; nothing left to mitigate -> a permanent failure (escalates). */
function stepsPlanner(steps: PlanStepInput[], requests: PlanRequest[] = []): Planner {
  return {
    name: 'steps',
    provider: 'none',
    async plan(req) {
      requests.push(req);
      const left = steps.filter((s) => !req.rejected.some((r) => r.stepId === s.id));
      if (!left.some((s) => s.phase === 'mitigate')) throw new ClassifiedError('permanent', 'nothing left to try');
      return { plan: { summary: 'test', steps: left } };
    },
  };
}

const gate = (tier: Tier) => (c: PolicyCall) => decide({ tool: c.tool.name, risk: c.risk, input: c.input }, { tier });
const sh = (id: string, command: string, phase: 'diagnose' | 'mitigate' | 'verify' = 'diagnose', extra: Partial<PlanStepInput> = {}): PlanStepInput => ({
  id,
  tool: 'shell',
  input: { command },
  phase,
  ...extra,
});

describe('approvals, questions and rejections', () => {
  it('runs reads, stops at the write with the exact command and why, and runs it after approval', async () => {
    const { tools, ran } = commandTool();
    const f = fixture(tools, stepsPlanner([sh('usage', 'du -sm logs'), sh('compress', "find logs -name '*.log' -exec gzip {} +", 'mitigate')]), { policy: gate('approved-writes') });
    const id = f.start();
    await f.orchestrator.drain();
    const view = stateOf(f.db, id);
    expect(view.state).toBe('WAITING_FOR_PERSON');
    expect(ran).toEqual(['du -sm logs']);
    expect(view.waiting).toMatchObject({ kind: 'approval', stepId: 'compress', risk: 'write', describe: "find logs -name '*.log' -exec gzip {} +", policy: 'a write always waits for a person' });
    expect(view.waiting?.kind === 'approval' && view.waiting.reasons.join(' ')).toMatch(/gzip/);
    approve(f.db, id, 'ana', f.clock, { stepId: 'compress', inputHash: view.waiting?.kind === 'approval' ? view.waiting.inputHash : '' });
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    expect(ran).toHaveLength(2);
    assertConsistent(f.db);
  });

  it('refuses an approval for another step or for an input that changed since it was shown', async () => {
    const { tools } = commandTool();
    const f = fixture(tools, stepsPlanner([sh('restart', 'systemctl restart checkout', 'mitigate')]), { policy: gate('approved-writes') });
    const id = f.start();
    await f.orchestrator.drain();
    expect(() => approve(f.db, id, 'ana', f.clock, { stepId: 'other' })).toThrow(/waits on step restart, not other/);
    expect(() => approve(f.db, id, 'ana', f.clock, { inputHash: 'f'.repeat(64) })).toThrow(/changed since it was shown/);
    expect(stateOf(f.db, id).state).toBe('WAITING_FOR_PERSON');
  });

  it('an edited command is classified and checked again before it can run: an edit cannot smuggle approval', async () => {
    const { tools, ran } = commandTool();
    const f = fixture(tools, stepsPlanner([sh('restart', 'systemctl restart checkout', 'mitigate')]), { policy: gate('approved-writes') });
    const id = f.start();
    await f.orchestrator.drain();
    const first = stateOf(f.db, id).waiting;
    edit(f.db, id, 'restart', { command: 'systemctl restart checkout && rm -rf /srv' }, 'ana', f.clock);
    await f.orchestrator.drain();
    const second = stateOf(f.db, id);
    expect(second.state).toBe('WAITING_FOR_PERSON');
    expect(second.waiting).toMatchObject({ kind: 'approval', describe: 'systemctl restart checkout && rm -rf /srv' });
    expect(second.waiting?.kind === 'approval' && first?.kind === 'approval' && second.waiting.inputHash !== first.inputHash).toBe(true);
    expect(ran).toEqual([]);
    // Edited into a read: policy lets it run without an approval.
    edit(f.db, id, 'restart', { command: 'systemctl status checkout' }, 'ana', f.clock);
    await f.orchestrator.drain();
    expect(ran).toEqual(['systemctl status checkout']);
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    assertConsistent(f.db);
  });

  it('a rejected step is declined and the workflow goes on from the next step, edits and the rest of the plan kept', async () => {
    const requests: PlanRequest[] = [];
    const { tools, ran } = commandTool();
    const steps = [sh('usage', 'du -sm logs'), sh('compress', 'gzip logs/a.log', 'mitigate'), sh('delete', 'rm logs/a.log', 'mitigate'), sh('check', 'du -sm logs', 'verify')];
    const f = fixture(tools, stepsPlanner(steps, requests), { policy: gate('approved-writes'), maxReplans: 3 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).waiting).toMatchObject({ kind: 'approval', stepId: 'compress' });
    reject(f.db, id, 'ana', 'compress on the archive host instead', f.clock);
    await f.orchestrator.drain();
    // No re-plan: the same plan goes on at the next step.
    expect(requests).toHaveLength(1);
    expect(stateOf(f.db, id)).toMatchObject({ planVersion: 1, waiting: { kind: 'approval', stepId: 'delete' }, skipped: { compress: { reason: 'declined by ana: compress on the archive host instead' } } });
    expect(ran).toEqual(['du -sm logs']);
    edit(f.db, id, 'delete', { command: 'rm logs/a.log.gz' }, 'ana', f.clock);
    await f.orchestrator.drain();
    approve(f.db, id, 'ana', f.clock);
    await f.orchestrator.drain();
    expect(ran).toEqual(['du -sm logs', 'rm logs/a.log.gz', 'du -sm logs']);
    expect(eventData(f.db, id, 'step_skipped').map((d) => d.stepId)).toEqual(['compress']);
    assertConsistent(f.db);
  });

  it('read-only tier holds a write: an approval is refused until the tier changes; then the same workflow asks afresh and goes on', async () => {
    const { tools, ran } = commandTool();
    const f = fixture(tools, stepsPlanner([sh('usage', 'du -sm logs'), sh('compress', 'gzip logs/a.log', 'mitigate')]), { policy: (c) => decide({ tool: c.tool.name, risk: c.risk, input: c.input }, { tier: getTier(f.db, '') }) });
    const id = f.start();
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).waiting).toMatchObject({ kind: 'approval', stepId: 'compress', held: true, policy: expect.stringMatching(/read-only/) });
    expect(() => approve(f.db, id, 'ana', f.clock)).toThrow(/held, and an approval would not run it/);
    expect(ran).toEqual(['du -sm logs']);
    setTier(f.db, '', 'approved-writes', 'ana', f.clock.now());
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).waiting).toMatchObject({ kind: 'approval', stepId: 'compress', held: false, policy: 'a write always waits for a person' });
    expect(ran).toEqual(['du -sm logs']);
    approve(f.db, id, 'ana', f.clock);
    await f.orchestrator.drain();
    expect(ran).toEqual(['du -sm logs', 'gzip logs/a.log']);
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    assertConsistent(f.db);
  });

  it('an approval given before a freeze is void: after the read-only tier (or a kill switch) a person approves again', async () => {
    const { tools, ran } = commandTool();
    const f = fixture(tools, stepsPlanner([sh('compress', 'gzip logs/a.log', 'mitigate')]), { policy: (c) => decide({ tool: c.tool.name, risk: c.risk, input: c.input }, { tier: getTier(f.db, '') }) });
    setTier(f.db, '', 'approved-writes', 'ana', f.clock.now());
    const id = f.start();
    await f.orchestrator.drain();
    approve(f.db, id, 'ana', f.clock);
    // Frozen before the engine got to the approved step.
    setTier(f.db, '', 'read-only', 'bo', f.clock.now());
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).waiting).toMatchObject({ kind: 'approval', held: true });
    setTier(f.db, '', 'approved-writes', 'bo', f.clock.now());
    await f.orchestrator.drain();
    expect(stateOf(f.db, id)).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', held: false } });
    expect(ran).toEqual([]);
    // The kill switch voids it the same way.
    approve(f.db, id, 'ana', f.clock);
    setKillSwitch(f.db, 'writes', true, 'bo', 'incident freeze', f.clock.now());
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).waiting).toMatchObject({ kind: 'kill_switch' });
    setKillSwitch(f.db, 'writes', false, 'bo', 'thaw', f.clock.now());
    approve(f.db, id, 'bo', f.clock);
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).waiting).toMatchObject({ kind: 'approval' });
    expect(ran).toEqual([]);
    approve(f.db, id, 'ana', f.clock);
    await f.orchestrator.drain();
    expect(ran).toEqual(['gzip logs/a.log']);
    assertConsistent(f.db);
  });

  it('a deny rule is a policy violation: escalated and never retried', async () => {
    const { tools, ran } = commandTool();
    const deny = (c: PolicyCall) => (c.risk === 'write' ? { action: 'deny' as const, reason: 'no writes from tests', by: 'user rule 1' } : gate('approved-writes')(c));
    const f = fixture(tools, stepsPlanner([sh('usage', 'du -sm logs'), sh('compress', 'gzip logs/a.log', 'mitigate')]), { policy: deny });
    const id = f.start();
    await f.orchestrator.drain();
    expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: 'policy violation at step compress (shell): no writes from tests' });
    expect(ran).toEqual(['du -sm logs']);
  });

  it('asks a person for a value it cannot fill and puts the answer in quoted, as one argument', async () => {
    const { tools, ran } = commandTool();
    const f = fixture(
      tools,
      stepsPlanner([
        { id: 'ask-days', tool: 'ask_person', input: { name: 'RETENTION_DAYS', question: 'Keep archives for how many days?' } },
        sh('delete', 'find logs -mtime +{{answer:RETENTION_DAYS}} -delete', 'mitigate'),
      ]),
      { policy: gate('approved-writes') },
    );
    const id = f.start();
    await f.orchestrator.drain();
    expect(stateOf(f.db, id).waiting).toMatchObject({ kind: 'question', name: 'RETENTION_DAYS', question: 'Keep archives for how many days?' });
    expect(() => approve(f.db, id, 'ana', f.clock)).toThrow(/waits for an answer/);
    answer(f.db, id, '7; rm -rf /', 'ana', f.clock);
    await f.orchestrator.drain();
    const view = stateOf(f.db, id);
    expect(view.waiting).toMatchObject({ kind: 'approval', describe: "find logs -mtime +'7; rm -rf /' -delete" });
    approve(f.db, id, 'ana', f.clock);
    await f.orchestrator.drain();
    expect(ran).toEqual(["find logs -mtime +'7; rm -rf /' -delete"]);
    expect(stateOf(f.db, id).state).toBe('COMPLETED');
    assertConsistent(f.db);
  });

  it('refuses a plan that uses an answer nobody asks for, quoting the problem to the re-plan', async () => {
    const requests: PlanRequest[] = [];
    const { tools } = commandTool();
    const f = fixture(tools, stepsPlanner([sh('delete', 'rm {{answer:FILE}}', 'mitigate')], requests), { maxReplans: 1 });
    const id = f.start();
    await f.orchestrator.drain();
    expect(requests[1]?.feedback).toMatch(/uses \{\{answer:FILE\}\} but no earlier ask_person step asks for it/);
    expect(stateOf(f.db, id).state).toBe('ESCALATED');
  });

  it('verification: a failed check escalates with the evidence; a passing one completes', async () => {
    for (const [lessThan, state] of [[5, 'ESCALATED'], [10, 'COMPLETED']] as const) {
      const { tools } = commandTool();
      const f = fixture(tools, stepsPlanner([sh('fix', 'true', 'mitigate'), sh('verify', 'du -sm logs', 'verify', { check: { exitCode: 0, lessThan } })]));
      const id = f.start();
      await f.orchestrator.drain();
      expect(stateOf(f.db, id).state).toBe(state);
      if (state === 'ESCALATED') {
        expect(stateOf(f.db, id).reason).toBe('not verified: verify: value 7 is not below 5');
        expect(eventData(f.db, id, 'escalated')[0]).toMatchObject({ evidence: [{ stepId: 'verify', output: '7\n' }] });
      }
    }
  });

  it('an untrusted workspace plans but runs nothing: the workflow waits with the message', async () => {
    const { tools, ran } = commandTool();
    let trusted = false;
    const f = fixture(tools, stepsPlanner([sh('usage', 'du -sm logs'), sh('fix', 'systemctl restart checkout', 'mitigate')]), { policy: gate('approved-writes'), mayExecute: () => (trusted ? null : 'workspace not trusted') });
    const id = f.start();
    await f.orchestrator.drain();
    expect(stateOf(f.db, id)).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'trust', message: 'workspace not trusted' } });
    expect(stateOf(f.db, id).plan?.steps).toHaveLength(2);
    expect(ran).toEqual([]);
    trusted = true;
    approve(f.db, id, 'ana', f.clock);
    await f.orchestrator.drain();
    expect(ran).toEqual(['du -sm logs']);
    expect(stateOf(f.db, id).waiting).toMatchObject({ kind: 'approval', stepId: 'fix' });
  });

  it("a server's Retry-After is the least wait before the retry", async () => {
    let calls = 0;
    const planner: Planner = {
      name: 'flaky',
      provider: 'test',
      async plan() {
        calls++;
        if (calls === 1) throw new ClassifiedError('transient', '429 Too Many Requests', 30_000);
        return { plan: { summary: '', steps: [sh('usage', 'du -sm logs')] } };
      },
    };
    const { tools } = commandTool();
    const f = fixture(tools, planner);
    const id = f.start();
    await f.orchestrator.tick();
    expect(eventData(f.db, id, 'plan_failed')[0]).toMatchObject({ class: 'transient', retryInMs: 30_000 });
  });

  it('a plan with nothing to check waits for the resolved notification: resolved completes, silence escalates', async () => {
    for (const resolves of [true, false]) {
      const { tools } = commandTool();
      const f = fixture(tools, stepsPlanner([sh('fix', 'true', 'mitigate')]), { resolveWaitMs: 600_000 });
      const alert = { source: 'alertmanager', title: 'disk', labels: { runbook: 'main' }, fingerprint: 'fp1', startsAt: 't0', idempotencyKey: 'alert:fp1:t0' };
      const id = intake(f.db, alert, { clock: f.clock }).workflow.id;
      await f.orchestrator.drain(Number.MAX_SAFE_INTEGER, 60_000);
      expect(stateOf(f.db, id).state).toBe('VALIDATING');
      f.clock.advance(120_000);
      if (resolves) {
        expect(intake(f.db, { ...alert, status: 'resolved' }, { clock: f.clock }).created).toBe(false);
        await f.orchestrator.drain(Number.MAX_SAFE_INTEGER, 60_000);
        expect(stateOf(f.db, id)).toMatchObject({ state: 'COMPLETED', alertResolvedAt: expect.any(Number) });
      } else {
        await f.orchestrator.drain();
        expect(stateOf(f.db, id)).toMatchObject({ state: 'ESCALATED', reason: 'not verified: the plan has no verification step and the alert did not resolve within 10 min' });
      }
      assertConsistent(f.db);
    }
    const f = fixture(commandTool().tools, stepsPlanner([sh('fix', 'true', 'mitigate')]));
    expect(() => intake(f.db, { source: 'am', title: 'x', status: 'resolved', idempotencyKey: 'alert:none:t0' })).toThrow(NothingToDo);
    expect(f.db.prepare('SELECT count(*) AS n FROM workflows').get()).toEqual({ n: 0 });
  });
});
