import fs from 'node:fs';
import path from 'node:path';
import { normalizeAlertText } from '../../../control/alert';
import { openDatabase } from '../../../control/db/open';
import { defaultDatabasePath } from '../../../shared/paths';
import { UsageError, type CliCommand } from '../command';
import { AGENT_OPTIONS, AGENT_USAGE, openAgent } from './options';
import { renderReport, workflowReport } from './report';

/** Reads an alert from a file or stdin ('-'). */
function readAlert(where: string): string {
  try {
    return fs.readFileSync(where === '-' ? 0 : where, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the alert from ${where === '-' ? 'stdin' : where}: ${(error as Error).message}`);
  }
}

export const triageCommand: CliCommand = {
  name: 'triage',
  summary: 'plan an alert from the workspace runbooks, run the steps policy allows, stop where a person is needed',
  usage: `--workspace DIR --alert FILE|- ${AGENT_USAGE}`,
  options: { ...AGENT_OPTIONS, workspace: { type: 'string' }, alert: { type: 'string' } },
  async run({ values }, io) {
    if (typeof values.workspace !== 'string') throw new UsageError('--workspace DIR is required');
    if (typeof values.alert !== 'string') throw new UsageError('--alert FILE (or - for stdin) is required');
    const workspace = path.resolve(values.workspace);
    if (!fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${workspace} is not a folder`);
    // Normalise before touching the database: a bad alert changes nothing.
    const alerts = normalizeAlertText(readAlert(values.alert));
    const db = openDatabase(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    const agent = openAgent(db, workspace, values, io);
    try {
      await agent.index();
      const started = agent.start(alerts);
      await agent.runUntilIdle();
      const reports = started.map((w) => workflowReport(db, w.id));
      io.out(values.json ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) : reports.map(renderReport).join('\n\n'));
      return 0;
    } finally {
      await agent.close();
      db.close();
    }
  },
};
