import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { indexProgress, indexWorkspace, IndexResult, retrievalStatus, RetrievalStatus, searchRunbooks, SearchHit } from '../../../protocol/retrieval';
import { startEngine, type EngineProcess } from '../../helpers/engineProcess';
import { tempDir } from '../../helpers/tmp';
import { hasShared, MODEL_DIR, RUNBOOKS } from './shared';

let engine: EngineProcess | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

describe.skipIf(!hasShared)('retrieval over the engine protocol (real process, bundled worker)', () => {
  it('indexes a workspace with progress, answers searches and reports status and freshness', async () => {
    const root = tempDir();
    for (const dir of ['prometheus-operator/etcd', 'prometheus-operator/node']) {
      fs.cpSync(path.join(RUNBOOKS, dir), path.join(root, dir), { recursive: true });
    }
    engine = await startEngine({ storagePath: tempDir(), modelPath: MODEL_DIR, trusted: true, workspaceFolders: [root] });
    const progress: Array<{ phase: string; done: number; total: number }> = [];
    engine.connection.onNotification(indexProgress.method, (p: { phase: string; done: number; total: number }) => void progress.push(p));

    const report = IndexResult.parse(await engine.connection.sendRequest(indexWorkspace.method, { root }));
    expect(report.changed).toBeGreaterThan(10);
    expect(progress.some((p) => p.phase === 'embed' && p.done === p.total && p.total > 0)).toBe(true);

    const { hits } = (await engine.connection.sendRequest(searchRunbooks.method, { query: 'etcd has no leader', k: 3, groupByDocument: true })) as { hits: unknown[] };
    const top = SearchHit.parse(hits[0]);
    expect(top).toMatchObject({ root, path: 'prometheus-operator/etcd/etcdNoLeader.md', stale: false });
    expect(top.preview.length).toBeGreaterThan(0);

    fs.appendFileSync(path.join(root, 'prometheus-operator/etcd/etcdNoLeader.md'), '\nedited\n');
    const status = RetrievalStatus.parse(await engine.connection.sendRequest(retrievalStatus.method, { roots: [root] }));
    expect(status).toMatchObject({ staleFiles: 1, indexing: false, problem: null });
    expect(status.chunks).toBeGreaterThan(10);

    const again = IndexResult.parse(
      await engine.connection.sendRequest(indexWorkspace.method, { root, paths: ['prometheus-operator/etcd/etcdNoLeader.md'] }),
    );
    expect(again).toMatchObject({ files: 1, changed: 1 });
    const fresh = RetrievalStatus.parse(await engine.connection.sendRequest(retrievalStatus.method, { roots: [root] }));
    expect(fresh.staleFiles).toBe(0);
  });
});
