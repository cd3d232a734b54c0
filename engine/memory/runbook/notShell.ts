// A shell fence that holds no shell: runbooks paste PromQL into `sh` blocks (OpenShift's etcd runbooks) and show
// what a command printed in a block of its own (`notAfter=Aug  6 13:11:20 2025 GMT`, which a shell would run as
// a program named `6`). Neither can ever run as shell, so neither becomes a shell step a person is asked to
// approve: a query is a PromQL step (a read), output is no step. Decided by parsing, as prose commands are.
import { commandWords } from '../../execution/risk/parse';
import { isProseQuery } from './prose';

export type ShellBlockIs = 'shell' | 'promql' | 'output';

/** Longer than a query a runbook pastes, or a few lines of output: judged shell without parsing (it stays cheap). */
const MAX_CHARS = 2000;
/** Only text where a query or output could be is parsed: a call or selector (`rate(`, `up{`), or a line led by a digit. */
const WORTH_PARSING = /[\w:]\s*[({]|^\s*(?:\w+=\S*\s+)*\d/m;

export function shellBlockIs(command: string): ShellBlockIs {
  if (command.length > MAX_CHARS || !WORTH_PARSING.test(command)) return 'shell';
  const commands = commandWords(command);
  if (commands === null) return isProseQuery(command) ? 'promql' : 'shell';
  const programs = commands.map((words) => words[0]!.text);
  // No program is named by a number: such a line is a date, a count or a table row.
  return programs.length > 0 && programs.every((p) => /^\d/.test(p)) ? 'output' : 'shell';
}
