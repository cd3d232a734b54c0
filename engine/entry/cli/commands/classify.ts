import { classifyCommand } from '../../../execution/risk';
import type { CliCommand } from '../command';

export const classify: CliCommand = {
  name: 'classify',
  summary: 'say whether a shell command only reads or may write (parsed, not pattern-matched)',
  usage: '[--json] [--allow-host HOST]... "COMMAND"',
  options: { json: { type: 'boolean' }, 'allow-host': { type: 'string', multiple: true } },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    const result = classifyCommand(positionals[0]!, { allowedHosts: (values['allow-host'] as string[] | undefined) ?? [] });
    io.out(values.json ? JSON.stringify(result) : `${result.risk}: ${result.reasons.join('; ')}`);
    // Both answers are successful classifications; callers read the risk, not the exit code.
    return 0;
  },
};
