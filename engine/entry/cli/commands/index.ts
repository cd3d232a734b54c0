import type { CliCommand } from '../command';
import { doctor } from './doctor';
import { workflowCommands } from './workflowCommands';
import { retrievalCommands } from './retrievalCommands';
import { parseCommand } from './parse';
import { classify } from './classify';
import { traceCommand } from './trace';
import { serveCommand } from './serve';
import { mcpCommand } from './mcp';
import { lintCommand } from './lint';
import { evalCommand } from '../../eval/command';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [doctor, ...workflowCommands, ...retrievalCommands, parseCommand, lintCommand, classify, traceCommand, serveCommand, mcpCommand, evalCommand];
