import os from 'node:os';
import { openDatabase, type Db } from '../../db/open';
import { defaultDatabasePath } from '../../paths';
import { answer, approve, reject, resolve, type StepRef } from '../../workflow/person';
import { requireView } from '../../workflow/store';
import { AGENT_OPTIONS, AGENT_USAGE, openAgent } from '../agent/options';
import { renderReport, workflowReport } from '../agent/report';
import { UsageError, type CliCommand, type Io, type ParsedArgs } from '../command';

const by = (v: unknown) => (typeof v === 'string' ? v : os.userInfo().username);
const PERSON_OPTIONS = { ...AGENT_OPTIONS, by: { type: 'string' }, 'no-run': { type: 'boolean' } } as const;

/**
 * Records a person's decision, then carries the workflow on in this process until it needs a person again
 * (unless --no-run: a running engine, e.g. the editor's, picks it up). Leases keep two engines from running it twice.
 */
async function decideAndContinue(args: ParsedArgs, io: Io, record: (db: Db, id: string) => void): Promise<number> {
  const id = args.positionals[0] ?? '';
  const db = openDatabase(typeof args.values.db === 'string' ? args.values.db : defaultDatabasePath());
  try {
    record(db, id);
    const { workspace } = requireView(db, id);
    if (!args.values['no-run'] && workspace !== '') {
      const agent = openAgent(db, workspace, args.values, io);
      try {
        await agent.runUntilIdle();
      } finally {
        await agent.close();
      }
    }
    const report = workflowReport(db, id);
    io.out(args.values.json ? JSON.stringify(report, null, 2) : renderReport(report));
    return 0;
  } finally {
    db.close();
  }
}

function stepRef(values: ParsedArgs['values'], stepId: string | undefined): StepRef {
  const inputHash = values['input-hash'];
  return { stepId, inputHash: typeof inputHash === 'string' ? inputHash : undefined };
}

export const approveCommand: CliCommand = {
  name: 'approve',
  summary: 'approve the step a workflow waits on (exactly the input shown), or lift a pause; then carry on',
  usage: `ID [STEP] [--input-hash HASH] [--by NAME] [--no-run] ${AGENT_USAGE}`,
  options: { ...PERSON_OPTIONS, 'input-hash': { type: 'string' } },
  positionals: { min: 1, max: 2 },
  run(args, io) {
    return decideAndContinue(args, io, (db, id) => approve(db, id, by(args.values.by), undefined, stepRef(args.values, args.positionals[1])));
  },
};

export const rejectCommand: CliCommand = {
  name: 'reject',
  summary: 'reject the step a workflow waits on, with a reason: it re-plans without it or escalates',
  usage: `ID STEP --reason TEXT [--by NAME] [--no-run] ${AGENT_USAGE}`,
  options: { ...PERSON_OPTIONS, reason: { type: 'string' } },
  positionals: { min: 2, max: 2 },
  run(args, io) {
    const reason = args.values.reason;
    if (typeof reason !== 'string' || reason.trim() === '') throw new UsageError('--reason is required: the log records it and the re-plan reads it');
    return decideAndContinue(args, io, (db, id) => reject(db, id, by(args.values.by), reason, undefined, stepRef(args.values, args.positionals[1])));
  },
};

export const answerCommand: CliCommand = {
  name: 'answer',
  summary: "answer the question a workflow waits on (a value the planner could not fill); then carry on",
  usage: `ID VALUE [--by NAME] [--no-run] ${AGENT_USAGE}`,
  options: PERSON_OPTIONS,
  positionals: { min: 2, max: 2 },
  run(args, io) {
    return decideAndContinue(args, io, (db, id) => answer(db, id, args.positionals[1] ?? '', by(args.values.by)));
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
