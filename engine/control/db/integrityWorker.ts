/** Entry of the integrity-check thread (bundled to dist/integrityWorker.js): see integrity.ts. */
import { workerData } from 'node:worker_threads';
import { serveThread } from '../../shared/thread/server';
import { DatabaseProblem } from './errors';
import { classify, openConnection, quickCheck } from './open';

serveThread(() => {
  const { file } = workerData as { file: string };
  return {
    handlers: {
      check: () => {
        try {
          const db = openConnection(file, { readonly: true });
          try {
            return { problems: quickCheck(db) };
          } finally {
            db.close();
          }
        } catch (error) {
          const problem = error instanceof DatabaseProblem ? error : classify(error, file);
          return { error: { kind: problem.kind, message: problem.message } };
        }
      },
    },
  };
});
