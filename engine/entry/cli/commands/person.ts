import os from 'node:os';
import { openDatabase } from '../../../control/db/open';
import { defaultDatabasePath } from '../../../shared/paths';
import { decide, type PersonDecision, type StepRef } from '../../../control/workflow/person';
import { requireView } from '../../../control/store/sqlite/commit';
import { AGENT_OPTIONS, AGENT_USAGE, openAgent } from '../agent/options';
import { renderReport, workflowReport } from '../agent/report';
import { UsageError, type CliCommand, type Io, type ParsedArgs } from '../command';
import { decideInStore, STORE_OPTION, STORE_USAGE, storeOf } from './storeCommands';

const by = (v: unknown) => (typeof v === 'string' ? v : os.userInfo().username);
const PERSON_OPTIONS = { ...AGENT_OPTIONS, ...STORE_OPTION, by: { type: 'string' }, 'no-run': { type: 'boolean' } } as const;

/**
 * Records a person's decision, then carries the workflow on in this process until it needs a person again
 * (unless --no-run: a running engine, e.g. the editor's, picks it up). Leases keep two engines from running it twice.
 * With --store the decision goes to the control store and nothing runs here: the `serve --store` replicas do.
 */
async function decideAndContinue(args: ParsedArgs, io: Io, decision: PersonDecision): Promise<number> {
  const id = args.positionals[0] ?? '';
  if (storeOf(args.values) !== undefined) return decideInStore(args.values, io, id, decision);
  const db = openDatabase(typeof args.values.db === 'string' ? args.values.db : defaultDatabasePath());
  try {
    decide(db, id, Date.now(), decision);
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
  usage: `ID [STEP] [--input-hash HASH] [--by NAME] [--no-run] ${STORE_USAGE} ${AGENT_USAGE}`,
  options: { ...PERSON_OPTIONS, 'input-hash': { type: 'string' } },
  positionals: { min: 1, max: 2 },
  run(args, io) {
    return decideAndContinue(args, io, { kind: 'approve', by: by(args.values.by), ref: stepRef(args.values, args.positionals[1]) });
  },
};

export const rejectCommand: CliCommand = {
  name: 'reject',
  summary: 'reject (decline) the step a workflow waits on, with a reason: it will not run, and the workflow goes on from the next step',
  usage: `ID STEP --reason TEXT [--by NAME] [--no-run] ${STORE_USAGE} ${AGENT_USAGE}`,
  options: { ...PERSON_OPTIONS, reason: { type: 'string' } },
  positionals: { min: 2, max: 2 },
  run(args, io) {
    const reason = args.values.reason;
    if (typeof reason !== 'string' || reason.trim() === '') throw new UsageError('--reason is required: the log records it and the re-plan reads it');
    return decideAndContinue(args, io, { kind: 'reject', by: by(args.values.by), note: reason, ref: stepRef(args.values, args.positionals[1]) });
  },
};

export const answerCommand: CliCommand = {
  name: 'answer',
  summary: "answer the question a workflow waits on (a value the planner could not fill); then carry on",
  usage: `ID VALUE [--by NAME] [--no-run] ${STORE_USAGE} ${AGENT_USAGE}`,
  options: PERSON_OPTIONS,
  positionals: { min: 2, max: 2 },
  run(args, io) {
    return decideAndContinue(args, io, { kind: 'answer', by: by(args.values.by), value: args.positionals[1] ?? '' });
  },
};

/** A person closes an escalated workflow after deciding what happened (e.g. an "outcome unknown" write). */
export const resolveCommand: CliCommand = {
  name: 'resolve',
  summary: 'close an ESCALATED workflow with a note (ESCALATED -> COMPLETED)',
  usage: `ID --note TEXT [--by NAME] [--db FILE] ${STORE_USAGE}`,
  options: { db: { type: 'string' }, by: { type: 'string' }, note: { type: 'string' }, ...STORE_OPTION },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    if (typeof values.note !== 'string' || values.note.trim() === '') throw new UsageError('--note is required: the log records the decision');
    const decision: PersonDecision = { kind: 'resolve', by: by(values.by), note: values.note };
    if (storeOf(values) !== undefined) return decideInStore(values, io, positionals[0] ?? '', decision);
    const db = openDatabase(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      const view = decide(db, positionals[0] ?? '', Date.now(), decision);
      io.out(`${view.id} ${view.state}`);
      return 0;
    } finally {
      db.close();
    }
  },
};

const note = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Records a person's decision that needs no steps run, and prints where the workflow now stands. */
function record(args: ParsedArgs, io: Io, decision: PersonDecision): number | Promise<number> {
  const id = args.positionals[0] ?? '';
  if (storeOf(args.values) !== undefined) return decideInStore(args.values, io, id, decision);
  const db = openDatabase(typeof args.values.db === 'string' ? args.values.db : defaultDatabasePath());
  try {
    decide(db, id, Date.now(), decision);
    const report = workflowReport(db, id);
    io.out(args.values.json ? JSON.stringify(report, null, 2) : renderReport(report));
    return 0;
  } finally {
    db.close();
  }
}

const RECORD_OPTIONS = { db: { type: 'string' }, by: { type: 'string' }, note: { type: 'string' }, json: { type: 'boolean' }, ...STORE_OPTION } as const;

/** Issue #11: a runbook instruction that is not a command; a person does it and ticks it, recorded like any step. */
export const tickCommand: CliCommand = {
  name: 'tick',
  summary: 'tick the checklist item a workflow waits on (done or skipped, with an optional note); then carry on',
  usage: `ID done|skipped [--note TEXT] [--by NAME] [--no-run] ${STORE_USAGE} ${AGENT_USAGE}`,
  options: { ...PERSON_OPTIONS, note: { type: 'string' } },
  positionals: { min: 2, max: 2 },
  run(args, io) {
    const outcome = args.positionals[1];
    if (outcome !== 'done' && outcome !== 'skipped') throw new UsageError(`the outcome is 'done' or 'skipped', not '${outcome}'`);
    return decideAndContinue(args, io, { kind: 'tick', by: by(args.values.by), outcome, note: note(args.values.note) });
  },
};

export const markResolvedCommand: CliCommand = {
  name: 'mark-resolved',
  summary: 'say the alert resolved, for a workflow that waits for it (VALIDATING -> COMPLETED)',
  usage: `ID [--note TEXT] [--by NAME] [--db FILE] ${STORE_USAGE} [--json]`,
  options: RECORD_OPTIONS,
  positionals: { min: 1, max: 1 },
  run(args, io) {
    return record(args, io, { kind: 'mark-resolved', by: by(args.values.by), note: note(args.values.note) });
  },
};

export const escalateCommand: CliCommand = {
  name: 'escalate',
  summary: 'escalate now instead of waiting (for the alert to resolve, or for a decision)',
  usage: `ID [--note TEXT] [--by NAME] [--db FILE] ${STORE_USAGE} [--json]`,
  options: RECORD_OPTIONS,
  positionals: { min: 1, max: 1 },
  run(args, io) {
    return record(args, io, { kind: 'escalate', by: by(args.values.by), note: note(args.values.note) || 'no note given' });
  },
};

export const cancelCommand: CliCommand = {
  name: 'cancel',
  summary: 'cancel a workflow that waits, failed or was escalated: nothing more runs (CANCELLED)',
  usage: `ID [--note TEXT] [--by NAME] [--db FILE] ${STORE_USAGE} [--json]`,
  options: RECORD_OPTIONS,
  positionals: { min: 1, max: 1 },
  run(args, io) {
    return record(args, io, { kind: 'cancel', by: by(args.values.by), note: note(args.values.note) || 'no note given' });
  },
};

export const retryCommand: CliCommand = {
  name: 'retry',
  summary: 'run a workflow again from one of its steps (writes still wait for approval); then carry on',
  usage: `ID STEP [--by NAME] [--no-run] ${STORE_USAGE} ${AGENT_USAGE}`,
  options: PERSON_OPTIONS,
  positionals: { min: 2, max: 2 },
  run(args, io) {
    return decideAndContinue(args, io, { kind: 'retry', by: by(args.values.by), stepId: args.positionals[1] ?? '' });
  },
};

export const useRunbookCommand: CliCommand = {
  name: 'use-runbook',
  summary: 'plan a waiting workflow again from the runbook you name (a Markdown file of its workspace); then carry on',
  usage: `ID PATH [--by NAME] [--no-run] ${STORE_USAGE} ${AGENT_USAGE}`,
  options: PERSON_OPTIONS,
  positionals: { min: 2, max: 2 },
  run(args, io) {
    return decideAndContinue(args, io, { kind: 'use-runbook', by: by(args.values.by), runbook: args.positionals[1] ?? '' });
  },
};

export const archiveCommand: CliCommand = {
  name: 'archive',
  summary: "hide a settled workflow from 'workflows' (its events stay in the log; --archived lists it)",
  usage: `ID [--by NAME] [--db FILE] ${STORE_USAGE} [--json]`,
  options: { db: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean' }, ...STORE_OPTION },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    return record(args, io, { kind: 'archive', by: by(args.values.by) });
  },
};
