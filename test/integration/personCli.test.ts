// The person's side of issues #11 and #12 through the real CLI, on real SQLite and real files: a failing
// diagnostic is flagged, a declined write leaves the workflow going, verification says its value against its
// threshold, the incident summary is shown first and exported as a postmortem draft; checklist items are ticked,
// a wait for the alert is marked resolved or escalated, and workflows are cancelled, retried and archived.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';

const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');

interface Step {
  id: string;
  tool: string;
  phase: string | null;
  status: string;
  flag: string | null;
  why: string | null;
  verification: { text: string; passed: boolean } | null;
  result: { exitCode?: number; stdout?: string; outcome?: string } | null;
}
interface Report {
  workflow: { id: string; state: string; reason: string | null };
  steps: Step[];
  waiting: { kind: string; stepId: string; item?: string } | null;
  awaitingResolution: { until: string } | null;
  next: string[];
}
interface Summary {
  state: string;
  checked: Array<{ stepId: string; status: string; finding: string; citation: string }>;
  done: Array<{ stepId: string; outcome: string; by: string | null; why: string | null }>;
  verification: { status: string; items: string[]; by: string | null };
  next: string | null;
}

/** A copy of a workspace and a fresh database: the real `runbook-agent` acts on real files. */
function workspace(prepare: (ws: string) => void) {
  const root = tempDir('rba-person-');
  const ws = path.join(root, 'ws');
  prepare(ws);
  const db = path.join(root, 'engine.sqlite');
  const env = { ...process.env, XDG_CONFIG_HOME: root, RUNBOOK_AGENT_MODEL: modelDir };
  const raw = (args: string[], input?: string) => spawnSync(process.execPath, ['bin/runbook-agent.js', ...args, '--db', db], { encoding: 'utf8', input, env });
  const text = (args: string[]) => {
    const r = raw(args);
    if (r.status !== 0) throw new Error(`runbook-agent ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  const json = <T = Report>(args: string[], input?: string) => {
    const r = raw([...args, '--json'], input);
    if (r.status !== 0) throw new Error(`runbook-agent ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const sh = (script: string) => spawnSync('/bin/sh', ['-c', script], { cwd: ws, encoding: 'utf8' }).stdout;
  return { root, ws, db, raw, text, json, sh };
}

/** The demo workspace, its logs filled, with one more diagnostic that reads a file that is not there. */
function demoWithFailingDiagnostic(ws: string): void {
  fs.cpSync('examples/demo-workspace', ws, { recursive: true });
  const runbook = path.join(ws, 'runbooks', 'log-volume-filling-up.md');
  const text = fs.readFileSync(runbook, 'utf8');
  fs.writeFileSync(runbook, text.replace('## Mitigation', 'Check when the logs were last rotated:\n\n```sh\ncat logs/.rotated\n```\n\n## Mitigation'));
  spawnSync('sh', [path.join(ws, 'bin', 'simulate.sh'), 'fill-logs']);
}

/** A runbook of one command and two instructions for a person, and no verification: it waits for the alert. */
function queueWorkspace(ws: string): void {
  fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'queue', 'pending'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'queue', 'pending', 'job-1'), 'job=1\n');
  fs.copyFileSync(path.resolve('test/fixtures/queue-stuck/queue-stuck.md'), path.join(ws, 'runbooks', 'queue-stuck.md'));
}

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
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'DemoQueueStuck', severity: 'warning', queue: fingerprint },
        annotations: { summary: 'The job queue is stuck' },
        startsAt: '2026-11-24T03:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint,
      },
    ],
  });

const step = (r: Report, id: string) => r.steps.find((s) => s.id === id)!;

describe.skipIf(!fs.existsSync(modelDir))('the person’s side through the CLI (issues #11, #12)', () => {
  it('flags the failing diagnostic, goes on past a declined write, verifies against the threshold, and writes the postmortem draft', () => {
    const d = workspace(demoWithFailingDiagnostic);
    d.text(['tier', '--workspace', d.ws, 'approved-writes']);
    let r = d.json(['triage', '--workspace', d.ws, '--alert', path.join(d.ws, 'alerts/log-volume-filling-up.json')]);
    const id = r.workflow.id;
    const failing = r.steps.find((s) => s.phase === 'diagnose' && s.result?.exitCode === 1)!;
    expect(failing).toMatchObject({ status: 'failed', flag: 'failed', why: 'exit 1' });
    expect(r.steps.filter((s) => s.phase === 'diagnose' && s !== failing).every((s) => s.flag === 'ok')).toBe(true);
    // The text report never shows a failed command as a plain ✓.
    const shown = d.text(['show', id]);
    expect(shown.split('\n')[0]).toBe('incident summary: Log volume of checkout is filling up');
    expect(shown).toMatch(/✗ cat logs\/\.rotated: failed \(exit 1\).*\[tc:[0-9a-f]{12}\]/);
    expect(r.waiting).toMatchObject({ kind: 'approval', stepId: 'compress-old-logs' });

    r = d.json(['approve', id, 'compress-old-logs']);
    r = d.json(['answer', id, '0']);
    expect(r.waiting).toMatchObject({ kind: 'approval', stepId: 'delete-old-archives' });
    // Declining the optional write does not stop the workflow: it goes on to verification, which passes.
    const text = d.text(['reject', id, 'delete-old-archives', '--reason', 'keep the archives for the audit']);
    expect(text).toMatch(new RegExp(`✗ +\\d+ ${failing.id} .*\\[exit 1\\]`));
    expect(text).toMatch(/– +\d+ delete-old-archives .*\n +declined by .*: keep the archives for the audit/);
    expect(text).toMatch(/verification: du -sm logs\/ \| cut -f1: 1 < 10 ✓/);
    const summary = d.json<Summary>(['report', id]);
    expect(summary.state).toBe('COMPLETED');
    expect(summary.checked.find((c) => c.stepId === failing.id)).toMatchObject({ status: 'failed', citation: expect.stringMatching(/^tc:[0-9a-f]{12}$/) });
    expect(summary.done).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stepId: 'compress-old-logs', outcome: 'done' }),
        expect.objectContaining({ stepId: 'delete-old-archives', outcome: 'declined', why: expect.stringMatching(/keep the archives/) }),
      ]),
    );
    expect(summary.verification).toMatchObject({ status: 'passed', items: [expect.stringMatching(/: 1 < 10 ✓$/)] });
    expect(d.sh('ls logs | grep -c "\\.log\\.gz$"').trim()).toBe('48');

    const detail = d.json<{ summary: Summary; workflow: { state: string } }>(['show', id]);
    expect(detail).toMatchObject({ workflow: { state: 'COMPLETED' }, summary: { verification: { status: 'passed' } } });

    // The postmortem draft: Markdown into a folder, named for the day and the alert.
    const folder = path.join(d.ws, 'postmortems');
    fs.mkdirSync(folder);
    expect(d.text(['report', id, '--markdown', '--out', folder])).toMatch(/wrote the postmortem draft/);
    const [file] = fs.readdirSync(folder);
    expect(file).toMatch(/^\d{4}-\d{2}-\d{2}-demo-log-volume-filling-up\.md$/);
    const markdown = fs.readFileSync(path.join(folder, file!), 'utf8');
    expect(markdown).toMatch(/^# Postmortem draft: Log volume of checkout is filling up/);
    expect(markdown).toMatch(/## What was checked[\s\S]*✗ `cat logs\/\.rotated`/);
    expect(markdown).toMatch(/## Verification\n\npassed:\n- du -sm logs\/ \| cut -f1: 1 < 10 ✓/);
    expect(markdown).toMatch(new RegExp(`workflow \`${id}\``));

    // Archived: out of the list until asked for.
    d.text(['archive', id]);
    const listed = (archived: boolean) => d.json<{ workflows: Array<{ id: string; archived: boolean }> }>(['workflows', ...(archived ? ['--archived'] : [])]).workflows;
    expect(listed(false).map((w) => w.id)).not.toContain(id);
    expect(listed(true)).toEqual([expect.objectContaining({ id, archived: true })]);

    // Retried from its first step: the diagnostics run again (new tool calls), the write waits for a person again,
    // and the archived workflow is listed again while it is not settled.
    r = d.json(['retry', id, 'log-usage']);
    expect(r.waiting).toMatchObject({ kind: 'approval', stepId: 'compress-old-logs' });
    expect(step(r, 'delete-old-archives')).toMatchObject({ status: 'pending', flag: null });
    const calls = d.json<{ toolCalls: Array<{ stepId: string }> }>(['show', id]).toolCalls.filter((c) => c.stepId === 'log-usage');
    expect(calls).toHaveLength(2);
    expect(listed(false).map((w) => w.id)).toContain(id);
  }, 300_000);

  it('ticks checklist items, marks a resolved alert, escalates, cancels and retries; every action in the event log', () => {
    const d = workspace(queueWorkspace);
    let r = d.json(['triage', '--workspace', d.ws, '--alert', '-'], queueAlert('aa11bb22cc33dd44'));
    const id = r.workflow.id;
    expect(r.waiting).toMatchObject({ kind: 'checklist', item: 'Check the worker dashboard for errors before you touch the queue.' });
    expect(r.next).toEqual([expect.stringMatching(/^runbook-agent tick .* done/), expect.stringMatching(/^runbook-agent tick .* skipped/)]);
    const bad = d.raw(['tick', id, 'maybe']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/'done' or 'skipped'/);

    r = d.json(['tick', id, 'done', '--note', 'dashboard is clean', '--by', 'ana']);
    expect(r.waiting).toMatchObject({ kind: 'checklist', stepId: 'todo-mitigate-2' });
    const text = d.text(['tick', id, 'skipped', '--note', 'the team is asleep', '--by', 'ana']);
    expect(text).toMatch(/✓ +2 todo-diagnose-1 .*\n +done by ana: dashboard is clean/);
    expect(text).toMatch(/– +3 todo-mitigate-2 .*\n +skipped by ana: the team is asleep/);
    // No verification step: it waits for the alert to resolve, and says until when.
    expect(text).toMatch(/waits for the alert to resolve until \d{4}-\d{2}-\d{2}T/);
    expect(d.json<Summary>(['report', id]).next).toMatch(/mark it resolved, or escalate now/);
    expect(d.raw(['archive', id]).stderr).toMatch(/only a settled workflow can be archived/);

    r = d.json(['mark-resolved', id, '--note', 'queue drained', '--by', 'ana']);
    expect(r.workflow.state).toBe('COMPLETED');
    expect(d.json<Summary>(['report', id]).verification).toMatchObject({ status: 'resolved', by: 'ana: queue drained' });
    const events = d.json<{ events: Array<{ type: string; actor: string; data: Record<string, unknown> }> }>(['show', id]).events;
    expect(events.filter((e) => e.type === 'ticked').map((e) => [e.actor, e.data.outcome, e.data.note, e.data.by])).toEqual([
      ['person', 'done', 'dashboard is clean', 'ana'],
      ['person', 'skipped', 'the team is asleep', 'ana'],
    ]);

    // Another alert: escalated at once instead of waiting; then cancelled; then retried from its diagnostic.
    r = d.json(['triage', '--workspace', d.ws, '--alert', '-'], queueAlert('ee55ff66aa77bb88'));
    const other = r.workflow.id;
    expect(other).not.toBe(id);
    d.json(['tick', other, 'done']);
    r = d.json(['tick', other, 'done']);
    expect(r.workflow.state).toBe('VALIDATING');
    r = d.json(['escalate', other, '--note', 'paging the queue owners']);
    expect(r.workflow).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/paging the queue owners/) });
    r = d.json(['cancel', other, '--note', 'owners took it']);
    expect(r.workflow).toMatchObject({ state: 'CANCELLED', reason: expect.stringMatching(/owners took it/) });
    expect(d.raw(['approve', other]).status).toBe(1);
    r = d.json(['retry', other, 'diagnosis-1']);
    expect(r.workflow.state).not.toBe('CANCELLED');
    const reran = d.json<{ toolCalls: Array<{ stepId: string }>; events: Array<{ type: string }> }>(['show', other]);
    expect(reran.toolCalls.filter((c) => c.stepId === 'diagnosis-1')).toHaveLength(2);
    expect(reran.events.map((e) => e.type)).toEqual(expect.arrayContaining(['escalated', 'cancelled', 'retried']));
    expect(d.text(['log', 'verify'])).toMatch(/event log intact/);
  }, 300_000);

  it('a runbook only search chose waits for a person: confirmed, or another named with use-runbook, which plans again from it', () => {
    const d = workspace((ws) => {
      queueWorkspace(ws);
      fs.writeFileSync(path.join(ws, 'runbooks', 'disk-check.md'), '# Disk check\n\n## Diagnosis\n\nHow full the disk is:\n\n```sh\ndf -P .\n```\n');
    });
    // Pasted text: no alert name, no link, so retrieval alone picks the runbook.
    let r = d.json<Report & { summary: string }>(['triage', '--workspace', d.ws, '--alert', '-'], 'the job queue is stuck and the pending jobs pile up');
    const id = r.workflow.id;
    expect(r.summary).toMatch(/^Runbook runbooks\/queue-stuck\.md: retrieval ranked/);
    expect(r.waiting).toMatchObject({ kind: 'checklist', stepId: 'confirm-runbook' });
    expect(r.next).toContain(`runbook-agent use-runbook ${id} PATH/TO/RUNBOOK.md`);

    // A path that is not a runbook of the workspace is refused before anything is recorded.
    for (const bad of ['runbooks/nope.md', '../outside.md', 'queue/pending/job-1']) {
      const refused = d.raw(['use-runbook', id, bad]);
      expect(refused.status, bad).toBe(1);
      expect(refused.stderr, bad).toMatch(/is not a Markdown file of the workspace/);
    }
    const before = d.json<{ workflow: { state: string }; events: Array<{ type: string }> }>(['show', id]);
    expect(before.workflow.state).toBe('WAITING_FOR_PERSON');
    expect(before.events.map((e) => e.type)).not.toContain('runbook_chosen');

    r = d.json<Report & { summary: string }>(['use-runbook', id, 'runbooks/disk-check.md', '--by', 'ana']);
    expect(r.summary).toMatch(/^Runbook runbooks\/disk-check\.md: a person chose runbooks\/disk-check\.md/);
    expect(r.steps.map((s) => s.id)).not.toContain('confirm-runbook');
    expect(r.workflow.state).not.toBe('FAILED');
    const events = d.json<{ events: Array<{ type: string; data: { by?: string; runbook?: string } }> }>(['show', id]).events;
    expect(events.find((e) => e.type === 'runbook_chosen')?.data).toMatchObject({ by: 'ana', runbook: 'runbooks/disk-check.md' });
    expect(d.text(['log', 'verify'])).toMatch(/event log intact/);
  }, 300_000);
});
