import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../engine/control/db/open';
import { Retriever } from '../../../engine/memory/retrieval/retriever';
import type { SearchHit } from '../../../engine/memory/retrieval/search';
import { tempDir } from '../../helpers/tmp';
import { hasShared, MODEL_DIR, RUNBOOKS } from './shared';

const open: Array<{ retriever: Retriever; db: Db }> = [];
afterEach(async () => {
  for (const { retriever, db } of open.splice(0)) {
    await retriever.close();
    db.close();
  }
});

/** Low enough that the public runbooks (a few thousand chunks) train IVF-PQ, as 65k chunks would. */
const FLAT_THRESHOLD = 1000;

function setup(dbFile = path.join(tempDir(), 'engine.sqlite')) {
  const db = openDatabase(dbFile);
  const logs: string[] = [];
  const retriever = new Retriever({ db, modelDir: MODEL_DIR, threads: 1, log: (m) => logs.push(m), vectorIndex: { flatThreshold: FLAT_THRESHOLD } });
  open.push({ retriever, db });
  return { db, retriever, logs, dbFile };
}

/** A copy of the public runbooks that the test may edit. */
function corpusCopy(): string {
  const root = path.join(tempDir(), 'ws');
  fs.cpSync(RUNBOOKS, root, { recursive: true });
  return root;
}

const ETCD = 'openshift/cluster-etcd-operator/etcdMembersDown.md';
const QUERIES: Array<[string, RegExp]> = [
  ['etcd cluster members are down, quorum at risk', /etcdMembersDown/],
  ['Alertmanager failed to reload its configuration', /AlertmanagerFailedReload/],
  ['Ceph OSD near full capacity', /Ceph/],
];

describe.skipIf(!hasShared)('vector index builds off the engine thread', () => {
  it('keeps answering every search while the index trains and is rebuilt, and replays the changes made meanwhile', async () => {
    const root = corpusCopy();
    const { retriever, db, dbFile, logs } = setup();
    await retriever.index(root);
    const chunks = retriever.status().chunks;
    expect(chunks).toBeGreaterThan(FLAT_THRESHOLD);
    // The run returned with the flat index serving; the training of IVF-PQ goes on in a build worker.
    expect(retriever.vectorIndexKind()).toBe('flat');

    // Searches all through the build, and an edit indexed while it runs.
    const answered: Array<{ query: string; hits: SearchHit[]; duringBuild: boolean }> = [];
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop || i < 6; i++) {
        // Dense alone for the etcd query (the dense ranking finds it on its own), hybrid for the others.
        const [query] = QUERIES[i % QUERIES.length]!;
        const mode = i % QUERIES.length === 0 ? 'dense' : 'hybrid';
        const duringBuild = retriever.vectorIndexBuilding();
        answered.push({ query, hits: await retriever.search(query, { k: 5, mode, groupByDocument: true }), duringBuild });
      }
    })();
    fs.appendFileSync(path.join(root, ETCD), '\n## Okapi drill\n\nThe okapi drill restores the quorum.\n');
    const edited = await retriever.index(root, { only: [ETCD] });
    expect(edited.changed).toBe(1);
    await retriever.vectorIndexSettled();
    stop = true;
    await load;
    expect(retriever.vectorIndexKind()).toBe('ivfpq');
    expect(logs.some((l) => /vector index rebuilt off the engine's thread: ivfpq/.test(l))).toBe(true);

    // Not one search failed or came back empty, and each found what it asks for.
    expect(answered.filter((a) => a.duringBuild).length).toBeGreaterThanOrEqual(3);
    for (const { query, hits } of answered) {
      expect(hits.length, query).toBe(5);
      expect(hits.map((h) => h.path).join(' '), query).toMatch(QUERIES.find(([q]) => q === query)![1]);
    }
    // The edit made during the build is in the trained index that took over.
    const okapi = await retriever.search('okapi drill restores the quorum', { k: 3, mode: 'dense' });
    expect(okapi[0]).toMatchObject({ path: ETCD, heading: 'etcdMembersDown > Okapi drill' });

    // A forced rebuild: searches issued while it runs are all answered, by the old index and then the new one.
    const rebuild = retriever.rebuildVectorIndex();
    await new Promise((r) => setTimeout(r, 50));
    expect(retriever.vectorIndexBuilding()).toBe(true);
    const during = await Promise.all(Array.from({ length: 12 }, () => retriever.search(QUERIES[0]![0], { k: 5, mode: 'dense', groupByDocument: true })));
    await rebuild;
    for (const hits of during) expect(hits.map((h) => h.path)).toContain(ETCD);
    expect((await retriever.search('okapi drill restores the quorum', { k: 1, mode: 'dense' }))[0]!.path).toBe(ETCD);

    // The trained index was saved by its worker: a new process loads it without training again.
    const row = db.prepare('SELECT generation FROM vector_indexes').get() as { generation: number };
    expect(row.generation).toBe(retriever.store.generation());
    const second = setup(dbFile);
    const hits = await second.retriever.search('okapi drill restores the quorum', { k: 1, mode: 'dense' });
    expect(hits[0]!.path).toBe(ETCD);
    expect(second.retriever.vectorIndexKind()).toBe('ivfpq');
    await second.retriever.vectorIndexSettled();
    expect(second.logs.filter((l) => /rebuilt/.test(l))).toEqual([]);
   }, 120_000); // 16 s alone; twice that on a loaded 2-core machine (it indexes the whole corpus and trains twice)

  it('answers a search made before the first indexing run has finished once the run is done', async () => {
    const root = path.join(tempDir(), 'ws');
    for (const rel of [ETCD, 'prometheus-operator/kubernetes/KubePodCrashLooping.md']) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.copyFileSync(path.join(RUNBOOKS, rel), path.join(root, rel));
    }
    const { retriever } = setup();
    const indexing = retriever.index(root);
    // Issued at once, before anything is chunked or embedded: each waits for the run instead of finding nothing.
    const [hybrid, lexical, dense] = await Promise.all([
      retriever.search('etcd members down', { k: 1 }),
      retriever.search('etcd members down', { k: 1, mode: 'lexical' }),
      retriever.search('etcd members down', { k: 1, mode: 'dense' }),
    ]);
    await indexing;
    for (const hits of [hybrid, lexical, dense]) expect(hits[0]?.path).toBe(ETCD);
  });
});
