// `runbook-agent parse FILE [--json]`, run in process through the CLI's own argument handling.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../engine/entry/cli/run';
import { ParsedRunbook } from '../../../engine/memory/runbook';

const FILE = path.resolve(__dirname, '..', '..', '..', 'examples', 'demo-workspace', 'runbooks', 'job-queue-backlog.md');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('runbook-agent parse', () => {
  it('--json prints the parsed runbook as the schema describes it', async () => {
    const r = await cli('parse', FILE, '--json');
    expect(r.code).toBe(0);
    const parsed = ParsedRunbook.parse(JSON.parse(r.out));
    expect(parsed.steps.map((s) => s.name ?? null)).toEqual([null, null, 'drain-queue', null]);
  });

  it('prints a readable summary with placeholders', async () => {
    const r = await cli('parse', FILE);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('Job queue backlog  5 sections, 4 steps');
    expect(r.out).toContain('placeholders: $BATCH_SIZE (env)');
    expect(r.out).toContain('[shell drain-queue risk=write]');
  });

  it('a missing file fails with exit 1; no file is a usage error', async () => {
    expect((await cli('parse', '/nonexistent/x.md')).code).toBe(1);
    expect((await cli('parse')).code).toBe(2);
  });
});
