// `triage --kube-context/--kubeconfig` (and runbookAgent.kubernetes.* in the editor) reach the built-in kubectl
// diagnostics: against the recorded kubectl (test/fixtures/kubectl, which refuses any other context or kubeconfig),
// a prose runbook with no command of its own gets the built-in pod diagnostics, run against that cluster only.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';

const FIXTURE = path.resolve('test/fixtures/kubectl');
const POD = 'checkout-7c9f8b6d4-x2x9q';
const RUNBOOK = `# KubePodCrashLooping

## Meaning
A container of the pod keeps restarting.

## Diagnosis
Look at the pod's events and at the logs of the container before its last restart.
`;

function triage(extra: string[]) {
  const root = tempDir('rba-kube-');
  const workspace = path.join(root, 'ws');
  fs.mkdirSync(path.join(workspace, 'runbooks'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'runbooks', 'kube-pod-crashlooping.md'), RUNBOOK);
  const alert = path.join(root, 'alert.json');
  fs.writeFileSync(alert, JSON.stringify({ labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: POD }, annotations: { runbook_url: 'runbooks/kube-pod-crashlooping.md' } }));
  const r = spawnSync(process.execPath, ['bin/runbook-agent.js', 'triage', '--workspace', workspace, '--alert', alert, '--db', path.join(root, 'db.sqlite'), '--model', path.join(root, 'no-model'), '--json', ...extra], {
    encoding: 'utf8',
    // HOME without a kubeconfig: only the flags can point kubectl at the recorded cluster.
    env: { ...process.env, PATH: `${FIXTURE}:${process.env.PATH}`, HOME: root, XDG_CONFIG_HOME: root, KUBECONFIG: '' },
  });
  return r;
}

interface Step {
  id: string;
  tool: string;
  status: string;
  result: { exitCode?: number; stdout?: string } | null;
}

describe('triage with the kubectl context and kubeconfig from the flags', () => {
  it('runs the built-in pod diagnostics against that cluster', { timeout: 120_000 }, () => {
    const r = triage(['--kube-context', 'fixture-context', '--kubeconfig', path.join(FIXTURE, 'kubeconfig.yaml')]);
    expect(r.status, r.stderr).toBe(0);
    const steps = (JSON.parse(r.stdout) as { steps: Step[] }).steps.filter((s) => s.tool === 'k8s');
    const describePod = steps.find((s) => s.id === 'builtin-k8s-describe-pod');
    expect(describePod).toMatchObject({ status: 'done', result: { exitCode: 0 } });
    expect(describePod!.result!.stdout).toContain('OOMKilled');
  });

  it('a context the kubeconfig does not have: no k8s step is offered, the plan goes on without one', { timeout: 120_000 }, () => {
    const r = triage(['--kube-context', 'prod-eu', '--kubeconfig', path.join(FIXTURE, 'kubeconfig.yaml')]);
    expect(r.status, r.stderr).toBe(0);
    const steps = (JSON.parse(r.stdout) as { steps: Step[] }).steps;
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.filter((s) => s.tool === 'k8s')).toEqual([]);
  });

  it('a context name with a space is refused with a clear message', { timeout: 120_000 }, () => {
    const bad = triage(['--kube-context', 'prod eu']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/kubeContext: must be a context name without spaces/);
  });
});
