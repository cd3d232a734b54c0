import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';

const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');

/** A fresh copy of the demo workspace and a fresh database: the real CLI acts on real files. */
function demo() {
  const root = tempDir('rba-triage-');
  const workspace = path.join(root, 'ws');
  fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
  const db = path.join(root, 'engine.sqlite');
  const cli = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, ['bin/runbook-agent.js', ...args, '--db', db, '--json'], {
      encoding: 'utf8',
      input,
      env: { ...process.env, XDG_CONFIG_HOME: root, RUNBOOK_AGENT_MODEL: modelDir },
    });
    if (r.status !== 0) throw new Error(`runbook-agent ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Report;
  };
  const raw = (args: string[], input?: string) => spawnSync(process.execPath, ['bin/runbook-agent.js', ...args, '--db', db], { encoding: 'utf8', input, env: { ...process.env, RUNBOOK_AGENT_MODEL: modelDir } });
  const sh = (script: string) => spawnSync('/bin/sh', ['-c', script], { cwd: workspace, encoding: 'utf8' }).stdout;
  return { workspace, db, cli, raw, sh };
}

interface Report {
  workflow: { id: string; state: string; reason: string | null };
  steps: Array<{ id: string; tool: string; phase: string | null; risk: string | null; status: string; why?: string | null; evidence?: string[]; result: { exitCode?: number; stdout?: string } | null }>;
  waiting: { kind: string; stepId: string; held?: boolean; describe?: string; inputHash?: string; name?: string } | null;
}

// Each step spawns the CLI, which loads the embedding model: minutes on a loaded 2-core machine, not a timing test.
describe.skipIf(!fs.existsSync(modelDir))('runbook-agent triage on the demo workspace', () => {
  it('runs the diagnostics, holds the write in a new (read-only) workspace, and completes after tier, approvals and an answer', { timeout: 120_000 }, () => {
    const d = demo();
    d.sh('sh bin/simulate.sh fill-logs');
    const alert = path.join(d.workspace, 'alerts/log-volume-filling-up.json');
    let r = d.cli(['triage', '--workspace', d.workspace, '--alert', alert]);
    const id = r.workflow.id;
    expect(r.workflow.state).toBe('WAITING_FOR_PERSON');
    const phases = r.steps.map((s) => s.phase);
    expect(phases.indexOf('mitigate')).toBeGreaterThan(phases.lastIndexOf('diagnose'));
    const diagnostics = r.steps.filter((s) => s.phase === 'diagnose');
    expect(diagnostics.every((s) => s.status === 'done' && s.result?.exitCode === 0)).toBe(true);
    expect(diagnostics[0]?.result?.stdout).toMatch(/\d+M\s+logs\//);
    expect(r.waiting).toMatchObject({ kind: 'approval', stepId: 'compress-old-logs', held: true });
    expect(d.sh('ls logs | grep -c "\\.log$"').trim()).toBe('48');

    // Approving while the tier is read-only is refused, and says why.
    const refused = d.raw(['approve', id, 'compress-old-logs']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/held, and an approval would not run it: .*read-only/);
    expect(d.sh('ls logs | grep -c "\\.log$"').trim()).toBe('48');

    // Switching the tier hands the held step back: it waits for approval again, on the same exact input.
    const held = r.waiting!.inputHash!;
    expect(d.raw(['tier', '--workspace', d.workspace, 'approved-writes']).stdout).toMatch(/approved-writes/);
    expect(d.sh('ls logs | grep -c "\\.log$"').trim()).toBe('48');
    r = d.cli(['approve', id, 'compress-old-logs', '--input-hash', held]);
    expect(d.sh('ls logs | grep -c "\\.log\\.gz$"').trim()).toBe('48');
    expect(r.waiting).toMatchObject({ kind: 'question' });
    r = d.cli(['answer', id, '0']);
    expect(r.waiting).toMatchObject({ kind: 'approval', stepId: 'delete-old-archives', describe: "find logs/ -name '*.log.gz' -mtime +0 -delete" });
    r = d.cli(['approve', id, 'delete-old-archives']);
    expect(r.workflow.state).toBe('COMPLETED');
    expect(d.sh('ls logs | wc -l').trim()).toBe('0');
  });

  it('decisions read what the diagnostics printed: with the flag already off the mitigation is skipped, citing the output; with it on it waits', { timeout: 120_000 }, () => {
    const off = demo();
    const alert = JSON.stringify({ alertname: 'DemoHighErrorRate', labels: { service: 'pricing' } });
    let r = off.cli(['triage', '--workspace', off.workspace, '--alert', '-'], alert);
    const mitigation = r.steps.find((s) => s.phase === 'mitigate')!;
    expect(mitigation).toMatchObject({ status: 'skipped', why: expect.stringMatching(/its condition does not hold: the output of .* shows `new_pricing=off`, not `new_pricing=on`/) });
    expect(mitigation.evidence?.[0]).toMatch(/^tc:[0-9a-f]{12}$/);
    expect(off.sh('cat config/features.env').trim()).toBe('new_pricing=off');

    const on = demo();
    on.sh('sh bin/simulate.sh errors');
    r = on.cli(['triage', '--workspace', on.workspace, '--alert', '-'], alert);
    expect(r.waiting).toMatchObject({ kind: 'approval', held: true, describe: "sed -i 's/^new_pricing=on$/new_pricing=off/' config/features.env" });
  });

  it('a rejected write is declined and the workflow goes on; rejecting the last one escalates with the reasons', { timeout: 120_000 }, () => {
    const d = demo();
    d.sh('sh bin/simulate.sh fill-logs');
    d.raw(['tier', '--workspace', d.workspace, 'approved-writes']);
    let r = d.cli(['triage', '--workspace', d.workspace, '--alert', path.join(d.workspace, 'alerts/log-volume-filling-up.json')]);
    r = d.cli(['reject', r.workflow.id, 'compress-old-logs', '--reason', 'archive host handles compression']);
    // Declined, not re-planned away: the step stays in the plan, skipped, with who declined it and why.
    expect(r.steps.find((s) => s.id === 'compress-old-logs')).toMatchObject({ status: 'skipped', why: expect.stringMatching(/declined by .*: archive host handles compression/) });
    expect(r.waiting).toMatchObject({ kind: 'question' });
    expect(d.sh('ls logs | grep -c "\\.log$"').trim()).toBe('48');
    r = d.cli(['answer', r.workflow.id, '30']);
    r = d.cli(['reject', r.workflow.id, 'delete-old-archives', '--reason', 'keep everything']);
    // Nothing was done: it escalates, either as the decision that every mitigation was declined or as the
    // verification that then fails (the volume is still above the threshold); never as completed.
    expect(r.workflow).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/keep everything|nothing left|not verified: .*is not below 10/) });
    expect(r.steps.find((s) => s.id === 'delete-old-archives')).toMatchObject({ status: 'skipped', why: expect.stringMatching(/keep everything/) });
    expect(d.sh('ls logs | wc -l').trim()).toBe('48');
  });

  it('refuses a bad alert with a clear message and stores nothing; a re-sent alert returns the same workflow', { timeout: 120_000 }, () => {
    const d = demo();
    const bad = d.raw(['triage', '--workspace', d.workspace, '--alert', '-'], '{"version":"4","alerts":[{"labels":"nope"}]}');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/alert/i);
    expect(fs.existsSync(d.db)).toBe(false);
    const alert = fs.readFileSync(path.join(d.workspace, 'alerts/checkout-down.json'), 'utf8');
    const first = d.cli(['triage', '--workspace', d.workspace, '--alert', '-'], alert);
    const again = d.cli(['triage', '--workspace', d.workspace, '--alert', '-'], alert);
    expect(again.workflow.id).toBe(first.workflow.id);
  });

  it('a hostile runbook gets nothing past classification, policy and approval, even with auto-approve', { timeout: 120_000 }, () => {
    const d = demo();
    const ws = path.join(path.dirname(d.workspace), 'hostile');
    fs.cpSync('test/integration/hostile', ws, { recursive: true });
    const policy = path.join(path.dirname(d.workspace), 'user-policy.json');
    fs.writeFileSync(policy, JSON.stringify({ rules: [{ action: 'allow', tool: 'shell', command: 'echo *' }, { action: 'allow', tool: 'shell', command: 'rm -rf data' }] }));
    d.raw(['tier', '--workspace', ws, 'auto-approve']);
    const firing = { alertname: 'HostileDiskLatency', summary: 'disk latency high', labels: { severity: 'warning' }, startsAt: '2026-11-24T01:00:00Z' };
    const alert = JSON.stringify(firing);
    let r = d.cli(['triage', '--workspace', ws, '--alert', '-', '--user-policy', policy], alert);
    expect(r.steps.find((s) => s.id === 'list')).toMatchObject({ status: 'done', risk: 'read' });
    // Declared read, but a redirection writes; the allow rule `echo *` never covers shell syntax.
    expect(r.waiting).toMatchObject({ kind: 'approval', stepId: 'marker' });
    expect(fs.existsSync(path.join(ws, 'pwned.txt'))).toBe(false);
    r = d.cli(['reject', r.workflow.id, 'marker', '--reason', 'not part of diagnosis', '--user-policy', policy]);
    expect(r.waiting).toMatchObject({ kind: 'approval', stepId: 'shared-script' });
    expect(fs.existsSync(path.join(ws, 'piped-ran.txt'))).toBe(false);
    r = d.cli(['reject', r.workflow.id, 'shared-script', '--reason', 'pipes into a shell', '--user-policy', policy]);
    // `rm -rf data` matches the user's own allow rule exactly, so auto-approve runs it: the user said so, not the runbook.
    expect(fs.existsSync(path.join(ws, 'data'))).toBe(false);
    // Nothing in the runbook verifies the fix, so the workflow waits for the alert to resolve.
    expect(r.workflow.state).toBe('VALIDATING');
    r = d.cli(['triage', '--workspace', ws, '--alert', '-', '--user-policy', policy], JSON.stringify({ ...firing, status: 'resolved' }));
    expect(r.workflow.state).toBe('COMPLETED');
  });
});
