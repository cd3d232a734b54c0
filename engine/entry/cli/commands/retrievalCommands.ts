import type { CliCommand } from '../command';
import { index } from './indexCommand';
import { model } from './modelCommand';
import { search } from './searchCommand';

/** The retrieval subcommands: `index`, `search` and `model download`. */
export const retrievalCommands: readonly CliCommand[] = [index, search, model];
