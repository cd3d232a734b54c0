import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../engine/control/db/open';
import { DEFAULT_FUSION, fuse, reciprocalRankFusion } from '../../../engine/memory/retrieval/fusion';
import { ftsQuery, lexicalSearch } from '../../../engine/memory/retrieval/lexical';
import { RetrievalStore } from '../../../engine/memory/retrieval/store';
import { chunkMarkdown } from '../../../engine/memory/retrieval/chunk/chunker';
import { tempDir } from '../../helpers/tmp';

describe('lexical ranking and fusion', () => {
  it('turns any text into a safe FTS5 query', () => {
    expect(ftsQuery('Disk "full" AND NEAR(x) -foo * {{ $labels.pod }}')).toBe('"disk" OR "full" OR "and" OR "near" OR "foo" OR "labels" OR "pod"');
    expect(ftsQuery('?? !! a')).toBeNull();
  });

  it('ranks with bm25 over path, heading and text, and survives hostile queries', () => {
    const db = openDatabase(path.join(tempDir(), 'x.sqlite'));
    const store = new RetrievalStore(db);
    const put = (rel: string, text: string) =>
      store.putDocument('/ws', rel, { hash: rel, size: 1, mtimeMs: 1, title: rel }, chunkMarkdown(rel, text, { keyPrefix: '/ws' }).chunks);
    db.transaction(() => {
      put('EtcdNoLeader.md', '# EtcdNoLeader\n\n## Meaning\n\nThe etcd cluster has no leader.\n');
      put('Disk.md', '# Disk\n\n## Meaning\n\nThe disk is almost full; etcd may stop.\n');
      put('Other.md', '# Other\n\nNothing related here.\n');
    })();
    const hits = lexicalSearch(db, 'EtcdNoLeader etcd has no leader', 10);
    const paths = hits.map((h) => store.chunksById([h.id]).get(h.id)!.path);
    expect(paths[0]).toBe('EtcdNoLeader.md');
    expect(paths).not.toContain('Other.md');
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    for (const q of ['"', 'AND OR NOT', 'NEAR(', '*', '-', "'); DROP TABLE chunks; --", '{text} : xy', 'name:EtcdNoLeader']) {
      expect(() => lexicalSearch(db, q, 5)).not.toThrow();
      // The whole-name group sits under a column filter of the code's own: the input never names a column.
      expect(() => lexicalSearch(db, [{ text: q, weight: 1, naming: true }], 5)).not.toThrow();
    }
    expect(ftsQuery('{text} : xy', true)).toBe('{name title alerts} : ("text" OR "xy")');
    db.close();
  });

  it('fuses rankings by reciprocal rank: agreement beats one strong vote', () => {
    const fused = reciprocalRankFusion([
      [{ id: 1, score: 9 }, { id: 2, score: 8 }, { id: 3, score: 7 }],
      [{ id: 4, score: 0.9 }, { id: 2, score: 0.8 }, { id: 1, score: 0.1 }],
    ]);
    // 2 (second in both) outranks 4 (first in one list only); 1 (first and third) edges out 2.
    expect(fused.map((f) => f.id)).toEqual([1, 2, 4, 3]);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 63, 10);
    expect(fused[1]!.score).toBeCloseTo(2 / 62, 10);
  });

  it('the default fusion: the embedding turns bm25\'s first two around when it ranks the second first and the first sixth or lower', () => {
    const { k, lexicalWeight, denseWeight } = DEFAULT_FUSION;
    // Lexical ranks 1 (id 1) over 2 (id 2); the embedding ranks 2 first and 1 at `at`.
    const top = (at: number) => {
      const dense = [2, 10, 11, 12, 13, 14, 15].filter((_, i) => i < at - 1).concat(1).map((id, i) => ({ id, score: 1 - i / 10 }));
      const lexical = [1, 2, 3].map((id, i) => ({ id, score: 3 - i }));
      return fuse([lexical, dense], [lexicalWeight, denseWeight], { method: 'rrf', k })[0]!.id;
    };
    expect(top(5)).toBe(1);
    expect(top(6)).toBe(2);
  });
});
