// A namespace's events list every object in it: another workload's BackOff is not this alert's cause (found with
// OpenShift's KubeDeploymentReplicasMismatch, whose pod cannot be scheduled while collector pods crash beside it).
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../../engine/control/workflow/decision';
import type { Plan } from '../../../../engine/control/workflow/plan';
import { aboutTheAlert } from '../../../../engine/planning/observe/aboutAlert';
import { observe } from '../../../../engine/planning/observe/observations';

const plan: Plan = { summary: '', steps: [{ id: 'events', tool: 'shell', input: { command: 'oc get events -n logging' }, approval: false, phase: 'diagnose' }] };
const events = (...rows: string[]) => ['LAST SEEN   TYPE      REASON             OBJECT                     MESSAGE', ...rows].join('\n');
const BACKOFF_OTHER = '2m55s       Warning   BackOff            pod/collector-x9k2w        Back-off restarting failed container collector in pod collector-x9k2w';
const BACKOFF_OURS = '3m01s       Warning   BackOff            pod/es-2-5d9c7f8b6-mx4tz   Back-off restarting failed container es in pod es-2-5d9c7f8b6-mx4tz';
const SCHEDULING = '3m12s       Warning   FailedScheduling   pod/es-2-5d9c7f8b6-mx4tz   0/6 nodes are available: 3 Insufficient memory';
const read = (stdout: string, labels: Record<string, string>) => {
  const call: CallRecord = { id: 'e'.repeat(64), stepId: 'events', tool: 'shell', status: 'done', input: plan.steps[0]!.input, result: { stdout, stderr: '', exitCode: 0 }, error: null };
  return aboutTheAlert(observe(plan, [call]), labels)[0]!.findings;
};
const backoff = (findings: ReturnType<typeof read>) => findings.find((f) => f.signature === 'crash-loop');

describe("findings about other objects than the alert's", () => {
  const labels = { namespace: 'logging', deployment: 'es-2' };

  it('a signature only in rows of another object is about that object; one in rows of the alert’s stays', () => {
    const findings = read(events(BACKOFF_OTHER, SCHEDULING), labels);
    expect(backoff(findings)).toMatchObject({ other: 'pod/collector-x9k2w' });
    expect(findings.find((f) => f.signature !== 'crash-loop')?.other).toBeUndefined();
  });

  it('another row with the alert’s own object keeps it, and shows that row', () => {
    const f = backoff(read(events(BACKOFF_OTHER, BACKOFF_OURS), labels));
    expect(f?.other).toBeUndefined();
    expect(f?.line).toBe(BACKOFF_OURS);
  });

  it('judges nothing when the alert names no object', () => {
    expect(backoff(read(events(BACKOFF_OTHER), { namespace: 'logging' }))?.other).toBeUndefined();
  });
});
