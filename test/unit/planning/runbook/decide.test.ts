import { describe, expect, it } from 'vitest';
import { runbookDecision } from '../../../../engine/planning/runbook/decide';
import type { DecideRequest } from '../../../../engine/control/workflow/decision';
import { AlertRequest } from '../../../../engine/control/workflow/request';

const request = AlertRequest.parse({ source: 'test', title: 'log volume' });

function input(skipped: DecideRequest['skipped']): DecideRequest {
  return {
    workflowId: 'w',
    request,
    plan: {
      summary: 'logs',
      steps: [
        { id: 'how-old', tool: 'ask_person', input: { name: 'days', question: 'Older than how many days?' }, phase: 'mitigate', approval: false },
        { id: 'compress', tool: 'shell', input: { command: 'gzip logs/*.log' }, phase: 'mitigate', approval: false },
        { id: 'tell', tool: 'checklist', input: { name: 'tell', item: 'Tell the team' }, phase: 'mitigate', approval: false },
      ],
    },
    stepIndex: 3,
    phase: 'mitigate',
    round: 0,
    calls: [],
    skipped,
    answers: { days: '7' },
  } as DecideRequest;
}

describe('the runbook planner at the end of the mitigation phase', () => {
  it('escalates when every write the runbook names was declined; a question answered or an item ticked is not a mitigation', () => {
    const declined = { compress: { reason: 'declined by ana: not now', by: 'ana', evidence: [] } };
    expect(runbookDecision(input(declined)).escalate).toBe('nothing left to try: every mitigation the runbook names was declined: compress (declined by ana: not now)');
    expect(runbookDecision(input({})).escalate).toBeUndefined();
  });
});
