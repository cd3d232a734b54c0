import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../engine/control/db/open';
import { Retriever } from '../../../engine/memory/retrieval/retriever';
import { INDEX_KIND } from '../../../engine/memory/retrieval/vectorIndex';
import { tempDir } from '../../helpers/tmp';
import { hasShared, MINILM_SHAPE_DIR, MODEL_DIR, RUNBOOKS } from './shared';

const open: Array<{ retriever: Retriever; db: Db }> = [];
afterEach(async () => {
  for (const { retriever, db } of open.splice(0)) {
    await retriever.close();
    db.close();
  }
});

function setup(modelDir = MODEL_DIR, dbFile?: string) {
  const db = openDatabase(dbFile ?? path.join(tempDir(), 'engine.sqlite'));
  const logs: string[] = [];
  const retriever = new Retriever({ db, modelDir, threads: 1, log: (m) => logs.push(m) });
  open.push({ retriever, db });
  return { db, retriever, logs };
}

/** A small workspace of real runbooks copied from the shared corpus. */
function workspace(): string {
  const root = tempDir();
  for (const rel of [
    'prometheus-operator/kubernetes/KubePodCrashLooping.md',
    'prometheus-operator/node/NodeFilesystemSpaceFillingUp.md',
    'prometheus-operator/alertmanager/AlertmanagerFailedReload.md',
    'openshift/cluster-etcd-operator/etcdMembersDown.md',
    'openshift/openshift-container-storage-operator/CephOSDNearFull.md',
  ]) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.copyFileSync(path.join(RUNBOOKS, rel), path.join(root, rel));
  }
  return root;
}

const embeddedCount = (db: Db, model: string) =>
  (db.prepare('SELECT count(*) AS n FROM embeddings WHERE model_id = ?').get(model) as { n: number }).n;

describe.skipIf(!hasShared)('indexing and search with the real model', () => {
  it('indexes, finds the right runbook, and re-indexes only what changed', async () => {
    const root = workspace();
    const { db, retriever } = setup();
    const first = await retriever.index(root);
    expect(first).toMatchObject({ files: 5, changed: 5, removed: 0 });
    expect(first.embedded).toBeGreaterThan(10);

    const hits = await retriever.search('etcd cluster members are down, quorum at risk', { k: 3, groupByDocument: true });
    expect(hits[0]!.path).toBe('openshift/cluster-etcd-operator/etcdMembersDown.md');
    expect(hits[0]!.stale).toBe(false);
    for (const mode of ['lexical', 'dense'] as const) {
      const top = await retriever.search('Pod is crash looping CrashLoopBackOff', { k: 1, mode });
      expect(top[0]!.path, mode).toBe('prometheus-operator/kubernetes/KubePodCrashLooping.md');
    }

    // Nothing changed: nothing is read twice or embedded.
    const again = await retriever.index(root);
    expect(again).toMatchObject({ changed: 0, unchanged: 5, embedded: 0, chunksAdded: 0 });

    // A touched but identical file costs a hash, not a re-chunk.
    const crash = path.join(root, 'prometheus-operator/kubernetes/KubePodCrashLooping.md');
    fs.utimesSync(crash, new Date(), new Date(Date.now() + 5000));
    expect(await retriever.index(root)).toMatchObject({ changed: 0, unchanged: 5 });

    // One edited section: only that file is re-chunked and only new text is embedded.
    fs.appendFileSync(crash, '\n## Escalation\n\nPage the platform team about the zebra-unicorn outage.\n');
    const edited = await retriever.index(root);
    expect(edited).toMatchObject({ changed: 1, unchanged: 4, embedded: 1 });
    const found = await retriever.search('zebra-unicorn outage', { k: 1 });
    expect(found[0]).toMatchObject({ path: 'prometheus-operator/kubernetes/KubePodCrashLooping.md', heading: 'KubePodCrashLooping > Escalation' });

    // Rename: the chunks move; their vectors come from the cache. Delete: the chunks leave.
    fs.renameSync(crash, path.join(root, 'Renamed.md'));
    fs.rmSync(path.join(root, 'prometheus-operator/node/NodeFilesystemSpaceFillingUp.md'));
    const moved = await retriever.index(root);
    expect(moved).toMatchObject({ changed: 1, removed: 2, embedded: 0 });
    const after = await retriever.search('zebra-unicorn outage', { k: 5 });
    expect(after[0]!.path).toBe('Renamed.md');
    expect(after.some((h) => h.path.includes('NodeFilesystem'))).toBe(false);
    const fts = (db.prepare("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH 'NodeFilesystemSpaceFillingUp'").get() as { n: number }).n;
    expect(fts).toBe(0);
  });

  it('applies file-system events path by path, and flags stale hits until the file is re-indexed', async () => {
    const root = workspace();
    const { retriever, logs } = setup();
    await retriever.index(root);
    const file = path.join(root, 'prometheus-operator/alertmanager/AlertmanagerFailedReload.md');
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}\nNew line about a velociraptor.\n`);

    const stale = await retriever.search('Alertmanager configuration reload failed', { k: 1 });
    expect(stale[0]).toMatchObject({ path: 'prometheus-operator/alertmanager/AlertmanagerFailedReload.md', stale: true });
    expect(retriever.freshness(root)).toMatchObject({ changed: ['prometheus-operator/alertmanager/AlertmanagerFailedReload.md'], fresh: false });

    fs.writeFileSync(path.join(root, 'new.md'), '# New runbook\n\nBrand new text about a velociraptor.\n');
    fs.writeFileSync(path.join(root, 'binary.md'), Buffer.from([0x23, 0, 1, 2]));
    const report = await retriever.index(root, {
      only: ['prometheus-operator/alertmanager/AlertmanagerFailedReload.md', 'new.md', 'binary.md', 'openshift'],
    });
    expect(report).toMatchObject({ changed: 2, unchanged: 2, removed: 0 }); // a folder path re-checks its subtree
    expect(report.skipped).toEqual([{ rel: 'binary.md', reason: 'binary file (contains NUL bytes)' }]);
    expect(logs).toContain('skipped binary.md: binary file (contains NUL bytes)');
    const fresh = await retriever.search('velociraptor', { k: 5, mode: 'lexical' });
    expect(fresh.map((h) => h.stale)).toEqual([false, false]);
    expect(retriever.freshness(root)).toMatchObject({ fresh: true, changed: [], deleted: [], added: [] });

    // A renamed folder: the old path leaves, the new one is indexed from its subtree.
    fs.renameSync(path.join(root, 'openshift'), path.join(root, 'moved'));
    const moved = await retriever.index(root, { only: ['openshift', 'moved'] });
    expect(moved).toMatchObject({ changed: 2, removed: 2, embedded: 0 });
    expect(retriever.freshness(root).fresh).toBe(true);
  });

  it('persists the vector index and reloads it without rebuilding; a damaged blob is rebuilt, not trusted', async () => {
    const root = workspace();
    const dbFile = path.join(tempDir(), 'engine.sqlite');
    const first = setup(MODEL_DIR, dbFile);
    await first.retriever.index(root);
    await first.retriever.search('etcd', { k: 1 });
    const row = () => first.db.prepare('SELECT generation, kind, built_at, length(bytes) AS n FROM vector_indexes').get() as { generation: number; kind: string; built_at: string; n: number };
    const saved = row();
    expect(saved).toMatchObject({ generation: first.retriever.store.generation(), kind: INDEX_KIND });

    const second = setup(MODEL_DIR, dbFile);
    const hits = await second.retriever.search('etcd members down', { k: 1 });
    expect(hits[0]!.path).toBe('openshift/cluster-etcd-operator/etcdMembersDown.md');
    expect(row().built_at).toBe(saved.built_at); // loaded, not rebuilt

    // A fresh process indexes an edit and a delete: the saved index is older than the chunks and is reconciled.
    fs.appendFileSync(path.join(root, 'openshift/cluster-etcd-operator/etcdMembersDown.md'), '\n## Pangolin\n\nThe pangolin procedure.\n');
    fs.rmSync(path.join(root, 'prometheus-operator/kubernetes/KubePodCrashLooping.md'));
    const editor = setup(MODEL_DIR, dbFile);
    await editor.retriever.index(root);
    expect(row().generation).toBe(editor.retriever.store.generation());
    const reader = setup(MODEL_DIR, dbFile);
    const dense = await reader.retriever.search('pangolin procedure', { k: 50, mode: 'dense' });
    expect(dense[0]).toMatchObject({ path: 'openshift/cluster-etcd-operator/etcdMembersDown.md', heading: 'etcdMembersDown > Pangolin' });
    expect(dense.some((h) => h.path.includes('KubePodCrashLooping'))).toBe(false);
    expect(dense).toHaveLength(reader.retriever.status().chunks < 50 ? reader.retriever.status().chunks : 50);

    const before = row().n;
    first.db.prepare('UPDATE vector_indexes SET bytes = zeroblob(64)').run();
    const third = setup(MODEL_DIR, dbFile);
    const again = await third.retriever.search('etcd members down', { k: 1 });
    expect(again[0]!.path).toBe('openshift/cluster-etcd-operator/etcdMembersDown.md');
    expect(row().n).toBe(before); // rebuilt and saved again
  });

  it('re-embeds everything when the model changes and never mixes two models in one index', async () => {
    const root = workspace();
    const dbFile = path.join(tempDir(), 'engine.sqlite');
    const first = setup(MODEL_DIR, dbFile);
    await first.retriever.index(root);
    const staticId = first.retriever.store.getState('model_id')!;
    const chunks = first.retriever.status().chunks;
    expect(embeddedCount(first.db, staticId)).toBeGreaterThan(0);

    const second = setup(MINILM_SHAPE_DIR, dbFile);
    // Searching an index built with another model is refused rather than answered with mismatched vectors.
    await expect(second.retriever.search('etcd', { k: 1 })).rejects.toThrow(/holds vectors of static-ops-embed-256/);
    const report = await second.retriever.index(root);
    const minilmId = second.retriever.store.getState('model_id')!;
    expect(minilmId).toMatch(/^minilm-l6-shape-random@/);
    expect(report.changed).toBe(0); // the files did not change; the vectors did
    expect(report.embedded).toBe(embeddedCount(second.db, minilmId));
    expect(report.embedded).toBeGreaterThanOrEqual(chunks - 5);
    const hits = await second.retriever.search('etcd members down', { k: 3, mode: 'dense' });
    expect(hits).toHaveLength(3);
    await expect(first.retriever.search('etcd', { k: 1 })).rejects.toThrow(/holds vectors of minilm-l6-shape-random/);
  });
});
