import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-jsonrpc/node';
import { getTier, setTier } from '../../protocol/agent';
import { health, Health } from '../../protocol/engine';
import { startEngine, type EngineProcess } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';

let engine: EngineProcess | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

const tierOf = (answer: unknown) => getTier.result.parse(answer);

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

  it('keeps the tier a person chose in SQLite across engine restarts', async () => {
    const options = { storagePath: tempDir(), modelPath: '', trusted: true, workspaceFolders: [tempDir()] };
    const workspace = options.workspaceFolders[0]!;
    engine = await startEngine(options);
    expect(tierOf(await engine.connection.sendRequest(getTier.method, { workspace })).chosen).toBe('read-only');
    const set = tierOf(await engine.connection.sendRequest(setTier.method, { workspace, tier: 'approved-writes' }));
    expect(set).toMatchObject({ chosen: 'approved-writes', effective: 'approved-writes' });
    await engine.stop();
    engine = await startEngine(options);
    expect(tierOf(await engine.connection.sendRequest(getTier.method, { workspace })).chosen).toBe('approved-writes');
  });

  it('rejects malformed params with InvalidParams and a message naming the field', async () => {
    const workspace = tempDir();
    engine = await startEngine({ storagePath: tempDir(), modelPath: '', trusted: true, workspaceFolders: [workspace] });
    const wrongType = await rejection(engine.connection.sendRequest(setTier.method, { workspace: 42, tier: 'approved-writes' }));
    expect(wrongType.code).toBe(-32602);
    expect(wrongType.message).toMatch(/invalid params for runbookAgent\/tier\/set: workspace: .*expected string/i);

    const extra = await rejection(engine.connection.sendRequest(setTier.method, { workspace, tier: 'approved-writes', sneaky: true }));
    expect(extra.code).toBe(-32602);
    expect(extra.message).toMatch(/sneaky/);

    const empty = await rejection(engine.connection.sendRequest(setTier.method, { workspace: '', tier: 'approved-writes' }));
    expect(empty.code).toBe(-32602);
    expect(empty.message).toMatch(/workspace:/);

    const unknownTier = await rejection(engine.connection.sendRequest(setTier.method, { workspace, tier: 'anything-goes' }));
    expect(unknownTier.code).toBe(-32602);
    expect(unknownTier.message).toMatch(/tier:/);

    // Nothing was stored by the rejected requests.
    expect(tierOf(await engine.connection.sendRequest(getTier.method, { workspace })).chosen).toBe('read-only');
  });

  it('answers an unknown method with MethodNotFound and keeps serving', async () => {
    engine = await startEngine({ storagePath: tempDir(), modelPath: '', trusted: true, workspaceFolders: [] });
    const error = await rejection(engine.connection.sendRequest('runbookAgent/noSuchThing', {}));
    expect(error.code).toBe(-32601);
    expect(Health.safeParse(await engine.connection.sendRequest(health.method, {})).success).toBe(true);
  });

  it('keeps answering health when its database is refused, and says why', async () => {
    const storage = tempDir();
    const workspace = tempDir();
    fs.writeFileSync(path.join(storage, 'engine.sqlite'), 'not a database at all, just some text that is long enough');
    engine = await startEngine({ storagePath: storage, modelPath: '', trusted: false, workspaceFolders: [workspace] });
    const h = Health.parse(await engine.connection.sendRequest(health.method, {}));
    expect(h.database.problem).toMatch(/not a Runbook Agent database/);
    expect(h.trusted).toBe(false);
    const error = await rejection(engine.connection.sendRequest(getTier.method, { workspace }));
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
