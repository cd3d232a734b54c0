import { ThreadClient, threadFile } from '../../shared/thread/client';
import { DatabaseProblem } from './errors';
import { integrityProblem } from './open';

/**
 * Runs SQLite's `quick_check` over `file` in a worker thread with its own read-only connection (WAL lets it read
 * beside the engine's writes), so a large database does not hold up the engine's start: at 100k stored
 * workflows the check reads the whole 954 MB file (1.5 s). Resolves with the problem a person sees, the same
 * DatabaseProblem `openDatabase` raises when it checks before opening, or null when the file is sound.
 */
export async function checkIntegrityOffThread(file: string, options: { readonly workerFile?: string } = {}): Promise<DatabaseProblem | null> {
  const thread = new ThreadClient<null>({ name: 'integrity check', file: options.workerFile ?? threadFile('integrityWorker'), workerData: { file } });
  try {
    await thread.ready;
    const answer = await thread.request<{ problems: string[] } | { error: { kind: DatabaseProblem['kind']; message: string } }>('check');
    if ('error' in answer) return new DatabaseProblem(answer.error.kind, answer.error.message);
    return integrityProblem(file, answer.problems);
  } finally {
    await thread.close();
  }
}
