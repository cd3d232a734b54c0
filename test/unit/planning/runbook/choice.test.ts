// Runbook choice and phases in isolation: URL suffix matching against the public corpus's layout (built here
// in a temporary folder), retrieval hits outside the workspace, and heading words.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../../../engine/control/alert';
import { chooseRunbook, listMarkdown, phaseOfHeading, phaseOfSection } from '../../../../engine/planning/runbook';
import type { SearchHit } from '../../../../engine/memory/retrieval/search';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-choice-'));
for (const f of ['prometheus-operator/alertmanager/AlertmanagerFailedReload.md', 'openshift/cluster-monitoring-operator/AlertmanagerFailedReload.md', 'openshift/ceph/CephOSDNearFull.md', 'node_modules/x/KubeDown.md', 'docs/KubeDown.md']) {
  fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
  fs.writeFileSync(path.join(dir, f), '# x\n');
}
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const choose = (alert: object, hits: SearchHit[] = []) => {
  const notes: string[] = [];
  const choice = chooseRunbook({ request: normalizeAlerts(alert)[0]!, workspace: dir, files: listMarkdown(dir), hits, notes });
  return { choice, notes };
};
const hit = (root: string, p: string): SearchHit => ({ root, path: p, startLine: 1, endLine: 1, heading: 'x', score: 1, docVersion: 'v', stale: false, chunkId: 1, text: '' });

describe('choosing a runbook', () => {
  it('matches a URL on the longest run of trailing segments', () => {
    const po = choose({ alertname: 'AlertmanagerFailedReload', runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/alertmanager/alertmanagerfailedreload' });
    expect(po.choice?.path).toBe('prometheus-operator/alertmanager/AlertmanagerFailedReload.md');
    const os4 = choose({ alertname: 'AlertmanagerFailedReload', runbook_url: 'https://github.com/openshift/runbooks/blob/master/alerts/cluster-monitoring-operator/AlertmanagerFailedReload.md' });
    expect(os4.choice?.path).toBe('openshift/cluster-monitoring-operator/AlertmanagerFailedReload.md');
    const templated = choose({ alertname: 'CephOSDNearFull', runbook_url: '{{if query "x"}}https://github.com/openshift/runbooks/blob/master/alerts/ceph/CephOSDNearFull.md{{else}}https://a/b{{end}}' });
    expect(templated.choice?.path).toBe('openshift/ceph/CephOSDNearFull.md');
  });

  it('skips node_modules, ignores hits outside the workspace, and notes links that match nothing', () => {
    expect(listMarkdown(dir).some((f) => f.startsWith('node_modules'))).toBe(false);
    const outside = choose({ alertname: 'Other', runbook_url: 'https://example.com/nothing-here' }, [hit('/etc', 'passwd.md'), hit(dir, '../../x.md')]);
    expect(outside.choice).toBeNull();
    expect(outside.notes).toEqual(['annotations.runbook_url "https://example.com/nothing-here" matches no Markdown file in the workspace']);
    expect(choose({ alertname: 'KubeDown' }).choice).toEqual({ path: 'docs/KubeDown.md', reason: 'docs/KubeDown.md is named after the alert' });
  });

  it('names the other runbooks with the same evidence, and what decided between them', () => {
    // The same alert has a runbook in two sets: nothing on it says which; retrieval's order decides, else path order.
    const upstream = 'prometheus-operator/alertmanager/AlertmanagerFailedReload.md';
    const openshift = 'openshift/cluster-monitoring-operator/AlertmanagerFailedReload.md';
    expect(choose({ alertname: 'AlertmanagerFailedReload' }).choice?.reason).toBe(`${openshift} is named after the alert (${upstream} matches as well; path order decided)`);
    expect(choose({ alertname: 'AlertmanagerFailedReload' }, [hit(dir, upstream)]).choice?.reason).toBe(`${upstream} is named after the alert (${openshift} matches as well; retrieval decided)`);
  });
});

describe('phases', () => {
  it.each([
    ['Diagnosis', 'diagnose'],
    ['Investigating the cause', 'diagnose'],
    ['Check the pods', 'diagnose'],
    ['1. Fix the config', 'mitigate'],
    ['Step 2: Remediation', 'mitigate'],
    ['Workaround', 'mitigate'],
    ['Verify', 'verify'],
    ['Validation', 'verify'],
    ['Impact', null],
    ['Prerequisites', null],
  ])('%s -> %s', (heading, phase) => expect(phaseOfHeading(heading)).toBe(phase));

  it('takes the deepest heading that names a phase', () => {
    expect(phaseOfSection(['Alert', 'Mitigation', 'Check the pods again'])).toBe('diagnose');
    expect(phaseOfSection(['Alert', 'Mitigation', '1. Delete data'])).toBe('mitigate');
    expect(phaseOfSection(['Alert', 'Notes'])).toBeNull();
  });
});
