// The incident summary's findings state what each output showed (facts.ts), each citing its tool call; a question
// a person answered is said as theirs, with the answer; multi-line commands do not break the Markdown list.
import { describe, expect, it } from 'vitest';
import { observe } from '../../../../engine/planning/observe/observations';
import { composeSummary, FINDING_CHARS, findingOf, inlineCode, summaryMarkdown, type SummaryEvent } from '../../../../engine/planning/observe/summary';
import type { CallRecord } from '../../../../engine/control/workflow/decision';
import type { Plan } from '../../../../engine/control/workflow/plan';
import type { WorkflowView } from '../../../../engine/control/workflow/view';
import { DESCRIBE_DEPLOY, DESCRIBE_OOM, GET_PODS } from './outputs';

const DEBUG = 'oc debug node/worker-5.ocp.example.com\nchroot /host\nsystemctl status chronyd';
const plan: Plan = {
  summary: '',
  steps: [
    { id: 'describe', tool: 'shell', input: { command: 'kubectl -n payments describe pod payment-api-7c9d8b6f5-x2x9q' }, approval: false, phase: 'diagnose' },
    { id: 'pods', tool: 'shell', input: { command: 'kubectl -n checkout get pods' }, approval: false, phase: 'diagnose' },
    { id: 'flag', tool: 'shell', input: { command: 'grep new_pricing config/features.env' }, approval: false, phase: 'diagnose' },
    { id: 'debug', tool: 'shell', input: { command: DEBUG }, approval: false, phase: 'diagnose' },
    { id: 'which-ns', tool: 'ask_person', input: { name: 'NS', question: 'Which namespace holds the PVC?' }, approval: false, phase: 'diagnose' },
    { id: 'limit', tool: 'ask_person', input: { name: 'LIMIT', question: 'What memory limit should api get?' }, approval: false, phase: 'mitigate' },
    { id: 'raise', tool: 'shell', input: { command: 'kubectl -n payments set resources deploy/payment-api --limits=memory=1Gi' }, approval: true, phase: 'mitigate', risk: 'write' },
  ],
};
const key = (c: string) => c.repeat(64);
const shell = (id: string, k: string, stdout: string, exitCode = 0, stderr = ''): CallRecord => ({ id: key(k), stepId: id, tool: 'shell', status: 'done', input: plan.steps.find((s) => s.id === id)!.input, result: { stdout, stderr, exitCode }, error: null });
const calls: CallRecord[] = [
  shell('describe', 'a', DESCRIBE_OOM),
  shell('pods', 'b', GET_PODS),
  shell('flag', 'c', 'new_pricing=off\n'),
  shell('debug', 'd', 'Starting pod/worker-5ocpexamplecom-debug ...\n', 1, "chroot: cannot change root directory to '/host': No such file or directory\n"),
  { id: key('e'), stepId: 'which-ns', tool: 'ask_person', status: 'done', input: plan.steps[4]!.input, result: { name: 'NS', answer: 'data' }, error: null },
  { id: key('f'), stepId: 'limit', tool: 'ask_person', status: 'done', input: plan.steps[5]!.input, result: { name: 'LIMIT', answer: '1Gi' }, error: null },
  shell('raise', '1', 'deployment.apps/payment-api resource requirements updated\n'),
];
const events: SummaryEvent[] = [
  { type: 'answered', at: 10, actor: 'person', data: { stepId: 'which-ns', name: 'NS', value: 'data', by: 'alice' } },
  { type: 'answered', at: 20, actor: 'person', data: { stepId: 'limit', name: 'LIMIT', value: '1Gi', by: 'bob' } },
  { type: 'approved', at: 30, actor: 'person', data: { stepId: 'raise', by: 'bob' } },
];
const view = {
  id: 'wf', state: 'COMPLETED', reason: null, plan, request: { title: 'KubePodCrashLooping', severity: 'warning', labels: { namespace: 'payments' } },
  createdAt: 0, stepIndex: 7, skipped: {}, verification: null, awaitingResolution: null, waiting: null,
} as unknown as WorkflowView;

describe('the incident summary', () => {
  const summary = composeSummary(view, calls, events);
  const finding = (stepId: string) => summary.checked.find((c) => c.stepId === stepId)!;

  it('states the facts of each output, citing its tool call, instead of its first lines', () => {
    expect(finding('describe')).toMatchObject({ citation: `tc:${'a'.repeat(12)}`, status: 'ok' });
    // The signatures first (with the line that matched), then the facts that line does not already say.
    expect(finding('describe').finding).toBe(
      [
        'a container or process was killed for using more memory than its limit ("Reason:       OOMKilled")',
        'a container keeps exiting and Kubernetes keeps restarting it ("Reason:       CrashLoopBackOff")',
        'Status: Running',
        'container api: State Waiting, Reason CrashLoopBackOff, Last State Terminated, Reason OOMKilled, Exit Code 137, Ready False, Restart Count 14',
        'condition Ready=False',
        'condition ContainersReady=False',
        'event Warning BackOff (x196 over 46m): Back-off restarting failed container api in pod payment-api-7c9d8b6f5-x2x9q_payments(5d0c4f1e-8c3a-4e41-9d55-0a3c0f6f9b21)',
      ].join('; '),
    );
    expect(finding('pods')).toMatchObject({
      citation: `tc:${'b'.repeat(12)}`,
      finding:
        'a container keeps exiting and Kubernetes keeps restarting it ("checkout-web-6b7f9d5c4-qz8lp           0/1     CrashLoopBackOff   9 (2m12s ago)   3d"); READY: 1/1 ×4, 0/1 ×1 (checkout-web-6b7f9d5c4-qz8lp); STATUS: Running ×4, CrashLoopBackOff ×1 (checkout-web-6b7f9d5c4-qz8lp); RESTARTS: 0 ×4, 9 (2m12s ago) ×1 (checkout-web-6b7f9d5c4-qz8lp)',
    });
    // Output with no facts in it: its first lines, as before.
    expect(finding('flag').finding).toBe('new_pricing=off');
    expect(finding('debug').finding).toBe(`failed (exit 1): a file the command expected is not there ("chroot: cannot change root directory to '/host': No such file or directory")`);
  });

  it('reads the facts from the whole output, not the part kept for reading: the events at the end of a long describe', () => {
    const long = DESCRIBE_OOM.replace('Events:', `Annotations2:\n${'  padding: x\n'.repeat(400)}Events:`);
    const [o] = observe({ summary: '', steps: [plan.steps[0]!] }, [shell('describe', 'a', long)]);
    expect(o!.output.length).toBeLessThan(long.length);
    expect(o!.output).not.toContain('Back-off restarting');
    expect(o!.facts.at(-1)).toMatch(/^event Warning BackOff \(x196 over 46m\)/);
    expect(findingOf(o!)).toContain('event Warning BackOff (x196 over 46m)');
  });

  it('bounds a finding: whole facts while they fit, then how many more', () => {
    const [o] = observe({ summary: '', steps: [plan.steps[0]!] }, [shell('describe', 'a', DESCRIBE_DEPLOY)]);
    const many = { ...o!, findings: [], facts: Array.from({ length: 8 }, (_, i) => `${i}: ${'x'.repeat(290)}`) };
    const text = findingOf(many);
    expect(text.length).toBeLessThanOrEqual(FINDING_CHARS + 20);
    expect(text).toMatch(/^0: x+; 1: x+; 2: x+; 3: x+; … 4 more$/);
  });

  it('says who answered a question and what, in any phase, instead of "done by the engine"', () => {
    expect(summary.done.map((d) => [d.stepId, d.outcome, d.what, d.by, d.why, d.citation])).toEqual([
      ['which-ns', 'done', 'Which namespace holds the PVC?', 'alice', 'answered "data"', `tc:${'e'.repeat(12)}`],
      ['limit', 'done', 'What memory limit should api get?', 'bob', 'answered "1Gi"', `tc:${'f'.repeat(12)}`],
      // What a command did: what its output says.
      ['raise', 'done', 'kubectl -n payments set resources deploy/payment-api --limits=memory=1Gi', 'bob', 'deployment.apps/payment-api resource requirements updated', `tc:${'1'.repeat(12)}`],
    ]);
    // Answered before a re-plan (no event for this step id): matched by the answer's name.
    const replanned = composeSummary(view, calls, [{ type: 'answered', at: 5, actor: 'person', data: { stepId: 'old-id', name: 'LIMIT', value: '2Gi', by: 'carol' } }]);
    expect(replanned.done.find((d) => d.stepId === 'limit')).toMatchObject({ by: 'carol', why: 'answered "2Gi"' });
    expect(replanned.done.find((d) => d.stepId === 'which-ns')).toMatchObject({ by: 'a person', why: 'answered "data"' });
    expect(summary.done.some((d) => d.by === 'the engine' && d.stepId !== 'raise')).toBe(false);
  });

  it('keeps every list item on one line in Markdown: a multi-line command with its lines joined by ⏎', () => {
    const md = summaryMarkdown(summary);
    const item = md.split('\n').find((l) => l.includes('oc debug'))!;
    expect(item).toBe(`- ✗ \`oc debug node/worker-5.ocp.example.com ⏎ chroot /host ⏎ systemctl status chronyd\`: ${finding('debug').finding} [tc:${'d'.repeat(12)}]`);
    expect(md).not.toMatch(/^chroot \/host/m);
    expect(md).toContain('- done: `Which namespace holds the PVC?` by alice (answered "data") [tc:eeeeeeeeeeee]');
    // Every line of the checked section is a list item.
    const section = md.slice(md.indexOf('## What was checked'), md.indexOf('## Likely causes')).split('\n').slice(2).filter((l) => l !== '');
    expect(section.every((l) => l.startsWith('- '))).toBe(true);
    expect(inlineCode('grep `x` y')).toBe('``grep `x` y``');
    expect(inlineCode('`a`')).toBe('`` `a` ``');
    expect(inlineCode('ls\n\n  ')).toBe('`ls`');
    expect(inlineCode(`echo ${'x'.repeat(400)}`)).toMatch(/^`echo x+…`$/);
    expect(inlineCode(`echo ${'x'.repeat(400)}`).length).toBe(302);
  });
});

describe('signatures in a log that prints levels', () => {
  const LOG = [
    '2026-11-24T02:51:17Z WARN metrics-push: connect to 127.0.0.1:9091 failed: Connection refused (retrying in 30s)',
    '2026-11-24T02:52:40Z INFO checkout started (pid 48211)',
    '2026-11-24T02:53:02Z ERROR checkout: out of memory, exiting',
  ].join('\n');
  const logPlan: Plan = { summary: '', steps: [{ id: 'log', tool: 'shell', input: { command: 'tail -n 20 services/checkout/service.log' }, approval: false, phase: 'diagnose' }] };
  const logView = { ...view, plan: logPlan } as unknown as WorkflowView;

  it('a signature only in lines below the log’s most severe ones is said as such, and is not a likely cause', () => {
    const call: CallRecord = { id: key('9'), stepId: 'log', tool: 'shell', status: 'done', input: logPlan.steps[0]!.input, result: { stdout: LOG, stderr: '', exitCode: 0 }, error: null };
    const [o] = observe(logPlan, [call]);
    expect(o!.findings).toEqual([
      expect.objectContaining({ signature: 'connection-refused', level: 'warn', minor: { level: 'warn', below: 'error' } }),
    ]);
    const s = composeSummary(logView, [call], []);
    expect(s.causes).toEqual([]);
    // The WARN line is quoted once: the fact that repeats it is left out.
    expect(s.checked[0]!.finding).toBe(
      'nothing listens on the address a client tried, only in WARN lines beside ERROR ones ("2026-11-24T02:51:17Z WARN metrics-push: connect to 127.0.0.1:9091 failed: Connection refused (retrying in 30s)"); ERROR checkout: out of memory, exiting; INFO checkout started (pid 48211)',
    );
  });

  it('a signature only in INFO lines is not a likely cause, also in klog lines read through the journal', () => {
    // `oc adm node-logs` / `journalctl -o short-precise`: a syslog prefix with microseconds, then kubelet's klog line.
    const journal = [
      'Nov 24 03:05:02.118412 master-0.example.com kubenswrapper[2841]: I1124 03:05:02.118344    2841 kubelet.go:2441] "SyncLoop (PLEG): event for pod" pod="ns/etcd-0"',
      'Nov 24 03:05:03.402779 master-1.example.com kubenswrapper[2790]: I1124 03:05:03.402711    2790 prober.go:107] "Probe failed" probeType="Readiness" output="Get \\"https://10.129.0.41:8443/health\\": context deadline exceeded"',
    ].join('\n');
    const call: CallRecord = { id: key('5'), stepId: 'log', tool: 'shell', status: 'done', input: logPlan.steps[0]!.input, result: { stdout: journal, stderr: '', exitCode: 0 }, error: null };
    const [o] = observe(logPlan, [call]);
    expect(o!.findings).toEqual([expect.objectContaining({ signature: 'timeout', level: 'info', minor: { level: 'info' } })]);
    const s = composeSummary(logView, [call], []);
    expect(s.causes).toEqual([]);
    expect(s.checked[0]!.finding).toMatch(/^a call took longer than its deadline, only in INFO lines \("Nov 24 03:05:03\.402779 master-1/);
  });

  it('across the incident too: a WARN signature in one output is not a likely cause beside an ERROR another printed; an event is never judged so', () => {
    const twoPlan: Plan = {
      summary: '',
      steps: [
        { id: 'grep', tool: 'shell', input: { command: 'oc logs -l app=am | grep failed' }, approval: false, phase: 'diagnose' },
        { id: 'tail', tool: 'shell', input: { command: 'oc logs am-0 --tail=200' }, approval: false, phase: 'diagnose' },
        { id: 'events', tool: 'shell', input: { command: 'oc get events' }, approval: false, phase: 'diagnose' },
      ],
    };
    const call = (stepId: string, k: string, stdout: string): CallRecord => ({ id: key(k), stepId, tool: 'shell', status: 'done', input: twoPlan.steps.find((s) => s.id === stepId)!.input, result: { stdout, stderr: '', exitCode: 0 }, error: null });
    const c = [
      call('grep', '3', 'level=ERROR msg="Loading configuration file failed" err="address smtp.example.com: missing port in address"\n'),
      call('tail', '4', 'level=WARN msg="Notify attempt failed, will retry later" err="Post: context deadline exceeded"\nlevel=INFO msg="Completed loading of configuration file"\n'),
      call('events', '2', 'LAST SEEN   TYPE      REASON    OBJECT      MESSAGE\n2m          Warning   BackOff   pod/am-1    Back-off restarting failed container\n'),
    ];
    const s = composeSummary({ ...view, plan: twoPlan } as unknown as WorkflowView, c, []);
    expect(s.causes.map((x) => x.cause)).toEqual(['a container keeps exiting and Kubernetes keeps restarting it']);
    expect(s.checked.find((x) => x.stepId === 'tail')!.finding).toMatch(
      new RegExp(`^a call took longer than its deadline, only in WARN lines beside ERROR ones in tc:${'3'.repeat(12)} \\("level=WARN`),
    );
  });

  it('the line shown is the most severe that matched; with the same level it stays a cause', () => {
    const both = `${LOG}\n2026-11-24T02:53:03Z ERROR checkout: dial tcp 10.0.0.5:5432: connect: connection refused`;
    const call: CallRecord = { id: key('8'), stepId: 'log', tool: 'shell', status: 'done', input: logPlan.steps[0]!.input, result: { stdout: both, stderr: '', exitCode: 0 }, error: null };
    const [o] = observe(logPlan, [call]);
    expect(o!.findings[0]).toMatchObject({ signature: 'connection-refused', level: 'error', line: '2026-11-24T02:53:03Z ERROR checkout: dial tcp 10.0.0.5:5432: connect: connection refused' });
    expect(o!.findings[0]!.minor).toBeUndefined();
    expect(composeSummary(logView, [call], []).causes).toEqual([{ cause: 'nothing listens on the address a client tried', for: [`tc:${'8'.repeat(12)}`], against: [] }]);
  });
});

describe('what was done says what each command showed', () => {
  it('a read of the mitigation section states its facts; a failed one says why without repeating "failed"', () => {
    const p: Plan = {
      summary: '',
      steps: [
        { id: 'pods', tool: 'shell', input: { command: 'kubectl -n checkout get pods' }, approval: false, phase: 'mitigate', risk: 'read' },
        { id: 'rollout', tool: 'shell', input: { command: 'kubectl -n checkout rollout status deploy/web' }, approval: false, phase: 'mitigate', risk: 'read' },
      ],
    };
    const c: CallRecord[] = [
      { id: key('7'), stepId: 'pods', tool: 'shell', status: 'done', input: p.steps[0]!.input, result: { stdout: GET_PODS, stderr: '', exitCode: 0 }, error: null },
      { id: key('6'), stepId: 'rollout', tool: 'shell', status: 'done', input: p.steps[1]!.input, result: { stdout: '', stderr: 'error: deployment "web" exceeded its progress deadline\n', exitCode: 1 }, error: null },
    ];
    const s = composeSummary({ ...view, plan: p } as unknown as WorkflowView, c, []);
    expect(s.done.map((d) => [d.outcome, d.by, d.why])).toEqual([
      [
        'done',
        'the engine',
        'a container keeps exiting and Kubernetes keeps restarting it ("checkout-web-6b7f9d5c4-qz8lp           0/1     CrashLoopBackOff   9 (2m12s ago)   3d"); READY: 1/1 ×4, 0/1 ×1 (checkout-web-6b7f9d5c4-qz8lp); STATUS: Running ×4, CrashLoopBackOff ×1 (checkout-web-6b7f9d5c4-qz8lp); RESTARTS: 0 ×4, 9 (2m12s ago) ×1 (checkout-web-6b7f9d5c4-qz8lp)',
      ],
      ['failed', 'the engine', 'exit 1: error: deployment "web" exceeded its progress deadline'],
    ]);
  });
});
