import { describe, expect, it } from 'vitest';
import type { SourceView } from '../../../protocol/agent';
import { runbookChoices } from '../../../extension/commands/runbookChoices';

const source = (root: string, p: string, score: number, planRunbook = false): SourceView => ({ root, path: p, startLine: 1, endLine: 2, heading: 'h', score, docVersion: 'v', stale: false, planRunbook });

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

  it('marks the plan\'s own runbook and puts it after the others search saw (its score of 1 is not a search score)', () => {
    const files = ['runbooks/a.md', 'runbooks/b.md', 'runbooks/c.md', 'runbooks/d.md'];
    const sources = [source('/ws', 'runbooks/a.md', 1, true), source('/ws', 'runbooks/a.md', 0.6), source('/ws', 'runbooks/b.md', 0.4)];
    expect(runbookChoices(files, sources, '/ws')).toEqual([{ rel: 'runbooks/b.md', score: 0.4 }, { rel: 'runbooks/a.md', score: 0.6, current: true }, { rel: 'runbooks/c.md' }, { rel: 'runbooks/d.md' }]);
    // Chosen by name, with no section in the search results: marked where it falls among the rest.
    expect(runbookChoices(files, [source('/ws', 'runbooks/c.md', 1, true)], '/ws')).toEqual([{ rel: 'runbooks/a.md' }, { rel: 'runbooks/b.md' }, { rel: 'runbooks/c.md', current: true }, { rel: 'runbooks/d.md' }]);
  });

  it('leaves out what search saw outside the workspace or that is no longer a file of it', () => {
    const sources = [source('/elsewhere', 'runbooks/x.md', 0.9), source('/ws', '../ws2/y.md', 0.8), source('/ws', 'runbooks/gone.md', 0.7)];
    expect(runbookChoices(['runbooks/a.md'], sources, '/ws')).toEqual([{ rel: 'runbooks/a.md' }]);
  });
});
