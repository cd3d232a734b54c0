import { killSwitchCommand } from './killSwitch';
import { logCommand } from './log';
import { memoryCommand } from './memory';
import { answerCommand, approveCommand, archiveCommand, cancelCommand, escalateCommand, markResolvedCommand, rejectCommand, resolveCommand, retryCommand, tickCommand, useRunbookCommand } from './person';
import { reportCommand } from './report';
import { tierCommand } from '../agent/tier';
import { triageCommand } from '../agent/triage';
import { showCommand } from './show';
import { storeAware, tierInStore } from './storeCommands';
import { workflowsCommand } from './workflows';

/** The workflow engine's subcommands (registered in index.ts). */
export const workflowCommands = [
  triageCommand,
  workflowsCommand,
  showCommand,
  reportCommand,
  approveCommand,
  rejectCommand,
  answerCommand,
  tickCommand,
  markResolvedCommand,
  escalateCommand,
  cancelCommand,
  retryCommand,
  useRunbookCommand,
  archiveCommand,
  resolveCommand,
  // --store: the tier the `serve --store` replicas share (tier.ts keeps the local file's).
  storeAware(tierCommand, tierInStore),
  logCommand,
  killSwitchCommand,
  memoryCommand,
] as const;
