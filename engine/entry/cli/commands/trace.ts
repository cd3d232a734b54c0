import fs from 'node:fs';
import { exportOtlp, otlpJson } from '../../../control/otel/export';
import { defaultDatabasePath } from '../../../shared/paths';
import { redactText } from '../../../execution/redact';
import { openExisting } from '../../../control/workflow/openForCli';
import { UsageError, type CliCommand } from '../command';

/** `--header name=value`, repeatable; OTEL_EXPORTER_OTLP_HEADERS is honoured by the exporter as well. */
function headersOf(values: unknown): Record<string, string> | undefined {
  const list = (Array.isArray(values) ? values : []).filter((v): v is string => typeof v === 'string');
  if (list.length === 0) return undefined;
  return Object.fromEntries(
    list.map((h) => {
      const at = h.indexOf('=');
      if (at <= 0) throw new UsageError(`--header takes name=value, got '${redactText(h)}'`);
      return [h.slice(0, at).trim(), h.slice(at + 1).trim()];
    }),
  );
}

export const traceCommand: CliCommand = {
  name: 'trace',
  summary: 'one workflow as an OpenTelemetry trace: OTLP/JSON to stdout or --out FILE, or sent to an OTLP/HTTP collector with --otlp URL',
  usage: 'ID [--db FILE] [--out FILE] [--otlp URL] [--header NAME=VALUE ...]',
  options: { db: { type: 'string' }, out: { type: 'string' }, otlp: { type: 'string' }, header: { type: 'string', multiple: true } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const id = positionals[0] ?? '';
    const headers = headersOf(values.header);
    const db = openExisting(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      const out = typeof values.out === 'string' ? values.out : undefined;
      const endpoint = typeof values.otlp === 'string' ? values.otlp : undefined;
      if (out || !endpoint) {
        const { json } = otlpJson(db, id);
        if (out) {
          fs.writeFileSync(out, `${json}\n`);
          io.out(`wrote the trace of ${id} to ${out}`);
        } else io.out(json);
      }
      if (endpoint) {
        const { spans } = await exportOtlp(db, id, endpoint, headers);
        io.out(`sent ${spans} spans of ${id} to ${redactText(endpoint)}`);
      }
      return 0;
    } finally {
      db.close();
    }
  },
};
