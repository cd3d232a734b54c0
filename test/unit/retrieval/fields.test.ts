import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../engine/control/db/migrations';
import { openDatabase, schemaVersion } from '../../../engine/control/db/open';
import { chunkMarkdown } from '../../../engine/memory/retrieval/chunk/chunker';
import { readFrontMatter } from '../../../engine/memory/retrieval/chunk/frontMatter';
import { weightedRankFusion, weightedScoreFusion } from '../../../engine/memory/retrieval/fusion';
import { ftsQuery, lexicalSearch } from '../../../engine/memory/retrieval/lexical';
import { identifierParts, withIdentifierParts } from '../../../engine/memory/retrieval/lexicalText';
import { ALERT_QUERY_WEIGHTS as W, searchQuery } from '../../../engine/memory/retrieval/query';
import { searchChunks } from '../../../engine/memory/retrieval/search';
import { RetrievalStore } from '../../../engine/memory/retrieval/store';
import { tempDir } from '../../helpers/tmp';

function store() {
  const db = openDatabase(path.join(tempDir(), 'x.sqlite'));
  const s = new RetrievalStore(db);
  const put = (rel: string, text: string) => {
    const c = chunkMarkdown(rel, text, { keyPrefix: '/ws' });
    return s.putDocument('/ws', rel, { hash: rel, size: 1, mtimeMs: 1, title: c.title, alerts: c.alerts }, c.chunks).added;
  };
  const pathOf = (id: number) => s.chunksById([id]).get(id)!.path;
  return { db, s, put, pathOf };
}

describe('identifiers, front matter and field-weighted bm25', () => {
  it('splits CamelCase identifiers and keeps the whole name', () => {
    expect(identifierParts('KubePodCrashLooping')).toEqual(['Kube', 'Pod', 'Crash', 'Looping']);
    expect(identifierParts('etcdMembersDown')).toEqual(['etcd', 'Members', 'Down']);
    expect(identifierParts('CephOSDNearFull')).toEqual(['Ceph', 'OSD', 'Near', 'Full']);
    expect(identifierParts('KubeAPIDown')).toEqual(['Kube', 'API', 'Down']);
    expect(identifierParts('ipv6')).toEqual(['ipv', '6']);
    expect(identifierParts('disk')).toEqual([]);
    expect(withIdentifierParts('alert NodeRAIDDegraded fired')).toBe('alert NodeRAIDDegraded fired\n Node RAID Degraded');
  });

  it('reads the alert names a runbook declares in its front matter', () => {
    const read = (fm: string) => readFrontMatter(`---\n${fm}\n---\n# X\n`.split('\n')).alerts;
    expect(read('title: Disk\nalert: DiskFull')).toEqual(['DiskFull']);
    expect(read('alerts: [DiskFull, "DiskAlmostFull"]')).toEqual(['DiskFull', 'DiskAlmostFull']);
    expect(read('alerts:\n  - DiskFull\n  - InodesFull\nweight: 3')).toEqual(['DiskFull', 'InodesFull']);
    expect(read('title: no alerts here')).toEqual([]);
    expect(chunkMarkdown('a.md', '---\nalertname: KubeJobFailed\n---\n# Jobs\n\ntext\n').alerts).toEqual(['KubeJobFailed']);
  });

  it('ranks a runbook named, titled or declared for the alert above prose that only mentions its words', () => {
    const { db, put, pathOf } = store();
    db.transaction(() => {
      put('KubePodCrashLooping.md', '# Pod restarts\n\n## Meaning\n\nThe container keeps dying.\n');
      put('prose.md', '# Notes\n\nA pod crash looping is seen when a pod crash repeats; looping pods crash again and again.\n');
      put('declared.md', '---\nalert: EtcdNoLeader\n---\n# Consensus\n\nWhat to do when consensus is lost.\n');
      put('etcd.md', '# Etcd\n\nEtcd has no leader sometimes. Etcd leader election.\n');
    })();
    // The query's words reach the file name through its CamelCase parts.
    expect(pathOf(lexicalSearch(db, 'pod crash looping', 5)[0]!.id)).toBe('KubePodCrashLooping.md');
    expect(pathOf(lexicalSearch(db, 'EtcdNoLeader', 5)[0]!.id)).toBe('declared.md');
    const q = searchQuery({ name: 'KubePodCrashLooping', summary: 'Pod is crash looping.', description: 'Pod {{ $labels.pod }} is restarting' });
    expect(pathOf(lexicalSearch(db, q.lexical, 5)[0]!.id)).toBe('KubePodCrashLooping.md');
    db.close();
  });

  it('counts the alert\'s whole name where a runbook names its alert, never in its prose', () => {
    const { db, put, pathOf } = store();
    db.transaction(() => {
      put('NodeFilesystemSpaceFillingUp.md', `# NodeFilesystemSpaceFillingUp\n\n## Meaning\n\nThe disk is predicted to run out. ${'Check the volume. '.repeat(20)}\n`);
      put('NodeFilesystemFilesFillingUp.md', '# NodeFilesystemFilesFillingUp\n\n## Filesystem space filling up\n\nThe node filesystem is filling up with files, not space: a filesystem space check will not show it.\n');
      // Other files mention the alert by name, as a real set's do, so the whole name is not a rare word in the prose.
      for (const n of [1, 2, 3, 4, 5, 6]) put(`notes${n}.md`, `# Notes ${n}\n\nNodeFilesystemSpaceFillingUp fires often.\n`);
    })();
    expect(ftsQuery('NodeFilesystemSpaceFillingUp', true)).toBe('{name title alerts} : ("nodefilesystemspacefillingup")');
    // Only the runbook named after the alert matches the whole name; the notes that repeat it in prose do not.
    const named = lexicalSearch(db, [{ text: 'NodeFilesystemSpaceFillingUp', weight: 1, naming: true }], 5);
    expect(new Set(named.map((h) => pathOf(h.id)))).toEqual(new Set(['NodeFilesystemSpaceFillingUp.md']));
    // By its parts alone the neighbour wins (it repeats them); the whole name puts the alert's own runbook first.
    const top = (wholeName: number) => pathOf(lexicalSearch(db, searchQuery({ name: 'NodeFilesystemSpaceFillingUp', summary: 'Filesystem space is filling up.' }, { ...W, wholeName }).lexical, 5)[0]!.id);
    expect(top(0)).toBe('NodeFilesystemFilesFillingUp.md');
    expect(top(2)).toBe('NodeFilesystemSpaceFillingUp.md');
    db.close();
  });

  it('builds alert queries from weighted parts: the name over the description, label values, templates removed', () => {
    const q = searchQuery({ name: 'KubeJobFailed', summary: 'Job failed to complete.', description: 'Job {{ $labels.namespace }}/{{ $labels.job_name }} failed.', labels: { namespace: 'openshift-monitoring', pod: 'x-7d9f', alertname: 'KubeJobFailed', severity: 'warning' } });
    expect(q.dense).toBe('KubeJobFailed\nKube Job Failed\nJob failed to complete.\nJob / failed.');
    expect(q.lexical).toEqual(
      [
        { text: 'KubeJobFailed', weight: W.name },
        { text: 'KubeJobFailed', weight: W.wholeName, naming: true },
        { text: 'Job failed to complete.', weight: W.summary },
        { text: 'Job / failed.', weight: W.description },
        { text: 'openshift-monitoring warning', weight: W.labels },
      ].filter((g) => g.weight > 0),
    );
    expect(searchQuery('free text')).toEqual({ dense: 'free text', lexical: [{ text: 'free text', weight: 1 }] });
  });

  it('the labels tell two runbooks of the same alert apart', () => {
    const { db, put, pathOf } = store();
    db.transaction(() => {
      put('upstream/KubeJobFailed.md', '# KubeJobFailed\n\n## Meaning\n\nA job failed in the cluster.\n');
      put('openshift/KubeJobFailed.md', '# KubeJobFailed\n\n## Meaning\n\nA job failed. Check the openshift-monitoring namespace first.\n');
    })();
    const top = (labels: Record<string, string>) => pathOf(lexicalSearch(db, searchQuery({ name: 'KubeJobFailed', summary: 'Job failed', labels }).lexical, 5)[0]!.id);
    expect(top({ namespace: 'openshift-monitoring' })).toBe('openshift/KubeJobFailed.md');
    db.close();
  });

  it('fuses at document level, so a runbook whose best sections differ per ranking keeps both votes', async () => {
    const { db, s, put, pathOf } = store();
    let a: number[] = [];
    let b: number[] = [];
    db.transaction(() => {
      a = put('a.md', '# A\n\n## One\n\nzebra zebra zebra\n\n## Two\n\nother words\n');
      b = put('b.md', '# B\n\nzebra\n');
      put('c.md', '# C\n\nunrelated\n');
    })();
    // Lexical prefers a.md's first section, dense its second; b.md is second in both.
    const index = { search: () => [{ id: a[1]!, score: 0.9 }, { id: b[0]!, score: 0.8 }] };
    const embedder = { modelId: 'fake', dim: 2, maxTokens: 64, embed: async (t: readonly string[]) => t.map(() => new Float32Array([1, 0])) };
    for (const method of ['rrf', 'scores'] as const) {
      const hits = await searchChunks(s, 'zebra', { index, embedder }, { k: 3, groupByDocument: true, fusion: { method, k: 60, lexicalWeight: 0.5, denseWeight: 0.5 } });
      expect(hits.map((h) => h.path), method).toEqual(['a.md', 'b.md']);
      expect(pathOf(hits[0]!.chunkId)).toBe('a.md');
    }
    db.close();
  });

  it('score fusion lets one ranking settle a near tie in the other; rank fusion cannot see it', () => {
    const lexical = [{ id: 1, score: 100 }, { id: 2, score: 99 }, { id: 3, score: 10 }];
    const dense = [{ id: 2, score: 0.88 }, { id: 1, score: 0.81 }, { id: 3, score: 0.8 }];
    expect(weightedScoreFusion([lexical, dense], [0.5, 0.5]).map((r) => r.id)).toEqual([2, 1, 3]);
    expect(weightedRankFusion([lexical, dense], [0.6, 0.4], 60).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('migrates an index made before field weights: its chunks are searchable at once and re-read on the next run', () => {
    const file = path.join(tempDir(), 'old.sqlite');
    const old = openDatabase(file, { migrations: migrations.slice(0, 4) });
    old.prepare("INSERT INTO documents (id, root, path, content_hash, size, mtime_ms, title, indexed_at) VALUES (1, '/ws', 'ops/KubePodCrashLooping.md', 'h', 10, 5, 'KubePodCrashLooping', 'now')").run();
    old.prepare("INSERT INTO chunks (document_id, chunk_key, ordinal, start_line, end_line, heading, text, text_hash, doc_version) VALUES (1, 'k', 0, 1, 3, '[\"KubePodCrashLooping\"]', 'The container keeps dying.', 't', 'h')").run();
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.length);
    const hits = lexicalSearch(db, 'pod crash looping', 5);
    expect(hits).toHaveLength(1);
    expect(db.prepare('SELECT mtime_ms, alerts FROM documents').get()).toEqual({ mtime_ms: -1, alerts: null });
    db.close();
  });
});
