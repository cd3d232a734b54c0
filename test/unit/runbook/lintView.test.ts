import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LintFindingView } from '../../../protocol/lint';
import { lintText } from '../../../engine/entry/agent/lintView';

const at = (text: string, f: { startLine: number; startColumn: number; endLine: number; endColumn: number }) => {
  const lines = text.split('\n');
  if (f.startLine === f.endLine) return lines[f.startLine - 1]!.slice(f.startColumn, f.endColumn);
  return [lines[f.startLine - 1]!.slice(f.startColumn), ...lines.slice(f.startLine, f.endLine - 1), lines[f.endLine - 1]!.slice(0, f.endColumn)].join('\n');
};

describe('lint findings located for the editor (engine/entry/agent/lintView)', () => {
  it('puts a prose command finding under the inline code it names', () => {
    const text = '# Disk full\n\n## Diagnosis\n\nFirst of all\nlook with `kubectl describe` at the node.\n';
    const r = lintText(text, 'runbooks/disk.md');
    expect(r.runbook).toBe(true);
    const f = r.findings.find((x) => x.code === 'prose-command')!;
    expect(LintFindingView.parse(f)).toEqual(f);
    expect(f.severity).toBe('warning');
    expect(at(text, f)).toBe('kubectl describe');
  });

  it('puts an unfilled placeholder under the placeholder, and a write without verification over its fence', () => {
    const text = ['# Queue stuck', '', '## Mitigation', '', '```sh', 'systemctl restart $WIDGET_UNIT', '```', ''].join('\n');
    const r = lintText(text, 'runbooks/queue.md');
    const placeholder = r.findings.find((x) => x.code === 'unfilled-placeholder')!;
    expect(at(text, placeholder)).toBe('$WIDGET_UNIT');
    const write = r.findings.find((x) => x.code === 'write-without-verification')!;
    expect(write).toMatchObject({ startLine: 5, endLine: 7, severity: 'warning' });
    expect(at(text, write)).toBe('```sh\nsystemctl restart $WIDGET_UNIT\n```');
  });

  it('rates a verification without a threshold as information', () => {
    const text = ['# Queue stuck', '', '## Verification', '', '```sh', 'systemctl is-active queue', '```', ''].join('\n');
    const f = lintText(text, 'runbooks/queue.md').findings.find((x) => x.code === 'verification-without-threshold')!;
    expect(f).toMatchObject({ severity: 'information', startLine: 5, endLine: 7 });
  });

  it('says a Markdown file that is not a runbook is not one, with no findings', () => {
    expect(lintText('# Notes\n\nSome text about `kubectl describe`.\n', 'README.md')).toEqual({ runbook: false, findings: [] });
  });

  it('lints the public KubePodCrashLooping runbook with every finding on a line of the file', () => {
    const text = fs.readFileSync(path.resolve('test/fixtures/e2e-kube/runbooks/KubePodCrashLooping.md'), 'utf8');
    const r = lintText(text, 'runbooks/KubePodCrashLooping.md');
    expect(r.runbook).toBe(true);
    const lines = text.split('\n').length;
    for (const f of r.findings) {
      expect(f.startLine).toBeGreaterThanOrEqual(1);
      expect(f.endLine).toBeLessThanOrEqual(lines);
      expect(at(text, f).trim()).not.toBe('');
    }
  });
});
