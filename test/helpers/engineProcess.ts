import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { EngineInitOptions } from '../../protocol/engine';

export interface EngineProcess {
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  stop(): Promise<void>;
}

/**
 * Starts the bundled engine (dist/engine.js) as a real child process over Node IPC, exactly as
 * vscode-languageclient does, and performs the LSP initialize handshake.
 */
export async function startEngine(options: EngineInitOptions): Promise<EngineProcess> {
  const child = fork(path.resolve('dist/engine.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: options });
  await connection.sendNotification('initialized', {});
  return {
    child,
    connection,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
      await exited;
    },
  };
}
