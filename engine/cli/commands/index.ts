import type { CliCommand } from '../command';
import { doctor } from './doctor';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [doctor];
