import fs from 'node:fs';
import { openDatabase } from '../../../control/db/open';
import { findModel } from '../../../memory/model/locate';
import { defaultDatabasePath, packageRoot } from '../../../shared/paths';
import { Retriever } from '../../../memory/retrieval/retriever';
import { hitLocation, type SearchMode } from '../../../memory/retrieval/search';
import { RetrievalStore } from '../../../memory/retrieval/store';
import { UsageError, type CliCommand } from '../command';

const MODES: readonly SearchMode[] = ['hybrid', 'lexical', 'dense'];

export const search: CliCommand = {
  name: 'search',
  summary: 'find the runbook sections that answer a query (hybrid bm25 + embeddings)',
  usage: '[--db FILE] [--k N] [--mode hybrid|lexical|dense] [--group] [--model DIR] [--json] "query"',
  options: {
    db: { type: 'string' },
    k: { type: 'string' },
    mode: { type: 'string' },
    group: { type: 'boolean' },
    model: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const k = values.k === undefined ? 10 : Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new UsageError('--k must be an integer from 1 to 1000');
    const mode = (values.mode ?? 'hybrid') as SearchMode;
    if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}`);
    const file = typeof values.db === 'string' ? values.db : defaultDatabasePath();
    if (!fs.existsSync(file)) throw new Error(`no index at ${file}; run 'runbook-agent index --workspace DIR --db ${file}' first`);
    const db = openDatabase(file);
    // Without --model, search with the model the index was built with.
    const modelDir = typeof values.model === 'string' ? values.model : new RetrievalStore(db).getState('model_dir');
    const lookup = findModel(packageRoot(), modelDir);
    if (!lookup.model && mode !== 'lexical') {
      db.close();
      throw new Error(lookup.problem);
    }
    const retriever = new Retriever({ db, modelDir: lookup.model?.path ?? '' });
    try {
      const hits = await retriever.search(positionals[0]!, { k, mode, groupByDocument: values.group === true });
      if (values.json) {
        io.out(JSON.stringify(hits.map(hitLocation), null, 2));
      } else if (hits.length === 0) {
        io.out('no matches');
      } else {
        for (const h of hits) {
          io.out(`${h.score.toFixed(4)}  ${h.path}:${h.startLine}-${h.endLine}  ${h.heading}${h.stale ? '  (STALE: file changed since indexed)' : ''}`);
        }
      }
      return 0;
    } finally {
      await retriever.close();
      db.close();
    }
  },
};
