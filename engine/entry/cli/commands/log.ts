import type { ChainVerification } from '../../../../protocol/workflow';
import { verifyChain } from '../../../control/store/sqlite/eventLog';
import { openExisting } from '../../../control/workflow/openForCli';
import { defaultDatabasePath } from '../../../shared/paths';
import { UsageError, type CliCommand, type Io, type ParsedArgs } from '../command';
import { shownUrl } from './serveStore';
import { STORE_OPTION, STORE_USAGE, storeOf, withStore } from './storeCommands';

/** The same report with or without --store: --json prints the verification as it is, else one line. */
function report(result: ChainVerification, values: ParsedArgs['values'], io: Io, intact: string): number {
  if (values.json) io.out(JSON.stringify(result, null, 2));
  else if (result.ok) io.out(`event log intact: ${result.events} events${intact}`);
  else io.err(`event log BROKEN${result.firstBadSeq === null ? '' : ` at event ${result.firstBadSeq}`}: ${result.problem}`);
  return result.ok ? 0 : 1;
}

/**
 * `log verify --store URL`: the control store's own verifyLog (Postgres: every workflow's and system chain, every
 * recorded head and every Merkle checkpoint, in one snapshot). A broken log exits 1 and names the event (its global
 * seq) and, in the problem, the chain and the event's place in it.
 */
function verifyInStore(values: ParsedArgs['values'], io: Io): Promise<number> {
  return withStore(storeOf(values)!, async (store, url) => {
    const result = await store.verifyLog();
    return report(result, values, io, ` in ${result.chains} chain(s), ${result.checkpoints} checkpoint(s) (control store ${shownUrl(url)})`);
  });
}

export const logCommand: CliCommand = {
  name: 'log',
  summary: "'log verify': check the event log's hash chain(s), of the local file or the control store (exit 0 only when intact)",
  usage: `verify [--db FILE | ${STORE_USAGE.slice(1, -1)}] [--json]`,
  options: { db: { type: 'string' }, json: { type: 'boolean' }, ...STORE_OPTION },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    if (positionals[0] !== 'verify') throw new UsageError(`unknown log action '${positionals[0]}' (expected 'verify')`);
    if (storeOf(values) !== undefined) {
      if (values.db !== undefined) throw new UsageError('give --db FILE or --store URL, not both');
      return verifyInStore(values, io);
    }
    const db = openExisting(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      return report(verifyChain(db), values, io, '');
    } finally {
      db.close();
    }
  },
};
