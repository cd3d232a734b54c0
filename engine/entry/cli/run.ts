import { parseArgs } from 'node:util';
import { ENGINE_VERSION } from '../../shared/version';
import { UsageError, type CliCommand, type Io } from './command';
import { commands } from './commands/index';

function commandUsage(c: CliCommand): string {
  return `usage: runbook-agent ${c.name} ${c.usage}`.trimEnd();
}

export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: runbook-agent <command> [options]',
    '       runbook-agent --help | --version',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'runbook-agent <command> --help' for a command's options.",
  ].join('\n');
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code: 0 ok, 1 failure, 2 usage. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.err : io.out)(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.out(ENGINE_VERSION);
    return 0;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.err(`runbook-agent: unknown ${first.startsWith('-') ? 'option' : 'command'} '${first}'\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${commandUsage(command)}\n\n${command.summary}`);
    return 0;
  }
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: command.options,
      allowPositionals: command.positionals !== undefined,
      strict: true,
    });
    const bounds = command.positionals ?? { min: 0, max: 0 };
    if (parsed.positionals.length < bounds.min || parsed.positionals.length > bounds.max) {
      throw new UsageError(`expected ${bounds.min === bounds.max ? bounds.min : `${bounds.min}-${bounds.max}`} argument(s), got ${parsed.positionals.length}`);
    }
    return await command.run(parsed, io);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`runbook-agent ${command.name}: ${(error as Error).message}\n${commandUsage(command)}`);
      return 2;
    }
    io.err(`runbook-agent ${command.name}: ${(error as Error).message}`);
    return 1;
  }
}

