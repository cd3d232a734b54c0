import { describe, expect, it } from 'vitest';
import { Classification, classifyCommand } from '../../../engine/execution/risk';
import { corpus, evasions, hostile, HOSTS, type Row } from './commands';

function check(row: Row): void {
  const result = classifyCommand(row.cmd, { allowedHosts: row.hosts ?? HOSTS });
  expect(Classification.parse(result)).toEqual(result);
  expect(result.risk, `${row.cmd} -> ${result.reasons.join('; ')}`).toBe(row.risk);
  expect(result.reasons.length).toBeGreaterThan(0);
  if (row.reason) expect(result.reasons.join('\n'), row.cmd).toContain(row.reason);
}

describe('classifyCommand', () => {
  it('has a table of at least 60 real runbook commands', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(new Set(corpus.map((r) => r.risk))).toEqual(new Set(['read', 'write']));
  });
  describe('real runbook commands', () => {
    it.each(corpus)('$cmd -> $risk', check);
  });
  describe('hostile commands', () => {
    it.each(hostile)('$cmd -> $risk', check);
  });
  for (const [name, rows] of Object.entries(evasions)) {
    describe(`evasion: ${name}`, () => {
      it.each(rows)('$cmd -> $risk', check);
    });
  }

  it('lists every write reason of a compound command, and no read notes beside them', () => {
    const r = classifyCommand('kubectl get pods > pods.txt; rm -rf /tmp/x | tee log.txt');
    expect(r.risk).toBe('write');
    expect(r.reasons).toEqual(['redirects output into pods.txt', '`rm` is not known to be read-only', '`tee` writes to log.txt']);
  });

  it('never throws, whatever the input', () => {
    for (const cmd of ['\0', '$(', '`', '<<', '((', 'case', '"'.repeat(1001), 'a'.repeat(100_000), '${x', 'echo $((1+))', 'echo ${x:1:$((y))}', 'echo ${a[@]}']) {
      expect(() => classifyCommand(cmd)).not.toThrow();
    }
  });
});
