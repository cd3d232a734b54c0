import os from 'node:os';
import { openDatabase } from '../../db/open';
import { approve, resolve } from '../../workflow/person';
import { defaultDatabasePath } from '../../paths';
import { UsageError, type CliCommand } from '../command';

const by = (v: unknown) => (typeof v === 'string' ? v : os.userInfo().username);

/** A person approves a step (or resumes after a kill switch); the running engine picks the workflow up. */
export const approveCommand: CliCommand = {
  name: 'approve',
  summary: 'approve the step a workflow waits on (WAITING_FOR_PERSON -> EXECUTING)',
  usage: 'ID [--by NAME] [--db FILE]',
  options: { db: { type: 'string' }, by: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    const db = openDatabase(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      const view = approve(db, positionals[0] ?? '', by(values.by));
      io.out(`${view.id} ${view.state}`);
      return 0;
    } finally {
      db.close();
    }
  },
};

/** A person closes an escalated workflow after deciding what happened (e.g. an "outcome unknown" write). */
export const resolveCommand: CliCommand = {
  name: 'resolve',
  summary: 'close an ESCALATED workflow with a note (ESCALATED -> COMPLETED)',
  usage: 'ID --note TEXT [--by NAME] [--db FILE]',
  options: { db: { type: 'string' }, by: { type: 'string' }, note: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    if (typeof values.note !== 'string' || values.note.trim() === '') throw new UsageError('--note is required: the log records the decision');
    const db = openDatabase(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      const view = resolve(db, positionals[0] ?? '', by(values.by), values.note);
      io.out(`${view.id} ${view.state}`);
      return 0;
    } finally {
      db.close();
    }
  },
};
