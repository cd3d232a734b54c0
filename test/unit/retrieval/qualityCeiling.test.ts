import { describe, expect, it } from 'vitest';
import { ceiling } from '../../../bench/quality';

const rule = (runbook: string, severity = 'warning') => ({ alert: 'NodeRAIDDegraded', severity, summary: 'RAID array is degraded', expr: 'node_md_disks{job="node-exporter"} > 0', runbook });

describe('the quality bench\'s ceiling', () => {
  it('lets only one of two runbooks come first for alerts whose queries are identical', () => {
    const alerts = [rule('a/NodeRAIDDegraded.md'), rule('b/NodeRAIDDegraded.md'), { alert: 'TargetDown', runbook: 'a/TargetDown.md' }];
    // One of the twins first, the other second; the third alert first.
    expect(ceiling(alerts)).toEqual({ n: 3, recallAt1: +(2 / 3).toFixed(3), mrrAt10: +((1 + 0.5 + 1) / 3).toFixed(3), sharedQueries: 2 });
  });

  it('puts the runbook most alerts of a group point to first, and a different label is a different query', () => {
    const alerts = [rule('a/R.md'), rule('a/R.md'), rule('b/R.md'), rule('b/R.md', 'critical')];
    expect(ceiling(alerts)).toEqual({ n: 4, recallAt1: 0.75, mrrAt10: +((1 + 1 + 0.5 + 1) / 4).toFixed(3), sharedQueries: 3 });
  });
});
