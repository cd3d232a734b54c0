import { incidentReport } from '../../../planning/observe/report';
import { openExisting } from '../../../control/workflow/openForCli';
import { showWorkflow } from '../../../control/store/sqlite/query';
import { defaultDatabasePath } from '../../../shared/paths';
import { summaryText } from '../agent/summaryText';
import type { CliCommand } from '../command';
import { showInStore, STORE_OPTION, STORE_USAGE, storeOf } from './storeCommands';

export const showCommand: CliCommand = {
  name: 'show',
  summary: 'show one workflow: the incident summary first, then its state, plan, tool calls, retrieval snapshot and events',
  usage: `ID [--db FILE] ${STORE_USAGE} [--json]`,
  options: { db: { type: 'string' }, json: { type: 'boolean' }, ...STORE_OPTION },
  positionals: { min: 1, max: 1 },
  run({ values, positionals }, io) {
    // --store: the workflow as the `serve --store` replicas share it (no incident summary: that reads the local file).
    if (storeOf(values) !== undefined) return showInStore(values, io, positionals[0] ?? '');
    const db = openExisting(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      const id = positionals[0] ?? '';
      const detail = showWorkflow(db, id);
      const { summary } = incidentReport(db, id);
      if (values.json) {
        io.out(JSON.stringify({ summary, ...detail }, null, 2));
        return 0;
      }
      const w = detail.workflow;
      const lines = [summaryText(summary), '', `${w.id}  ${w.state}${w.reason ? `  (${w.reason})` : ''}`, `title: ${w.title}`, `steps: ${w.stepIndex}/${w.stepCount}`, 'tool calls:'];
      for (const c of detail.toolCalls) lines.push(`  ${c.stepId} ${c.tool} ${c.status} x${c.attempts}${c.error ? ` (${c.error})` : ''}`);
      lines.push('events:');
      for (const e of detail.events) lines.push(`  #${e.seq} ${e.at} ${e.actor} ${e.type}${e.to && e.to !== e.from ? ` ${e.from ?? ''} -> ${e.to}` : ''} (attempt ${e.attempt})`);
      io.out(lines.join('\n'));
      return 0;
    } finally {
      db.close();
    }
  },
};
