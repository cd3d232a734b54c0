import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaseError, loadCases } from '../../../engine/entry/eval/load';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function caseDir(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-load-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

const good = {
  title: 'a case',
  tags: ['easy', 'demo'],
  alert: { labels: { alertname: 'DemoHighErrorRate', severity: 'warning' }, annotations: { summary: 'errors' } },
  runbooks: [{ file: 'rb.md', to: 'runbooks/rb.md' }],
  recordings: [
    { command: 'grep -c ERROR logs/app.log', stdoutFile: 'out/count.txt' },
    { query: 'up == 0', result: [] },
  ],
};

describe('loading evaluation cases', () => {
  it('reads a folder of case folders, each validated, with its files', () => {
    const root = caseDir({ 'one/case.json': JSON.stringify(good), 'one/rb.md': '# rb\n', 'one/out/count.txt': '50\n', 'two/case.json': JSON.stringify({ ...good, tags: ['hard'] }), 'two/rb.md': '# rb\n', 'two/out/count.txt': '1\n' });
    const cases = loadCases(root, { corpus: null });
    expect(cases.map((c) => [c.id, c.level])).toEqual([
      ['one', 'easy'],
      ['two', 'hard'],
    ]);
    expect(cases[0]!.alert.labels.alertname).toBe('DemoHighErrorRate');
    expect(cases[0]!.spec.expect.diagnostics).toEqual([]);
  });

  it('names the file and the field of every problem, all at once', () => {
    const bad = {
      ...good,
      tags: ['demo'],
      recordings: [{ command: 'ls', stdout: 'a', stdoutFile: 'b.txt' }, { query: 'up' }, { nothing: true }],
      expect: { diagnostics: 'not a list' },
    };
    const root = caseDir({ 'bad/case.json': JSON.stringify(bad) });
    let message = '';
    try {
      loadCases(root, { corpus: null });
    } catch (error) {
      expect(error).toBeInstanceOf(CaseError);
      message = (error as Error).message;
    }
    expect(message).toContain(path.join('bad', 'case.json'));
    expect(message).toContain('tags: exactly one of easy, medium, hard (found none)');
    expect(message).toContain('recordings.0: give stdout or stdoutFile, not both');
    expect(message).toContain('recordings.1.result: result is required (use [] for no series)');
    expect(message).toContain('recordings.2: a recording has command (shell), query (PromQL) or tool (any other tool)');
    expect(message).toContain('expect.diagnostics: Invalid input: expected array');
  });

  it('refuses files that are missing or outside the case folder, an alert it cannot read, and two recordings of one command', () => {
    const bad = {
      ...good,
      alert: { labels: {} },
      runbooks: [{ file: '../outside.md', to: 'runbooks/x.md' }, 'prometheus-operator/../../etc/passwd'],
      recordings: [{ command: 'ls  -l', stdoutFile: 'missing.txt' }],
    };
    const twice = { ...good, runbooks: [{ file: 'rb.md', to: 'rb.md' }], recordings: [{ command: 'ls  -l', stdout: 'a' }, { command: 'ls -l', stdout: 'b' }] };
    const root = caseDir({ 'bad/case.json': JSON.stringify(bad), 'twice/case.json': JSON.stringify(twice), 'twice/rb.md': '#' });
    expect(() => loadCases(root, { corpus: null })).toThrow(
      /2 invalid case\(s\):\n.*bad.case\.json: alert: an alert needs a name.*recordings\.0\.stdoutFile: missing\.txt does not exist.*runbooks\.0\.file: \.\.\/outside\.md is outside the case folder.*runbooks\.1: .* must be a path inside corpus\/runbooks.*\n.*twice.case\.json: recordings: two recordings for command "ls -l"/,
    );
  });

  it('says when a folder holds no case and when a file is not JSON', () => {
    expect(() => loadCases(caseDir({ 'README.md': '#' }), { corpus: null })).toThrow(/holds no case/);
    expect(() => loadCases(caseDir({ 'x/case.json': '{ nope' }), { corpus: null })).toThrow(/case\.json: not JSON/);
  });
});

describe('the shipped suite', () => {
  const corpus = path.resolve('..', 'shared', 'corpus');
  const hasCorpus = fs.existsSync(path.join(corpus, 'runbooks'));

  it('loads: at least 40 cases, a difficulty each, a third with a red herring, every corpus runbook present', () => {
    const cases = loadCases('eval/cases', { corpus: hasCorpus ? corpus : null });
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const levels = new Set(cases.map((c) => c.level));
    expect([...levels].sort()).toEqual(['easy', 'hard', 'medium']);
    const herrings = cases.filter((c) => c.spec.tags.includes('red-herring')).length;
    expect(herrings * 3).toBeGreaterThanOrEqual(cases.length);
    expect(cases.filter((c) => c.spec.base === 'examples/demo-workspace').length).toBeGreaterThanOrEqual(3);
  });
});
