import { describe, expect, it } from 'vitest';
import { conditionOf, evaluateCondition } from '../../../../engine/planning/observe/conditions';
import { findingsIn, observe } from '../../../../engine/planning/observe/observations';
import type { CallRecord } from '../../../../engine/control/workflow/decision';
import type { Plan } from '../../../../engine/control/workflow/plan';

const plan: Plan = {
  summary: '',
  steps: [
    { id: 'flag', tool: 'shell', input: { command: 'grep new_pricing config/features.env' }, approval: false, phase: 'diagnose' },
    { id: 'errors', tool: 'shell', input: { command: 'grep -c ERROR logs/app.log' }, approval: false, phase: 'diagnose' },
    { id: 'pods', tool: 'shell', input: { command: 'kubectl get pods' }, approval: false, phase: 'diagnose' },
  ],
};
const call = (stepId: string, result: unknown, status: CallRecord['status'] = 'done'): CallRecord => ({ id: `${stepId.padEnd(12, '0')}abcdef`, stepId, tool: 'shell', status, input: {}, result, error: null });

describe('observations', () => {
  const obs = observe(plan, [
    call('flag', { exitCode: 0, stdout: 'new_pricing=off\n', stderr: '' }),
    call('errors', { exitCode: 0, stdout: '0\n', stderr: 'grep: logs/app.log: No such file or directory\n' }),
    call('pods', { exitCode: 1, stdout: 'api-0   0/1   CrashLoopBackOff   7   10m\n', stderr: '' }),
  ]);
  it('flags a command that wrote to stderr and fails one that exited non-zero: never a plain ✓', () => {
    expect(obs.map((o) => [o.stepId, o.status, o.why])).toEqual([
      ['flag', 'ok', null],
      ['errors', 'flagged', 'wrote to stderr'],
      ['pods', 'failed', 'exit 1'],
    ]);
    expect(obs[0]!.id).toMatch(/^tc:[0-9a-z]{12}$/);
  });
  it('names known failure signatures with the line that showed them', () => {
    expect(obs[1]!.findings.map((f) => f.signature)).toEqual(['file-missing']);
    expect(obs[2]!.findings[0]).toMatchObject({ signature: 'crash-loop', line: 'api-0   0/1   CrashLoopBackOff   7   10m' });
    expect(findingsIn('all good here')).toEqual([]);
  });

  it('checks a runbook condition against the outputs: contradicted, confirmed, or undecided', () => {
    expect(conditionOf('If the flag is on (`new_pricing=on`), turn it off. This edits the file.')).toBe('If the flag is on (`new_pricing=on`), turn it off.');
    expect(conditionOf('If rotated logs fill the volume (`data.db`), delete them.')).toBe('If rotated logs fill the volume (`data.db`), delete them.');
    expect(conditionOf('Restart the service.')).toBeUndefined();
    const off = evaluateCondition('If the flag is on (`new_pricing=on`), turn it off.', obs);
    expect(off).toEqual({ holds: false, why: 'the output of flag shows `new_pricing=off`, not `new_pricing=on`', evidence: [obs[0]!.id] });
    expect(evaluateCondition('If the pod is in CrashLoopBackOff, look at its previous logs.', obs)).toMatchObject({ holds: true, evidence: [obs[2]!.id] });
    expect(evaluateCondition('If it stops again within minutes, roll back.', obs)).toMatchObject({ holds: null });
    expect(evaluateCondition('Unless the flag is on (`new_pricing=on`), do nothing.', obs)).toMatchObject({ holds: true });
  });
});
