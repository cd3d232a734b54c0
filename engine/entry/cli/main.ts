/** Entry point of the `runbook-agent` CLI (bundled to dist/cli.js). */
process.env.ORT_DISABLE_TELEMETRY = '1';

import { printable } from '../../execution/redact/printable';
import { runCli } from './run';

// Everything the CLI prints may carry alert text: control characters leave as visible escapes (JSON stays valid).
runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${printable(text)}\n`),
  err: (text) => process.stderr.write(`${printable(text)}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`runbook-agent: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
