import os from 'node:os';
import { openDatabase, type Db } from '../../db/open';
import { defaultDatabasePath } from '../../paths';
import { answer, approve, archive, cancel, escalateNow, markResolved, reject, resolve, retry, tick, type StepRef } from '../../workflow/person';
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
  summary: 'reject (decline) the step a workflow waits on, with a reason: it will not run, and the workflow goes on from the next step',
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

const note = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Records a person's decision that needs no steps run, and prints where the workflow now stands. */
function record(args: ParsedArgs, io: Io, act: (db: Db, id: string) => void): number {
  const id = args.positionals[0] ?? '';
  const db = openDatabase(typeof args.values.db === 'string' ? args.values.db : defaultDatabasePath());
  try {
    act(db, id);
    const report = workflowReport(db, id);
    io.out(args.values.json ? JSON.stringify(report, null, 2) : renderReport(report));
    return 0;
  } finally {
    db.close();
  }
}

const RECORD_OPTIONS = { db: { type: 'string' }, by: { type: 'string' }, note: { type: 'string' }, json: { type: 'boolean' } } as const;

/** Issue #11: a runbook instruction that is not a command; a person does it and ticks it, recorded like any step. */
export const tickCommand: CliCommand = {
  name: 'tick',
  summary: 'tick the checklist item a workflow waits on (done or skipped, with an optional note); then carry on',
  usage: `ID done|skipped [--note TEXT] [--by NAME] [--no-run] ${AGENT_USAGE}`,
  options: { ...PERSON_OPTIONS, note: { type: 'string' } },
  positionals: { min: 2, max: 2 },
  run(args, io) {
    const outcome = args.positionals[1];
    if (outcome !== 'done' && outcome !== 'skipped') throw new UsageError(`the outcome is 'done' or 'skipped', not '${outcome}'`);
    return decideAndContinue(args, io, (db, id) => tick(db, id, outcome, by(args.values.by), note(args.values.note)));
  },
};

export const markResolvedCommand: CliCommand = {
  name: 'mark-resolved',
  summary: 'say the alert resolved, for a workflow that waits for it (VALIDATING -> COMPLETED)',
  usage: 'ID [--note TEXT] [--by NAME] [--db FILE] [--json]',
  options: RECORD_OPTIONS,
  positionals: { min: 1, max: 1 },
  run(args, io) {
    return record(args, io, (db, id) => markResolved(db, id, by(args.values.by), note(args.values.note)));
  },
};

export const escalateCommand: CliCommand = {
  name: 'escalate',
  summary: 'escalate now instead of waiting (for the alert to resolve, or for a decision)',
  usage: 'ID [--note TEXT] [--by NAME] [--db FILE] [--json]',
  options: RECORD_OPTIONS,
  positionals: { min: 1, max: 1 },
  run(args, io) {
    return record(args, io, (db, id) => escalateNow(db, id, by(args.values.by), note(args.values.note) || 'no note given'));
  },
};

export const cancelCommand: CliCommand = {
  name: 'cancel',
  summary: 'cancel a workflow that waits, failed or was escalated: nothing more runs (CANCELLED)',
  usage: 'ID [--note TEXT] [--by NAME] [--db FILE] [--json]',
  options: RECORD_OPTIONS,
  positionals: { min: 1, max: 1 },
  run(args, io) {
    return record(args, io, (db, id) => cancel(db, id, by(args.values.by), note(args.values.note) || 'no note given'));
  },
};

export const retryCommand: CliCommand = {
  name: 'retry',
  summary: 'run a workflow again from one of its steps (writes still wait for approval); then carry on',
  usage: `ID STEP [--by NAME] [--no-run] ${AGENT_USAGE}`,
  options: PERSON_OPTIONS,
  positionals: { min: 2, max: 2 },
  run(args, io) {
    return decideAndContinue(args, io, (db, id) => retry(db, id, args.positionals[1] ?? '', by(args.values.by)));
  },
};

export const archiveCommand: CliCommand = {
  name: 'archive',
  summary: "hide a settled workflow from 'workflows' (its events stay in the log; --archived lists it)",
  usage: 'ID [--by NAME] [--db FILE] [--json]',
  options: { db: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    return record(args, io, (db, id) => archive(db, id, by(args.values.by)));
  },
};
