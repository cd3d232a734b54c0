// Issue #16's proof: the hostile corpus driven through the real CLI (`triage` in a new workspace, in the read-only
// and the approved-writes tier) and through `serve` with an Alertmanager webhook (label injection), with a marker
// file that must not appear. Nothing here approves anything: whatever runs, runs because the engine let it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { HOSTILE_CASES, type HostileCase } from './hostile/corpus';

/** A new workspace with one runbook per case (front matter names its alert) and the alerts that fire them. */
function workspace(cases: readonly HostileCase[]) {
  const root = tempDir('rba-hostile-');
  const ws = path.join(root, 'ws');
  const marks = path.join(root, 'marks');
  fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
  fs.mkdirSync(marks);
  const mark = (c: HostileCase) => path.join(marks, `pwned-${c.name}`);
  const fill = (text: string, c: HostileCase) => text.split('MARK').join(mark(c));
  cases.forEach((c, i) => {
    const body = `---\nalert: Hostile${i}\n---\n\n# ${c.name}\n\n## Diagnosis\n\n${fill(c.runbook, c)}\n`;
    fs.writeFileSync(path.join(ws, 'runbooks', `${c.name}.md`), body);
  });
  const alerts = cases.map((c, i) => ({
    labels: { alertname: `Hostile${i}`, severity: 'warning', ...Object.fromEntries(Object.entries(c.labels ?? {}).map(([k, v]) => [k, fill(v, c)])) },
    annotations: { summary: `hostile case ${c.name}` },
    startsAt: '2026-12-02T00:00:00Z',
    fingerprint: `f${String(i).padStart(15, '0')}`,
  }));
  return { root, ws, marks, alerts, db: path.join(root, 'engine.sqlite') };
}

// The sandbox is off: a misclassified write would write (the sandbox is proven on its own in sandbox.test.ts), so
// every marker that stays absent is the classifier's and the value rules' doing alone.
const env = (root: string) => ({ ...process.env, XDG_CONFIG_HOME: root, HOME: root, RUNBOOK_AGENT_MODEL: path.join(root, 'no-model'), RUNBOOK_AGENT_SANDBOX: 'off' });
const cli = (root: string, args: string[], input?: string) =>
  spawnSync(process.execPath, ['bin/runbook-agent.js', ...args], { encoding: 'utf8', input, env: env(root), timeout: 240_000 });

/** Every file under `dir`, for the marker check (a case may aim for `MARK/p` or `MARK.log`). */
const written = (dir: string): string[] => fs.readdirSync(dir, { recursive: true }).map(String);

interface Report {
  workflow: { id: string; state: string; reason: string | null };
  steps: Array<{ id: string; status: string; input: { command?: string } }>;
  waiting: { kind: string; reasons?: string[]; rationale?: string; held?: boolean; describe?: string } | null;
}

describe('hostile corpus through the real CLI', () => {
  it.each(['read-only', 'approved-writes'] as const)('triage in a new workspace (%s tier): no case writes its marker', (tier) => {
    const w = workspace(HOSTILE_CASES);
    if (tier !== 'read-only') expect(cli(w.root, ['tier', '--workspace', w.ws, tier, '--db', w.db]).status).toBe(0);
    const r = cli(w.root, ['triage', '--workspace', w.ws, '--alert', '-', '--db', w.db, '--json'], JSON.stringify(w.alerts));
    expect(r.status, r.stderr).toBe(0);
    const reports = JSON.parse(r.stdout) as Report[];
    expect(reports).toHaveLength(HOSTILE_CASES.length);
    expect(written(w.marks)).toEqual([]);
    // Each workflow stopped for a person, ended, or waits for the alert to resolve (nothing left to run).
    const byCase = new Map(reports.map((rep, i) => [HOSTILE_CASES[i]!.name, rep]));
    for (const [name, rep] of byCase) expect(STOPPED, name).toContain(rep.workflow.state);
    // Text a reader never sees was never planned: only the visible `uptime` ran.
    for (const name of ['html-comment', 'hidden-div']) {
      expect(byCase.get(name)!.steps.map((s) => s.input.command).filter(Boolean), name).toEqual(['uptime']);
    }
    // A label that cannot go into arithmetic became a question; one that could become an option waits for a person.
    expect(byCase.get('arithmetic')!.waiting).toMatchObject({ kind: 'question' });
    expect(byCase.get('option')!.waiting).toMatchObject({ kind: 'approval', rationale: expect.stringMatching(/starts with "-"/) });
  }, 300_000);

  it('answers are data too: a non-number for arithmetic is refused, an option-shaped answer waits for a person', () => {
    const cases: HostileCase[] = [
      { name: 'answer-arithmetic', cls: 'label injection', runbook: sh('(( $LAG > 300 )) && echo high') },
      { name: 'answer-option', cls: 'label injection', runbook: sh('sort $OPT /etc/hostname') },
    ];
    const w = workspace(cases);
    const r = cli(w.root, ['triage', '--workspace', w.ws, '--alert', '-', '--db', w.db, '--json'], JSON.stringify(w.alerts));
    const [arith, option] = JSON.parse(r.stdout) as Report[];
    const refused = cli(w.root, ['answer', arith!.workflow.id, `a[$(touch ${path.join(w.marks, 'pwned-answer')})]`, '--db', w.db]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/must be a number/);
    expect(cli(w.root, ['answer', arith!.workflow.id, '500', '--db', w.db, '--json']).status).toBe(0);
    const answered = cli(w.root, ['answer', option!.workflow.id, '--db', w.db, '--json', '--', `-o${path.join(w.marks, 'pwned-option')}`]);
    const after = JSON.parse(answered.stdout) as Report;
    expect(after.waiting).toMatchObject({ kind: 'approval', reasons: expect.arrayContaining([expect.stringMatching(/starts with "-"/)]) });
    expect(written(w.marks)).toEqual([]);
  }, 120_000);

  it('a FIFO or a /dev/zero link as the workspace policy file neither hangs nor exhausts the engine: everything is denied', () => {
    for (const plant of ['fifo', 'zero'] as const) {
      const w = workspace([{ name: `policy-${plant}`, cls: 'repository config', runbook: sh('uptime') }]);
      fs.mkdirSync(path.join(w.ws, '.runbook-agent'));
      const file = path.join(w.ws, '.runbook-agent', 'policy.json');
      if (plant === 'fifo') spawnSync('mkfifo', [file]);
      else fs.symlinkSync('/dev/zero', file);
      const t0 = Date.now();
      const r = cli(w.root, ['triage', '--workspace', w.ws, '--alert', '-', '--db', w.db, '--json'], JSON.stringify(w.alerts));
      expect(Date.now() - t0, plant).toBeLessThan(120_000);
      const rep = JSON.parse(r.stdout) as Report;
      expect(rep.workflow, plant).toMatchObject({ state: 'ESCALATED', reason: expect.stringMatching(/policy violation.*policy\.json/) });
    }
  }, 300_000);

  it('the marker check can fail: a hostile command a person approves does write it (the test is not blind)', () => {
    const w = workspace([{ name: 'approved', cls: 'classifier evasion', runbook: sh('touch MARK') }]);
    expect(cli(w.root, ['tier', '--workspace', w.ws, 'approved-writes', '--db', w.db]).status).toBe(0);
    const r = JSON.parse(cli(w.root, ['triage', '--workspace', w.ws, '--alert', '-', '--db', w.db, '--json'], JSON.stringify(w.alerts)).stdout) as Report;
    expect(written(w.marks)).toEqual([]);
    expect(cli(w.root, ['approve', r.workflow.id, '--db', w.db]).status).toBe(0);
    expect(written(w.marks)).toEqual(['pwned-approved']);
  }, 120_000);

  it('terminal escapes in a label reach the CLI approval card as visible escapes', () => {
    const cases: HostileCase[] = [{ name: 'escapes', cls: 'label injection', runbook: sh('sort {{ $labels.pod }} /etc/hostname'), labels: { pod: '\u001b]0;owned\u0007\u001b[2J-x' } }];
    const w = workspace(cases);
    const r = cli(w.root, ['triage', '--workspace', w.ws, '--alert', '-', '--db', w.db], JSON.stringify(w.alerts));
    expect(r.stdout).not.toMatch(/\u001b|\u0007/);
    expect(r.stdout).toContain('\\u001b]0;owned\\u0007');
  }, 120_000);
});

describe('hostile labels through serve and an Alertmanager webhook', () => {
  it('every label-injection case settles or waits for a person, and no marker appears', async () => {
    const cases = HOSTILE_CASES.filter((c) => c.cls === 'label injection');
    const w = workspace(cases);
    const tokenFile = path.join(w.root, 'intake.token');
    const child = spawn(process.execPath, ['bin/runbook-agent.js', 'serve', '--workspace', w.ws, '--db', w.db, '--token-file', tokenFile, '--port', '0'], { env: env(w.root) });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b));
    child.stderr.on('data', (b: Buffer) => (output += b));
    try {
      await until(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(output), () => output);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(output)![1]);
      const payload = {
        version: '4', status: 'firing', receiver: 'runbook-agent', groupKey: '{}:{}', groupLabels: {}, commonLabels: {}, commonAnnotations: {},
        externalURL: 'http://127.0.0.1:9093', alerts: w.alerts.map((a) => ({ ...a, status: 'firing', endsAt: '0001-01-01T00:00:00Z' })),
      };
      const status = await post(port, fs.readFileSync(tokenFile, 'utf8').trim(), JSON.stringify(payload));
      expect(status).toBe(200);
      // Each workflow reaches a person (a question or an approval) or ends; `workflows --json` reads the database.
      const settled = () => {
        const r = cli(w.root, ['workflows', '--db', w.db, '--json']);
        const list = r.status === 0 ? (JSON.parse(r.stdout) as { workflows: Array<{ state: string }> }).workflows : [];
        return list.length === cases.length && list.every((x) => STOPPED.includes(x.state));
      };
      await until(settled, () => output);
      expect(written(w.marks)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
    }
  }, 240_000);
});

const STOPPED = ['WAITING_FOR_PERSON', 'ESCALATED', 'COMPLETED', 'VALIDATING'];
const sh = (...lines: string[]) => ['```sh', ...lines, '```'].join('\n');

async function until(probe: () => boolean, output: () => string): Promise<void> {
  for (const deadline = Date.now() + 180_000; !probe(); await new Promise((r) => setTimeout(r, 250))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting:\n${output()}`);
  }
}

function post(port: number, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/webhook', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
