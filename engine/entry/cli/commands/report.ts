import fs from 'node:fs';
import path from 'node:path';
import { incidentReport } from '../../../planning/observe/report';
import { defaultDatabasePath } from '../../../shared/paths';
import { openExisting } from '../../../control/workflow/openForCli';
import { summaryText } from '../agent/summaryText';
import { UsageError, type CliCommand } from '../command';

/**
 * `runbook-agent report ID`: the incident summary of one workflow (what fired, what was checked with citations,
 * likely causes, what was done and by whom, verification, timeline), as text, Markdown (a postmortem draft) or
 * JSON; `--out FILE` writes it to a file instead (a folder gets the draft's own name, `<date>-<alert>.md`).
 */
export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'the incident summary of one workflow: text, --markdown (a postmortem draft) or --json; --out FILE|DIR writes it',
  usage: 'ID [--markdown] [--json] [--out FILE|DIR] [--db FILE]',
  options: { db: { type: 'string' }, markdown: { type: 'boolean' }, json: { type: 'boolean' }, out: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    if (values.markdown && values.json) throw new UsageError('--markdown and --json exclude each other');
    const db = openExisting(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      const report = incidentReport(db, positionals[0] ?? '');
      const text = values.json ? JSON.stringify(report.summary, null, 2) : values.markdown ? report.markdown : summaryText(report.summary);
      if (typeof values.out !== 'string') {
        io.out(text.trimEnd());
        return 0;
      }
      let file = path.resolve(values.out);
      if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) file = path.join(file, values.json ? report.fileName.replace(/\.md$/, '.json') : report.fileName);
      fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
      io.out(`wrote the ${values.markdown ? 'postmortem draft' : 'incident summary'} of ${positionals[0]} to ${file}`);
      return 0;
    } finally {
      db.close();
    }
  },
};
