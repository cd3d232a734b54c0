import { killSwitchCommand } from './killSwitch';
import { logCommand } from './log';
import { approveCommand, resolveCommand } from './person';
import { showCommand } from './show';
import { workflowsCommand } from './workflows';

/** The workflow engine's subcommands (registered in index.ts). */
export const workflowCommands = [workflowsCommand, showCommand, logCommand, killSwitchCommand, approveCommand, resolveCommand] as const;
