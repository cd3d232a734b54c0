import { describe, expect, it } from 'vitest';
import { runbookDecision } from '../../../../engine/planning/runbook/decide';
import { placeSilence, SILENCE_STEP_ID } from '../../../../engine/planning/runbook/silence';
import type { DecideRequest } from '../../../../engine/control/workflow/decision';
import { SilenceInput } from '../../../../engine/execution/tools/alertmanager';
import { TOOL } from '../../../../engine/execution/tools/names';
import type { PlanStepInput } from '../../../../engine/control/workflow/plan';
import { AlertRequest } from '../../../../engine/control/workflow/request';

const step = (id: string, phase: 'diagnose' | 'mitigate' | 'verify', risk: 'read' | 'write', tool: string = TOOL.shell): PlanStepInput => ({ id, tool, input: { command: id }, risk, phase });
const steps: PlanStepInput[] = [
  step('check-disk', 'diagnose', 'read'),
  step('ask-threshold', 'mitigate', 'read', TOOL.ask),
  step('show-big-files', 'mitigate', 'read'),
  step('compress', 'mitigate', 'write'),
  step('delete', 'mitigate', 'write'),
  step('recheck', 'verify', 'read'),
];
const request = AlertRequest.parse({ source: 'alertmanager', title: 'Disk full', labels: { alertname: 'DiskFull', instance: 'db-1:9100', severity: 'critical' } });
const plan = { workflowId: 'wf-42', request, rejected: [] };
const tools = new Set([TOOL.shell, TOOL.ask, TOOL.alertmanagerSilence]);
const ids = (s: readonly PlanStepInput[]) => s.map((x) => x.id);

describe('placeSilence', () => {
  it('puts a silence of the alert labels just before the first mitigation write, as a write that waits for approval', () => {
    const out = placeSilence(steps, plan, tools);
    expect(ids(out)).toEqual(['check-disk', 'ask-threshold', 'show-big-files', SILENCE_STEP_ID, 'compress', 'delete', 'recheck']);
    const s = out[3]!;
    expect(s).toMatchObject({ tool: TOOL.alertmanagerSilence, risk: 'write', phase: 'mitigate' });
    expect(s.rationale).toMatch(/60 minutes.*expired as soon as the workflow completes, escalates or is cancelled/);
    const input = SilenceInput.parse(s.input);
    expect(input.matchers).toEqual([
      { name: 'alertname', value: 'DiskFull' },
      { name: 'instance', value: 'db-1:9100' },
      { name: 'severity', value: 'critical' },
    ]);
    expect(input.durationMinutes).toBe(60);
    expect(input.comment).toContain('runbook-agent: workflow wf-42');
    // Pure: the steps it was given are as they were.
    expect(ids(steps)).not.toContain(SILENCE_STEP_ID);
  });

  it('changes nothing without the tool, without a mitigation write, or for an alert not from Alertmanager or resolved', () => {
    expect(placeSilence(steps, plan, new Set([TOOL.shell]))).toEqual(steps);
    const readsOnly = steps.filter((s) => s.risk !== 'write');
    expect(placeSilence(readsOnly, plan, tools)).toEqual(readsOnly);
    // A write outside the mitigate phase is not a mitigation.
    const diagnoseWrite = [step('restart-probe', 'diagnose', 'write'), step('recheck', 'verify', 'read')];
    expect(placeSilence(diagnoseWrite, plan, tools)).toEqual(diagnoseWrite);
    expect(placeSilence(steps, { ...plan, request: { ...request, source: 'text' } }, tools)).toEqual(steps);
    expect(placeSilence(steps, { ...plan, request: { ...request, status: 'resolved' } }, tools)).toEqual(steps);
  });

  it('is not offered again after a person declined it', () => {
    expect(placeSilence(steps, { ...plan, rejected: [{ stepId: SILENCE_STEP_ID, reason: 'keep paging' }] }, tools)).toEqual(steps);
  });

  it('offers no silence when a label cannot be a matcher (a silence on fewer labels would silence more), and notes why', () => {
    const notes: string[] = [];
    const odd = { ...plan, request: { ...request, labels: { ...request.labels, 'bad-name': 'x' } } };
    expect(placeSilence(steps, odd, tools, notes)).toEqual(steps);
    expect(notes).toEqual([expect.stringMatching(/^no Alertmanager silence offered: the alert's labels cannot be silence matchers \(a label name is letters/)]);
    const noName = { ...plan, request: { ...request, labels: { instance: 'db-1:9100' } } };
    expect(placeSilence(steps, noName, tools, notes)).toEqual(steps);
    expect(notes[1]).toMatch(/must name the alert/);
    const multiline = { ...plan, request: { ...request, labels: { ...request.labels, instance: 'db-1\ndb-2' } } };
    expect(placeSilence(steps, multiline, tools, notes)).toEqual(steps);
    expect(notes[2]).toMatch(/plain text/);
  });
});

describe('a silence at the end of the mitigation phase', () => {
  it('is no mitigation: every runbook write declined still escalates, though the silence was approved and made', () => {
    const planned = placeSilence(steps.filter((s) => s.id !== 'show-big-files'), plan, tools).map((s) => ({ approval: false, ...s }));
    const declined = { reason: 'declined by ana: not now', by: 'ana', evidence: [] };
    const decide = { workflowId: 'wf-42', request, plan: { summary: '', steps: planned }, stepIndex: planned.length - 1, phase: 'mitigate', round: 0, calls: [], skipped: { compress: declined, delete: declined }, answers: {} } as unknown as DecideRequest;
    expect(runbookDecision(decide).escalate).toMatch(/^nothing left to try: every mitigation the runbook names was declined: compress .*, delete /);
    // Declining the silence alone declines no mitigation.
    expect(runbookDecision({ ...decide, skipped: { [SILENCE_STEP_ID]: declined } }).escalate).toBeUndefined();
  });
});
