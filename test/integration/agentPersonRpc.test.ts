// The person's actions over JSON-RPC, as the editor drives the engine: the panel view carries the incident
// summary, each step's flag (ok / flagged / failed / skipped / declined, with reason and evidence) and the
// verification outcome; tick, mark resolved, escalate now, cancel, retry from a step, archive and the incident
// report are requests like approve; the list hides archived workflows and counts every wait on a person.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IncidentSummary, WorkflowPanelView, type WorkflowItem } from '../../protocol/agent';
import { startEngine, type EngineProcess } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';

const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');
const engines: EngineProcess[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

/** One command and two instructions for a person, and no verification: the workflow waits for the alert. */
const QUEUE_RUNBOOK = fs.readFileSync(path.resolve('test/fixtures/queue-stuck/queue-stuck.md'), 'utf8');

const queueAlert = (fingerprint: string) =>
  JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'runbook-agent',
    groupKey: '{}',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: [{ status: 'firing', labels: { alertname: 'DemoQueueStuck', severity: 'warning', queue: fingerprint }, annotations: { summary: 'The job queue is stuck' }, startsAt: '2026-11-24T03:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint }],
  });

async function engineOn(prepare: (ws: string) => void) {
  const root = tempDir('rba-person-rpc-');
  const workspace = path.join(root, 'ws');
  prepare(workspace);
  const engine = await startEngine({ storagePath: root, modelPath: modelDir, trusted: true, workspaceFolders: [workspace] });
  engines.push(engine);
  const call = <T>(method: string, params: unknown) => engine.connection.sendRequest(method, params) as Promise<T>;
  const view = async (id: string) => WorkflowPanelView.parse(await call('runbookAgent/workflow', { id }));
  const list = (archived = false) => call<{ workflows: WorkflowItem[]; pendingApprovals: number; needsPerson: number }>('runbookAgent/workflows', { archived });
  const settle = async (id: string, want: (v: WorkflowPanelView) => boolean) => {
    for (let i = 0; i < 1200; i++) {
      const v = await view(id);
      if (want(v)) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`workflow ${id} never reached the expected state; last: ${JSON.stringify((await view(id)).workflow)}`);
  };
  const triage = async (text: string) => (await call<{ workflows: WorkflowItem[] }>('runbookAgent/triage', { workspace, text })).workflows[0]!.id;
  return { workspace, call, view, list, settle, triage };
}

describe.skipIf(!fs.existsSync(modelDir))('the person’s actions over JSON-RPC (issues #11, #12)', () => {
  it('summary first, flags on the steps, a declined write that goes on, verification against the threshold, report, archive, retry', async () => {
    const d = await engineOn((ws) => {
      fs.cpSync('examples/demo-workspace', ws, { recursive: true });
      const runbook = path.join(ws, 'runbooks', 'log-volume-filling-up.md');
      fs.writeFileSync(runbook, fs.readFileSync(runbook, 'utf8').replace('## Mitigation', 'Check when the logs were last rotated:\n\n```sh\ncat logs/.rotated\n```\n\n## Mitigation'));
      spawnSync('sh', [path.join(ws, 'bin', 'simulate.sh'), 'fill-logs']);
    });
    await d.call('runbookAgent/retrieval/index', { root: d.workspace });
    await d.call('runbookAgent/tier/set', { workspace: d.workspace, tier: 'approved-writes' });
    const id = await d.triage(fs.readFileSync(path.join(d.workspace, 'alerts/log-volume-filling-up.json'), 'utf8'));
    let v = await d.settle(id, (x) => x.waiting?.kind === 'approval');
    const failing = v.steps.find((s) => s.describe === 'cat logs/.rotated')!;
    expect(failing).toMatchObject({ status: 'failed', flag: 'failed', flagReason: 'exit 1', citation: expect.stringMatching(/^tc:[0-9a-f]{12}$/) });
    expect(v.steps[0]).toMatchObject({ status: 'done', flag: 'ok' });
    // The summary is there while it waits, with the failing check cited.
    expect(v.summary.checked.find((c) => c.stepId === failing.id)).toMatchObject({ status: 'failed', citation: failing.citation });
    expect(v.summary.next).toMatch(/approve or reject step compress-old-logs/);
    let l = await d.list();
    expect(l).toMatchObject({ pendingApprovals: 1, needsPerson: 1 });
    expect(l.workflows[0]).toMatchObject({ attention: 'approval', archived: false, waitsUntil: null });

    const w = v.waiting!;
    await d.call('runbookAgent/approve', { id, stepId: 'compress-old-logs', inputHash: w.kind === 'approval' ? w.inputHash : '' });
    v = await d.settle(id, (x) => x.waiting?.kind === 'question');
    expect((await d.list()).workflows[0]).toMatchObject({ attention: 'question', needsAnswer: true });
    await d.call('runbookAgent/answer', { id, value: '0' });
    v = await d.settle(id, (x) => x.waiting?.kind === 'approval');
    expect(v.waiting).toMatchObject({ stepId: 'delete-old-archives' });
    // Declining the optional write: the workflow goes on from the next step, to verification.
    await d.call('runbookAgent/reject', { id, stepId: 'delete-old-archives', reason: 'keep the archives' });
    v = await d.settle(id, (x) => x.workflow.state === 'COMPLETED');
    expect(v.steps.find((s) => s.id === 'delete-old-archives')).toMatchObject({ status: 'skipped', flag: 'declined', flagReason: expect.stringMatching(/^declined by .*: keep the archives$/) });
    const verify = v.steps.find((s) => s.phase === 'verify')!;
    expect(verify.verification).toEqual({ passed: true, text: 'du -sm logs/ | cut -f1: 1 < 10 ✓' });
    expect(IncidentSummary.parse(v.summary)).toMatchObject({
      state: 'COMPLETED',
      verification: { status: 'passed', items: ['du -sm logs/ | cut -f1: 1 < 10 ✓'] },
      done: expect.arrayContaining([expect.objectContaining({ stepId: 'delete-old-archives', outcome: 'declined' })]),
    });
    expect(v.summary.timings.map((t) => t.stage)).toEqual(expect.arrayContaining(['planned', 'first diagnostic', 'verification', 'completed']));
    expect(v.planSummary).toMatch(/log-volume-filling-up\.md/);

    const report = await d.call<{ summary: unknown; markdown: string; fileName: string }>('runbookAgent/incidentReport', { id });
    expect(report.fileName).toMatch(/^\d{4}-\d{2}-\d{2}-demo-log-volume-filling-up\.md$/);
    expect(report.markdown).toMatch(/^# Postmortem draft: Log volume of checkout is filling up\n/);
    expect(report.markdown).toMatch(/- du -sm logs\/ \| cut -f1: 1 < 10 ✓/);
    expect(IncidentSummary.safeParse(report.summary).success).toBe(true);

    // Cancel is for what waits; a completed workflow is archived instead, and leaves the default list.
    await expect(d.call('runbookAgent/cancel', { id, note: '' })).rejects.toThrow(/only a workflow that waits, failed or was escalated can be cancelled/);
    v = WorkflowPanelView.parse(await d.call('runbookAgent/archive', { id }));
    expect(v.workflow.archived).toBe(true);
    expect((await d.list()).workflows.map((x) => x.id)).not.toContain(id);
    expect((await d.list(true)).workflows.map((x) => x.id)).toContain(id);

    // Retried from its first step: the diagnostics run again (new calls), the writes wait for a person again, and
    // the archived workflow shows in the list while it runs.
    const before = v.steps[0]!.citation;
    await expect(d.call('runbookAgent/retry', { id, stepId: 'no-such-step' })).rejects.toThrow(/has no step no-such-step/);
    await d.call('runbookAgent/retry', { id, stepId: v.steps[0]!.id });
    v = await d.settle(id, (x) => x.waiting?.kind === 'approval');
    expect(v.waiting).toMatchObject({ stepId: 'compress-old-logs' });
    expect(v.steps[0]).toMatchObject({ status: 'done', flag: 'ok' });
    expect(v.steps[0]!.citation).not.toBe(before);
    expect(v.steps.find((s) => s.id === 'delete-old-archives')).toMatchObject({ status: 'pending', flag: null });
    expect((await d.list()).workflows.map((x) => x.id)).toContain(id);
  }, 300_000);

  it('ticks checklist items, waits for the alert until a time, marks it resolved; escalates now, cancels and retries another', async () => {
    const d = await engineOn((ws) => {
      fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
      fs.mkdirSync(path.join(ws, 'queue', 'pending'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'queue', 'pending', 'job-1'), 'job=1\n');
      fs.writeFileSync(path.join(ws, 'runbooks', 'queue-stuck.md'), QUEUE_RUNBOOK);
    });
    await d.call('runbookAgent/retrieval/index', { root: d.workspace });
    const id = await d.triage(queueAlert('aa11bb22cc33dd44'));
    let v = await d.settle(id, (x) => x.waiting?.kind === 'checklist');
    expect(v.waiting).toMatchObject({ kind: 'checklist', stepId: 'todo-diagnose-1', item: 'Check the worker dashboard for errors before you touch the queue.' });
    expect(await d.list()).toMatchObject({ pendingApprovals: 0, needsPerson: 1, workflows: [expect.objectContaining({ attention: 'checklist' })] });
    await expect(d.call('runbookAgent/tick', { id, stepId: 'todo-mitigate-2', outcome: 'done' })).rejects.toThrow(/waits on step todo-diagnose-1/);

    await d.call('runbookAgent/tick', { id, stepId: 'todo-diagnose-1', outcome: 'done', note: 'dashboard is clean' });
    v = await d.settle(id, (x) => x.waiting?.kind === 'checklist' && x.waiting.stepId === 'todo-mitigate-2');
    expect(v.steps[1]).toMatchObject({ status: 'done', flag: 'ok', flagReason: expect.stringMatching(/^done by .*: dashboard is clean$/) });
    await d.call('runbookAgent/tick', { id, outcome: 'skipped', note: 'the team is asleep' });
    v = await d.settle(id, (x) => x.awaitingResolution !== null);
    expect(v.workflow).toMatchObject({ state: 'VALIDATING', attention: 'resolution', waitsUntil: v.awaitingResolution!.until });
    expect(Date.parse(v.awaitingResolution!.until)).toBeGreaterThan(Date.now());
    expect(v.steps[2]).toMatchObject({ status: 'skipped', flag: 'skipped', flagReason: expect.stringMatching(/^skipped by .*: the team is asleep$/) });
    expect(v.summary.verification).toMatchObject({ status: 'not verified yet', items: [expect.stringMatching(/^waiting for the alert to resolve until /)] });
    // A wait for the alert is not a decision: it does not count in the badge.
    expect((await d.list()).needsPerson).toBe(0);
    v = WorkflowPanelView.parse(await d.call('runbookAgent/markResolved', { id, note: 'queue drained' }));
    expect(v.workflow.state).toBe('COMPLETED');
    expect(v.summary.verification).toMatchObject({ status: 'resolved', by: expect.stringMatching(/: queue drained$/) });

    const other = await d.triage(queueAlert('ee55ff66aa77bb88'));
    await d.settle(other, (x) => x.waiting?.kind === 'checklist');
    await expect(d.call('runbookAgent/markResolved', { id: other, note: '' })).rejects.toThrow(/not waiting for its alert to resolve/);
    v = WorkflowPanelView.parse(await d.call('runbookAgent/escalateNow', { id: other, note: 'paging the owners' }));
    expect(v.workflow).toMatchObject({ state: 'ESCALATED', attention: 'escalated', reason: expect.stringMatching(/paging the owners/) });
    expect(v.summary.next).toMatch(/retry from a step/);
    expect((await d.list()).needsPerson).toBe(1);
    v = WorkflowPanelView.parse(await d.call('runbookAgent/cancel', { id: other, note: 'owners took it' }));
    expect(v.workflow).toMatchObject({ state: 'CANCELLED', attention: null });
    expect(v.steps.slice(1).every((s) => s.status === 'skipped')).toBe(true);
    await d.call('runbookAgent/retry', { id: other, stepId: 'diagnosis-1' });
    v = await d.settle(other, (x) => x.workflow.state !== 'EXECUTING' && x.workflow.state !== 'WAITING_FOR_TOOL');
    expect(v.workflow.state).not.toBe('CANCELLED');
    expect(v.steps[0]).toMatchObject({ status: 'done', flag: 'ok' });
  }, 300_000);

  it('a runbook only search chose: Use another runbook plans again from the one a person names, and refuses a path that is none', async () => {
    const d = await engineOn((ws) => {
      fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'runbooks', 'queue-stuck.md'), QUEUE_RUNBOOK);
      fs.writeFileSync(path.join(ws, 'runbooks', 'disk-check.md'), '# Disk check\n\n## Diagnosis\n\n```sh\ndf -P .\n```\n');
    });
    await d.call('runbookAgent/retrieval/index', { root: d.workspace });
    const id = await d.triage('the job queue is stuck and the pending jobs pile up');
    let v = await d.settle(id, (x) => x.waiting?.kind === 'checklist');
    expect(v.waiting).toMatchObject({ stepId: 'confirm-runbook' });
    await expect(d.call('runbookAgent/useRunbook', { id, runbook: 'runbooks/missing.md' })).rejects.toThrow(/is not a Markdown file of the workspace/);
    v = WorkflowPanelView.parse(await d.call('runbookAgent/useRunbook', { id, runbook: 'runbooks/disk-check.md' }));
    v = await d.settle(id, (x) => x.planSummary?.startsWith('Runbook runbooks/disk-check.md') === true && x.awaitingResolution !== null);
    expect(v.planSummary).toMatch(/a person chose runbooks\/disk-check\.md/);
    expect(v.steps.map((s) => s.id)).not.toContain('confirm-runbook');
    // Its one diagnostic ran; with no verification step it waits for the alert to resolve.
    expect(v.steps.find((s) => s.describe === 'df -P .')).toMatchObject({ status: 'done', flag: 'ok' });
  }, 300_000);
});
