/** Entry of the embedding worker thread (bundled to dist/embedWorker.js): the model runs here, off the engine's event loop. */
process.env.ORT_DISABLE_TELEMETRY = '1';

import { parentPort, workerData } from 'node:worker_threads';
import { describeIssues } from '../../../protocol/define';
import { ToWorker, WorkerInit, type FromWorker } from './messages';
import { EmbeddingSession } from './session';

const port = parentPort!;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function main(): Promise<void> {
  const init = WorkerInit.safeParse(workerData);
  if (!init.success) return send({ type: 'failed', message: `invalid worker options: ${describeIssues(init.error)}` });
  let session: EmbeddingSession;
  try {
    session = await EmbeddingSession.open(init.data);
  } catch (error) {
    return send({ type: 'failed', message: (error as Error).message });
  }
  // One request at a time: the runtime already uses every thread it was given.
  let queue = Promise.resolve();
  port.on('message', (raw: unknown) => {
    const parsed = ToWorker.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'close') {
      queue = queue.then(() => session.release()).then(() => port.close());
      return;
    }
    queue = queue.then(async () => {
      try {
        const out = await session.embed(message.texts);
        send({ type: 'result', id: message.id, vectors: out.vectors, dim: out.dim, truncated: out.truncated }, [out.vectors.buffer as ArrayBuffer]);
      } catch (error) {
        send({ type: 'error', id: message.id, message: (error as Error).message });
      }
    });
  });
  send({ type: 'ready', dim: session.dim });
}

void main();
