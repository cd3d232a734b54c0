/** Entry point of the `runbook-agent` CLI (bundled to dist/cli.js). */
process.env.ORT_DISABLE_TELEMETRY = '1';

import { runCli } from './run';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`runbook-agent: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
