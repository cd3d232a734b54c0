import type { CliCommand } from '../command';
import { doctor } from './doctor';
import { workflowCommands } from './workflowCommands';
import { retrievalCommands } from './retrievalCommands';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [doctor, ...workflowCommands, ...retrievalCommands];
