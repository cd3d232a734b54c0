import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-jsonrpc/node';
import { checkIn, CheckIn, health, Health } from '../../protocol/engine';
import { startEngine, type EngineProcess } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';

let engine: EngineProcess | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResponseError) return error;
    throw error;
  }
  throw new Error('expected the engine to reject the request');
}

describe('engine process over JSON-RPC (IPC)', () => {
  it('answers health from a real process with its database in the storage folder', async () => {
    const storage = tempDir();
    engine = await startEngine({ storagePath: storage, modelPath: '', trusted: true, workspaceFolders: [] });
    const h = Health.parse(await engine.connection.sendRequest(health.method, {}));
    expect(h.pid).toBe(engine.child.pid);
    expect(h.database.path).toBe(path.join(storage, 'engine.sqlite'));
    expect(h.database.journalMode).toBe('wal');
    expect(h.database.problem).toBeNull();
    expect(h.onnxruntime).toMatch(/^1\.30\./);
    expect(Number(h.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  it('stores check-ins in SQLite across engine restarts', async () => {
    const storage = tempDir();
    engine = await startEngine({ storagePath: storage, modelPath: '', trusted: true, workspaceFolders: [] });
    const first = CheckIn.parse(await engine.connection.sendRequest(checkIn.method, { note: 'one' }));
    await engine.stop();
    engine = await startEngine({ storagePath: storage, modelPath: '', trusted: true, workspaceFolders: [] });
    const second = CheckIn.parse(await engine.connection.sendRequest(checkIn.method, { note: 'two' }));
    expect(first.total).toBe(1);
    expect(second).toMatchObject({ note: 'two', total: 2 });
    expect(second.id).toBeGreaterThan(first.id);
  });

  it('rejects malformed params with InvalidParams and a message naming the field', async () => {
    engine = await startEngine({ storagePath: tempDir(), modelPath: '', trusted: true, workspaceFolders: [] });
    const wrongType = await rejection(engine.connection.sendRequest(checkIn.method, { note: 42 }));
    expect(wrongType.code).toBe(-32602);
    expect(wrongType.message).toMatch(/invalid params for runbookAgent\/checkIn: note: .*expected string/i);

    const extra = await rejection(engine.connection.sendRequest(checkIn.method, { note: 'ok', sneaky: true }));
    expect(extra.message).toMatch(/sneaky/);

    const empty = await rejection(engine.connection.sendRequest(checkIn.method, { note: '' }));
    expect(empty.message).toMatch(/note:/);

    // Nothing was stored by the rejected requests.
    const stored = CheckIn.parse(await engine.connection.sendRequest(checkIn.method, { note: 'valid' }));
    expect(stored.total).toBe(1);
  });

  it('answers an unknown method with MethodNotFound and keeps serving', async () => {
    engine = await startEngine({ storagePath: tempDir(), modelPath: '', trusted: true, workspaceFolders: [] });
    const error = await rejection(engine.connection.sendRequest('runbookAgent/noSuchThing', {}));
    expect(error.code).toBe(-32601);
    expect(Health.safeParse(await engine.connection.sendRequest(health.method, {})).success).toBe(true);
  });

  it('keeps answering health when its database is refused, and says why', async () => {
    const storage = tempDir();
    fs.writeFileSync(path.join(storage, 'engine.sqlite'), 'not a database at all, just some text that is long enough');
    engine = await startEngine({ storagePath: storage, modelPath: '', trusted: false, workspaceFolders: [] });
    const h = Health.parse(await engine.connection.sendRequest(health.method, {}));
    expect(h.database.problem).toMatch(/not a Runbook Agent database/);
    expect(h.trusted).toBe(false);
    const error = await rejection(engine.connection.sendRequest(checkIn.method, { note: 'x' }));
    expect(error.code).toBe(-32001);
    expect(error.message).toMatch(/not a Runbook Agent database/);
  });

  it('refuses to initialise with invalid initializationOptions', async () => {
    await expect(
      startEngine({ storagePath: '', modelPath: '', trusted: true, workspaceFolders: [] }),
    ).rejects.toThrow(/invalid initializationOptions: storagePath/);
  });
});

describe('workspace trust reaches the engine', () => {
  it('follows the setTrust notification', async () => {
    engine = await startEngine({ storagePath: tempDir(), modelPath: '', trusted: false, workspaceFolders: [] });
    expect(Health.parse(await engine.connection.sendRequest(health.method, {})).trusted).toBe(false);
    await engine.connection.sendNotification('runbookAgent/setTrust', { trusted: true });
    expect(Health.parse(await engine.connection.sendRequest(health.method, {})).trusted).toBe(true);
  });
});
