import { describe, expect, it } from 'vitest';
import { IncidentMemory, lastTime, memoryMarkdown, memoryOf, recall } from '../../../engine/memory/incidents/incident';
import type { IncidentSummary } from '../../../engine/planning/observe/summary';

const HOUR = 3_600_000;

function summary(over: Partial<IncidentSummary> = {}, labels: Record<string, string> = {}): IncidentSummary {
  return {
    fired: { title: 'Log volume filling up', severity: 'warning', labels: { alertname: 'LogVolumeFillingUp', service: 'api', pod: 'api-7c9d-x2', value: '97', ...labels }, at: 0 },
    state: 'COMPLETED',
    reason: null,
    checked: [{ stepId: 'du', what: 'du -sh logs/', status: 'ok', finding: '480M logs/', citation: 'tc:aaaaaaaaaaaa' }],
    causes: [
      { cause: 'rotated logs fill the volume', for: ['tc:aaaaaaaaaaaa'], against: [] },
      { cause: 'No space left on device', for: [], against: ['tc:aaaaaaaaaaaa'] },
    ],
    done: [
      { stepId: 'gzip', what: 'gzip logs/*.log', outcome: 'done', by: 'ana', why: null, citation: 'tc:bbbbbbbbbbbb' },
      { stepId: 'rm', what: 'rm logs/old', outcome: 'declined', by: 'ana', why: 'declined by ana: keep', citation: null },
    ],
    verification: { status: 'passed', items: ['du -sm logs/: 1 < 10 ✓'], by: null },
    timings: [],
    next: null,
    ...over,
  };
}

describe('incident memory', () => {
  it('remembers only settled workflows, with identity labels and causes the evidence favours', () => {
    expect(memoryOf('w0', summary({ state: 'EXECUTING' }), null, 1)).toBeNull();
    const m = memoryOf('w1', summary(), 'runbooks/logs.md', 14 * 60_000)!;
    expect(IncidentMemory.parse(m)).toEqual(m);
    expect(m.labels).toEqual({ alertname: 'LogVolumeFillingUp', service: 'api' });
    expect(m.causes).toEqual(['rotated logs fill the volume']);
    expect(m.done.map((d) => d.outcome)).toEqual(['done', 'declined']);
  });

  it('recalls the same alert first (more shared labels, then newer), other alerts only on the same object', () => {
    const same = memoryOf('a', summary(), null, 10 * HOUR)!;
    const sameOtherService = memoryOf('b', summary({}, { service: 'web' }), null, 20 * HOUR)!;
    const otherAlertSameObject = memoryOf('c', summary({ fired: { ...summary().fired, title: 'High latency', labels: { alertname: 'HighLatency', service: 'api', namespace: 'prod' } } }), null, 30 * HOUR)!;
    const unrelated = memoryOf('d', summary({ fired: { ...summary().fired, title: 'Disk', labels: { alertname: 'DiskFull', node: 'n1' } } }), null, 40 * HOUR)!;
    const got = recall([sameOtherService, unrelated, otherAlertSameObject, same], { title: 'x', labels: { alertname: 'LogVolumeFillingUp', service: 'api', namespace: 'prod' } });
    expect(got.map((r) => r.memory.workflowId)).toEqual(['a', 'b', 'c']);
    expect(got[0]!.shared).toEqual(['alertname', 'service']);
    expect(recall([same], { title: 'x', labels: { alertname: 'LogVolumeFillingUp' } }, { exclude: 'a' })).toEqual([]);
  });

  it('says last time what ran, what fixed it, by whom, and how long it took', () => {
    const m = memoryOf('a', summary(), null, 14 * 60_000)!;
    const text = lastTime({ memory: m, shared: ['alertname', 'service'] }, 14 * 60_000 + 3 * HOUR);
    expect(text).toBe('Log volume filling up (service=api), 3.0 h ago: completed (verification passed) in 14 min. Checked: du -sh logs/ → 480M logs/. Likely cause: rotated logs fill the volume. What fixed it: gzip logs/*.log (by ana).');
    const nothing = memoryOf('b', summary({ state: 'ESCALATED', done: [] }), null, 60_000)!;
    expect(lastTime({ memory: nothing, shared: ['alertname'] }, 120_000)).toMatch(/escalated in 60 s\..*Nothing was changed\.$/);
  });

  it('is a Markdown document for the index, naming the alert and its labels', () => {
    const md = memoryMarkdown(memoryOf('a', summary(), 'runbooks/logs.md', 0)!);
    expect(md).toContain('# Incident: Log volume filling up');
    expect(md).toContain('Alert LogVolumeFillingUp (alertname=LogVolumeFillingUp, service=api); completed 1970-01-01T00:00:00.000Z, runbook runbooks/logs.md.');
    expect(md).toContain('- done: gzip logs/*.log by ana');
  });
});
