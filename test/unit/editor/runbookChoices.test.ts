import { describe, expect, it } from 'vitest';
import type { SourceView } from '../../../protocol/agent';
import { runbookChoices } from '../../../extension/commands/runbookChoices';

const source = (root: string, p: string, score: number): SourceView => ({ root, path: p, startLine: 1, endLine: 2, heading: 'h', score, docVersion: 'v', stale: false });

describe('the runbooks offered by Use Another Runbook', () => {
  it('puts the files search saw for the plan first, best first, then every other Markdown file by path', () => {
    const files = ['runbooks/queue-stuck.md', 'README.md', 'runbooks/job-queue-backlog.md', 'runbooks/disk.md'];
    const sources = [source('/ws', 'runbooks/queue-stuck.md', 0.5), source('/ws', 'runbooks/job-queue-backlog.md', 1), source('/ws', 'runbooks/queue-stuck.md', 0.2)];
    expect(runbookChoices(files, sources, '/ws')).toEqual([
      { rel: 'runbooks/job-queue-backlog.md', score: 1 },
      { rel: 'runbooks/queue-stuck.md', score: 0.5 },
      { rel: 'README.md' },
      { rel: 'runbooks/disk.md' },
    ]);
  });

  it('leaves out what search saw outside the workspace or that is no longer a file of it', () => {
    const sources = [source('/elsewhere', 'runbooks/x.md', 0.9), source('/ws', '../ws2/y.md', 0.8), source('/ws', 'runbooks/gone.md', 0.7)];
    expect(runbookChoices(['runbooks/a.md'], sources, '/ws')).toEqual([{ rel: 'runbooks/a.md' }]);
  });
});
