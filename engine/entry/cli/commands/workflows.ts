import { WorkflowState } from '../../../../protocol/workflow';
import { listBreakers } from '../../../control/store/sqlite/statements';
import { openExisting } from '../../../control/workflow/openForCli';
import type { WorkflowState as State } from '../../../../protocol/workflow';
import { newestViewTexts } from '../../../control/store/sqlite/reads';
import { killSwitchRows } from '../../../control/store/sqlite/statements';
import type { Db } from '../../../control/db/open';
import { countByState, summarize } from '../../../control/store/sqlite/query';
import type { WorkflowView } from '../../../control/workflow/view';
import { defaultDatabasePath } from '../../../shared/paths';
import { redactValue } from '../../../execution/redact';
import { UsageError, type CliCommand } from '../command';
import { listInStore, STORE_OPTION, STORE_USAGE, storeOf } from './storeCommands';

/** Newest first; archived workflows only when asked for (they carry `archived: true`). */
function listWorkflows(db: Db, options: { state?: State; limit: number; archived: boolean }) {
  return newestViewTexts(db, options).map((text) => {
    const view = JSON.parse(text) as WorkflowView;
    return { ...summarize(view), archived: view.archived ?? false };
  });
}

export const workflowsCommand: CliCommand = {
  name: 'workflows',
  summary: 'list workflows (archived ones with --archived), their states, circuit breakers and kill switches',
  usage: `[--db FILE] ${STORE_USAGE} [--state STATE] [--limit N] [--archived] [--json]`,
  options: { db: { type: 'string' }, json: { type: 'boolean' }, state: { type: 'string' }, limit: { type: 'string' }, archived: { type: 'boolean' }, ...STORE_OPTION },
  run({ values }, io) {
    const state = values.state === undefined ? undefined : WorkflowState.safeParse(values.state);
    if (state && !state.success) throw new UsageError(`--state must be one of ${WorkflowState.options.join(', ')}`);
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit must be a positive integer');
    // --store: the workflows the `serve --store` replicas share, instead of the local SQLite file.
    if (storeOf(values) !== undefined) return listInStore(values, io, { state: state?.data, limit, archived: values.archived === true });
    const db = openExisting(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      // Titles and reasons quote alert text and error messages: redacted like everything that leaves the engine.
      const workflows = redactValue(listWorkflows(db, { state: state?.data, limit, archived: values.archived === true })) as ReturnType<typeof listWorkflows>;
      const breakers = listBreakers(db);
      const killSwitches = killSwitchRows(db).map((k) => ({ name: k.name, engaged: k.engaged, changedBy: k.changedBy, reason: k.reason }));
      if (values.json) {
        io.out(JSON.stringify({ counts: countByState(db), workflows, breakers, killSwitches }, null, 2));
        return 0;
      }
      const lines = workflows.map((w) => `${w.id}  ${w.state.padEnd(18)} ${`${w.stepIndex}/${w.stepCount}`.padEnd(6)} ${w.title}${w.reason ? `  (${w.reason})` : ''}${w.archived ? '  [archived]' : ''}`);
      lines.push(`${workflows.length} workflow(s)`);
      for (const b of breakers) lines.push(`breaker ${b.name}: ${b.state} (${b.consecutiveFailures} consecutive failures)`);
      for (const k of killSwitches) if (k.engaged) lines.push(`kill switch ${k.name}: ON (${k.changedBy}: ${k.reason})`);
      io.out(lines.join('\n'));
      return 0;
    } finally {
      db.close();
    }
  },
};
