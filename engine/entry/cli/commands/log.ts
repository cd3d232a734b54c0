import { verifyChain } from '../../../control/store/sqlite/eventLog';
import { openExisting } from '../../../control/workflow/openForCli';
import { defaultDatabasePath } from '../../../shared/paths';
import { UsageError, type CliCommand } from '../command';

export const logCommand: CliCommand = {
  name: 'log',
  summary: "'log verify': check the event log's hash chain (exit 0 only when it is intact)",
  usage: 'verify [--db FILE] [--json]',
  options: { db: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    if (positionals[0] !== 'verify') throw new UsageError(`unknown log action '${positionals[0]}' (expected 'verify')`);
    const db = openExisting(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      const result = verifyChain(db);
      if (values.json) io.out(JSON.stringify(result, null, 2));
      else if (result.ok) io.out(`event log intact: ${result.events} events`);
      else io.err(`event log BROKEN at event ${result.firstBadSeq}: ${result.problem}`);
      return result.ok ? 0 : 1;
    } finally {
      db.close();
    }
  },
};
