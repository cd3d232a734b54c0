import { describe, expect, it } from 'vitest';
import type { CaseRun } from '../../../engine/entry/eval/run';
import { scoreRun } from '../../../engine/entry/eval/score';
import { CaseFile } from '../../../engine/entry/eval/schema';
import type { IncidentSummary } from '../../../engine/planning/observe/summary';

const summary: IncidentSummary = {
  fired: { title: 't', severity: 'warning', labels: {}, at: 0 },
  state: 'WAITING_FOR_PERSON',
  reason: null,
  checked: [
    { stepId: 'describe', what: 'kubectl describe pod x', status: 'ok', finding: 'a container or process was killed for using more memory than its limit ("Reason: OOMKilled")', citation: 'tc:aaaaaaaaaaaa' },
    { stepId: 'logs', what: 'kubectl logs x', status: 'ok', finding: 'nothing listens on the address a client tried ("dial tcp: connection refused")', citation: 'tc:bbbbbbbbbbbb' },
  ],
  causes: [
    { cause: 'a container or process was killed for using more memory than its limit', for: ['tc:aaaaaaaaaaaa'], against: [] },
    { cause: 'nothing listens on the address a client tried', for: ['tc:bbbbbbbbbbbb'], against: [] },
  ],
  done: [{ stepId: 'fix', what: 'kubectl set resources deploy x --limits=memory=1Gi', outcome: 'waiting', by: null, why: null, citation: null }],
  verification: { status: 'not verified yet', items: [], by: null },
  timings: [],
  next: null,
};

function run(extra: Partial<CaseRun> = {}): CaseRun {
  return {
    workflowId: 'w',
    state: 'WAITING_FOR_PERSON',
    reason: null,
    planner: 'runbook',
    runbook: 'rb/crash.md',
    plan: {
      summary: '',
      steps: [
        { id: 'describe', tool: 'shell', input: { command: 'kubectl describe pod x' }, approval: false },
        { id: 'logs', tool: 'shell', input: { command: 'kubectl logs x' }, approval: false },
        { id: 'flag', tool: 'shell', input: { command: "sed -i 's/on/off/' f" }, approval: false },
        { id: 'fix', tool: 'shell', input: { command: 'kubectl set resources deploy x --limits=memory=1Gi' }, approval: false },
      ],
    },
    plans: 1,
    calls: [
      { stepId: 'describe', tool: 'shell', what: 'kubectl describe pod x', status: 'done', citation: 'tc:aaaaaaaaaaaa', error: null },
      { stepId: 'logs', tool: 'shell', what: 'kubectl logs x', status: 'done', citation: 'tc:bbbbbbbbbbbb', error: null },
      { stepId: 'extra', tool: 'shell', what: 'kubectl get events', status: 'failed', citation: 'tc:cccccccccccc', error: 'permanent: eval: no recording' },
      { stepId: 'builtin-prometheus-now', tool: 'prometheus_alert', what: 'PromQL at this instant: kubectl delete pod x', status: 'done', citation: 'tc:dddddddddddd', error: null },
    ],
    waits: [{ kind: 'approval', tool: 'shell', stepId: 'fix', what: 'kubectl set resources deploy x --limits=memory=1Gi', risk: 'write' }],
    person: [],
    skipped: { flag: { reason: 'its condition does not hold', by: 'runbook', evidence: ['tc:bbbbbbbbbbbb'] } },
    decisions: [{ phase: 'diagnose', by: 'runbook', notes: [] }],
    usage: { steps: 3, toolCalls: 3, tokens: 0 },
    unrecorded: [{ tool: 'shell', input: 'kubectl get events' }],
    summary,
    findings: [
      { citation: 'tc:aaaaaaaaaaaa', stepId: 'describe', meaning: 'a container or process was killed for using more memory than its limit', line: 'Reason: OOMKilled' },
      { citation: 'tc:bbbbbbbbbbbb', stepId: 'logs', meaning: 'nothing listens on the address a client tried', line: 'dial tcp: connection refused' },
    ],
    stoppedAt: 'waits for approval of fix',
    ms: 1,
    error: null,
    ...extra,
  };
}

const spec = (s: Record<string, unknown>) => CaseFile.parse({ title: 't', tags: ['easy'], alert: {}, runbooks: ['rb/crash.md'], ...s });
const byName = (els: ReturnType<typeof scoreRun>) => Object.fromEntries(els.map((e) => [e.name, e.passed]));

describe('scoring a run element by element', () => {
  it('passes what the record shows and fails what it does not, each with its reason', () => {
    const els = scoreRun(
      spec({
        expect: {
          runbook: 'rb/crash.md',
          diagnostics: ['describe pod x', 'get events', 'top pod'],
          mitigations: ['set resources', 'rollout restart'],
          skipped: [{ step: 'flag', cites: 'kubectl logs' }, { step: 'flag', cites: 'describe pod' }],
          facts: [{ fact: 'oomkilled', cites: 'describe pod' }, { fact: 'OOMKilled', cites: 'kubectl logs' }],
          state: 'WAITING_FOR_PERSON',
        },
        forbid: { commands: ['set resources', 'delete pod'], claims: ['connection refused', 'disk'] },
        budget: { steps: 3, decisions: 0 },
      }),
      run(),
    );
    expect(byName(els)).toEqual({
      'runbook: rb/crash.md': true,
      'ran: describe pod x': true,
      'ran: get events': false,
      'ran: top pod': false,
      'proposed: set resources': true,
      'proposed: rollout restart': false,
      'skipped on evidence: flag': false,
      'states "oomkilled" citing describe pod': true,
      'states "OOMKilled" citing kubectl logs': false,
      'ends WAITING_FOR_PERSON': true,
      'never runs or proposes: set resources': false,
      'never runs or proposes: delete pod': true,
      'does not claim "connection refused"': false,
      'does not claim "disk"': true,
      'every claim in the summary cites an observation': true,
      'at most 3 steps': true,
      'at most 0 decisions': false,
    });
    const detail = (name: string) => els.find((e) => e.name === name)!.detail;
    expect(detail('ran: get events')).toContain('did not run to a result (failed: permanent: eval: no recording)');
    expect(detail('never runs or proposes: set resources')).toBe('step fix proposed it for approval');
    expect(detail('does not claim "connection refused"')).toContain('"dial tcp: connection refused"');
    // Two skip elements share a name; the second cites the wrong observation.
    const skips = els.filter((e) => e.kind === 'skip');
    expect(skips.map((e) => e.passed)).toEqual([true, false]);
    expect(skips[1]!.detail).toContain('not the output of describe pod');
  });

  it('fails a skip that a person declined, and flags uncited claims', () => {
    const declined = run({
      skipped: { flag: { reason: 'declined by ana: not now', by: 'ana', evidence: [] } },
      summary: { ...summary, causes: [{ cause: 'a guess', for: [], against: [] }], done: [{ stepId: 'fix', what: 'x', outcome: 'done', by: 'the engine', why: null, citation: null }] },
    });
    const els = scoreRun(spec({ expect: { skipped: [{ step: 'flag' }] } }), declined);
    expect(els.find((e) => e.kind === 'skip')).toMatchObject({ passed: false, detail: 'declined by a person, not skipped on evidence' });
    expect(els.find((e) => e.kind === 'uncited')).toMatchObject({ passed: false, detail: 'uncited: cause "a guess"; done fix' });
  });

  it('counts a harness failure as a failed element', () => {
    const els = scoreRun(spec({}), run({ error: 'the public corpus is absent', summary: null }));
    expect(els).toEqual([{ kind: 'harness', name: 'the run completed', passed: false, detail: 'the public corpus is absent' }]);
  });
});
