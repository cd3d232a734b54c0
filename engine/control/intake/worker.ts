/** Entry of the intake thread (bundled to dist/intakeWorker.js): see thread.ts. */
import { workerData } from 'node:worker_threads';
import { openConnection } from '../db/open';
import { emit, serveThread } from '../../shared/thread/server';
import { resolveLimits } from './limits';
import { IntakeServer } from './server';
import type { IntakeWorkerData } from './thread';

serveThread(() => {
  const data = workerData as IntakeWorkerData;
  resolveLimits(data.limits); // a limit that cannot work is refused before anything opens, as IntakeServer does
  // The thread polls for the write lock itself (every millisecond, up to 5 s: lockRetryMs), which the engine's
  // connection, committing after every workflow step, would otherwise win again and again against SQLite's
  // backing-off busy handler; reads in WAL never wait.
  const db = openConnection(data.dbFile, { busyTimeoutMs: 1 });
  // A request never pays for a WAL checkpoint: the engine's connection, whose workers write after every
  // accepted alert, checkpoints as before.
  db.pragma('wal_autocheckpoint = 0');
  const { dbFile: _file, ...options } = data;
  const server = new IntakeServer({
    ...options,
    db,
    lockRetryMs: 5000,
    log: (message) => emit({ type: 'log', message }),
    onAccepted: (result) => emit({ type: 'accepted', result }),
  });
  return {
    handlers: {
      listen: () => server.listen(),
      stats: () => server.connectionStats(),
      close: async ({ graceMs }: { graceMs: number }) => {
        await server.close(graceMs);
        if (db.open) db.close();
        return null;
      },
    },
  };
});
