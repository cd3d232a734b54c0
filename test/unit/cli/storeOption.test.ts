// `--store` on the person's commands (issue #13): a URL that is not postgres:// is a usage error (exit 2) before
// anything is opened, for every command that takes it; an unreachable database is a plain failure (exit 1) that
// names the URL without its password. The decisions themselves are tested against real PostgreSQL in
// test/integration/serve.postgres.person.test.ts and test/store/conformance.ts.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../engine/entry/cli/run';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const ID = '00000000-0000-4000-8000-000000000000';

describe('--store on the person’s commands', () => {
  const commands: string[][] = [
    ['approve', ID],
    ['reject', ID, 'step', '--reason', 'no'],
    ['answer', ID, '7'],
    ['tick', ID, 'done'],
    ['retry', ID, 'step'],
    ['use-runbook', ID, 'runbooks/x.md'],
    ['cancel', ID],
    ['escalate', ID],
    ['mark-resolved', ID],
    ['archive', ID],
    ['resolve', ID, '--note', 'done'],
    ['workflows'],
    ['show', ID],
    ['tier', '--workspace', '.'],
  ];

  it.each(commands)('%s refuses a URL that is not postgres:// with a usage error', async (...args) => {
    for (const [url, said] of [
      ['mysql://rba@127.0.0.1/x', /--store supports PostgreSQL only/],
      ['not a url', /--store must be a URL like postgres:\/\/USER@HOST:PORT\/DB/],
      ['postgres://rba@127.0.0.1:5432/', /--store: the URL names no database/],
    ] as const) {
      const r = await cli(...args, '--store', url);
      expect(r.code, `${args[0]} --store ${url}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(said);
    }
  });

  it('names the store without its password when it cannot be reached', async () => {
    const r = await cli('approve', ID, '--store', 'postgres://rba:secret@127.0.0.1:1/postgres');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot open the control store at postgres:\/\/rba:\*\*\*@127\.0\.0\.1:1\/postgres/);
    expect(r.err).not.toMatch(/secret/);
  });

  it('tier --store needs the workspace path the replicas serve', async () => {
    const r = await cli('tier', '--store', 'postgres://rba@127.0.0.1:1/postgres', 'approved-writes');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--workspace DIR is required/);
  });
});
