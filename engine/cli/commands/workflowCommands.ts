import { killSwitchCommand } from './killSwitch';
import { logCommand } from './log';
import { answerCommand, approveCommand, rejectCommand, resolveCommand } from './person';
import { tierCommand } from '../agent/tier';
import { triageCommand } from '../agent/triage';
import { showCommand } from './show';
import { workflowsCommand } from './workflows';

/** The workflow engine's subcommands (registered in index.ts). */
export const workflowCommands = [triageCommand, workflowsCommand, showCommand, approveCommand, rejectCommand, answerCommand, resolveCommand, tierCommand, logCommand, killSwitchCommand] as const;
