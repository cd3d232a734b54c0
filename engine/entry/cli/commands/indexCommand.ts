import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../../control/db/open';
import { findModel } from '../../../memory/model/locate';
import { defaultDatabasePath, packageRoot } from '../../../shared/paths';
import { Retriever } from '../../../memory/retrieval/retriever';
import { UsageError, type CliCommand } from '../command';

function intOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

export const index: CliCommand = {
  name: 'index',
  summary: 'index the Markdown runbooks of a workspace (only what changed since the last run)',
  usage: '--workspace DIR [--db FILE] [--model DIR] [--threads N] [--exclude PATTERN]... [--check] [--json]',
  options: {
    workspace: { type: 'string' },
    db: { type: 'string' },
    model: { type: 'string' },
    threads: { type: 'string' },
    exclude: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    check: { type: 'boolean' },
  },
  async run({ values }, io) {
    if (typeof values.workspace !== 'string') throw new UsageError('--workspace DIR is required');
    const root = path.resolve(values.workspace);
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${root} is not a folder`);
    const lookup = findModel(packageRoot(), typeof values.model === 'string' ? values.model : undefined);
    if (!lookup.model) throw new Error(lookup.problem);
    const db = openDatabase(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    const retriever = new Retriever({
      db,
      modelDir: lookup.model.path,
      threads: intOption(values.threads, 'threads'),
      scan: { exclude: (values.exclude as string[] | undefined) ?? [] },
      log: values.json ? undefined : (m) => io.err(m),
    });
    try {
      if (values.check) {
        // Freshness only: what changed on disk since the index was built. Exit 1 when anything did.
        const f = retriever.freshness(root);
        if (values.json) io.out(JSON.stringify(f, null, 2));
        else {
          io.out(f.fresh ? `${root}: the index is up to date (${f.indexed} files)` : `${root}: ${f.changed.length} changed, ${f.deleted.length} deleted, ${f.added.length} new since indexed`);
          for (const [label, list] of [['changed', f.changed], ['deleted', f.deleted], ['new', f.added]] as const) for (const p of list) io.out(`  ${label}: ${p}`);
        }
        return f.fresh ? 0 : 1;
      }
      const report = await retriever.index(root);
      // The editor's engine trains a large vector index in the background while it answers; this one-shot
      // command has nothing else to do, so it waits, and the next start loads the trained index.
      if (retriever.vectorIndexBuilding() && !values.json) io.err('the index is searchable; training its vector index (IVF-PQ) in a worker before exiting');
      await retriever.vectorIndexSettled();
      const { removedIds: _r, addedIds: _a, ...summary } = report;
      const status = retriever.status();
      if (values.json) io.out(JSON.stringify({ ...summary, totalChunks: status.chunks, totalDocuments: status.documents }, null, 2));
      else {
        io.out(
          `indexed ${root} with ${report.modelId} in ${report.ms} ms: ${report.files} files (${report.changed} changed, ` +
            `${report.unchanged} unchanged, ${report.removed} removed, ${report.skipped.length} skipped); ` +
            `${report.embedded} texts embedded; ${status.chunks} chunks in ${status.documents} documents`,
        );
      }
      return 0;
    } finally {
      await retriever.close();
      db.close();
    }
  },
};
