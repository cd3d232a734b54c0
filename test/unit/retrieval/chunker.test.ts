import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from '../../../engine/memory/retrieval/chunk/chunker';
import { estimateTokens } from '../../../engine/memory/retrieval/chunk/tokens';
import { parseSections } from '../../../engine/memory/retrieval/chunk/blocks';
import { readFrontMatter } from '../../../engine/memory/retrieval/chunk/frontMatter';
import { hasShared, RUNBOOKS } from './shared';

const doc = [
  '---', // 1
  'title: "Disk filling up"', // 2
  'weight: 20', // 3
  '---', // 4
  '# NodeFilesystemSpaceFillingUp', // 5
  '', // 6
  '## Meaning', // 7
  '', // 8
  'The filesystem on {{ $labels.device }} is predicted to run out of space.', // 9
  '', // 10
  '{{< details "Full context" >}}', // 11
  'More context here.', // 12
  '{{< /details >}}', // 13
  '', // 14
  '## Mitigation', // 15
  '', // 16
  'Run this on the node:', // 17
  '', // 18
  '```shell', // 19
  '# not a heading', // 20
  'df -h /', // 21
  '```', // 22
  '', // 23
  '### Clean up {% include version.md %}', // 24
  '', // 25
  '{% highlight bash %}', // 26
  'journalctl --vacuum-size=500M', // 27
  '{% endhighlight %}', // 28
].join('\n');

describe('chunkMarkdown', () => {
  it('cuts by heading, keeps heading paths and line ranges, skips front matter', () => {
    const out = chunkMarkdown('node/Disk.md', doc);
    expect(out.title).toBe('Disk filling up');
    expect(out.chunks.map((c) => [c.headingPath.join(' > '), c.startLine, c.endLine])).toEqual([
      ['NodeFilesystemSpaceFillingUp > Meaning', 7, 13],
      ['NodeFilesystemSpaceFillingUp > Mitigation', 15, 22],
      ['NodeFilesystemSpaceFillingUp > Mitigation > Clean up', 24, 28],
    ]);
    const all = out.chunks.map((c) => c.text).join('\n');
    expect(all).not.toContain('weight: 20');
    expect(all).not.toMatch(/\{\{<|\{%/); // Hugo and Liquid markup are gone
    expect(out.chunks[0]!.text).toContain('$labels.device'); // Go-template variables stay as words
    expect(out.chunks[1]!.text).toContain('# not a heading'); // a heading inside code is code
    expect(out.chunks[2]!.text).toContain('```bash\njournalctl --vacuum-size=500M\n```');
    expect(out.chunks[0]!.embedText.startsWith('Disk filling up > NodeFilesystemSpaceFillingUp > Meaning\n')).toBe(true);
  });

  it('splits a long section within the token limit, with overlap only at the split, and never splits code', () => {
    const para = (i: number) => `Paragraph ${i} explains one step of the recovery in plain words, briefly.`;
    const code = ['```bash', ...Array.from({ length: 120 }, (_, i) => `kubectl delete pod worker-${i} --namespace production --grace-period=30`), '```'];
    const text = ['# Big', '', ...Array.from({ length: 40 }, (_, i) => [para(i), '']).flat(), ...code, '', 'After.'].join('\n');
    const out = chunkMarkdown('big.md', text, { maxTokens: 128 });
    expect(out.chunks.length).toBeGreaterThan(3);
    const codeChunks = out.chunks.filter((c) => c.text.includes('```bash'));
    expect(codeChunks).toHaveLength(1);
    expect(codeChunks[0]!.text.match(/kubectl delete pod/g)).toHaveLength(120); // whole, though over the limit
    for (const c of out.chunks.filter((c) => c !== codeChunks[0])) expect(estimateTokens(c.embedText) + 2).toBeLessThanOrEqual(128);
    // Consecutive prose parts share their boundary paragraph (the overlap)...
    const [a, b] = out.chunks;
    const lastOfA = a!.text.split('\n\n').at(-1)!;
    expect(b!.text.startsWith(lastOfA)).toBe(true);
    // ...while a document of small sections has no overlap at all.
    const small = chunkMarkdown('s.md', '# A\n\none\n\n# B\n\ntwo\n');
    expect(small.chunks.map((c) => c.text)).toEqual(['# A\n\none', '# B\n\ntwo']);
  });

  it('keeps chunk ids stable when another section changes, and versions the document by content', () => {
    const v1 = chunkMarkdown('a.md', '# A\n\none\n\n## B\n\ntwo\n\n## C\n\nthree\n');
    const v2 = chunkMarkdown('a.md', '# A\n\none, now longer\nand with a new line\n\n## B\n\ntwo\n\n## C\n\nthree changed\n');
    expect(v2.chunks[1]!.key).toBe(v1.chunks[1]!.key);
    expect(v2.chunks[1]!.startLine).toBe(v1.chunks[1]!.startLine + 1);
    expect(v2.chunks[2]!.key).toBe(v1.chunks[2]!.key);
    expect(v2.chunks[2]!.textHash).not.toBe(v1.chunks[2]!.textHash);
    expect(v2.version).not.toBe(v1.version);
    expect(chunkMarkdown('other.md', '# A\n\none\n').chunks[0]!.key).not.toBe(v1.chunks[0]!.key);
  });

  it('handles setext headings, TOML front matter, unclosed fences and empty documents', () => {
    const out = chunkMarkdown('x.md', '+++\ntitle = "T"\n+++\nTop\n===\n\ntext\n\n~~~\nunclosed\n## not heading\n');
    expect(out.title).toBe('T');
    expect(out.chunks).toHaveLength(1);
    expect(out.chunks[0]!.headingPath).toEqual(['Top']);
    expect(out.chunks[0]!.text).toContain('## not heading');
    expect(chunkMarkdown('e.md', '---\ntitle: x\n---\n').chunks).toEqual([]);
  });

  it.skipIf(!hasShared)('chunks all 381 real runbooks without splitting a fence', () => {
    const files = fs.readdirSync(RUNBOOKS, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md'));
    expect(files.length).toBeGreaterThan(370);
    let chunks = 0;
    for (const f of files) {
      const text = fs.readFileSync(path.join(RUNBOOKS, f), 'utf8');
      const out = chunkMarkdown(f, text);
      const keys = new Set(out.chunks.map((c) => c.key));
      expect(keys.size).toBe(out.chunks.length);
      const lines = text.split(/\r?\n/);
      const front = readFrontMatter(lines);
      const code = parseSections(lines.slice(front.lines), front.lines + 1).flatMap((s) => s.blocks.filter((b) => b.kind === 'code'));
      // Every code block lies inside one chunk: none was cut.
      for (const b of code) {
        expect(out.chunks.some((c) => c.startLine <= b.startLine && b.endLine <= c.endLine), `${f}:${b.startLine}`).toBe(true);
      }
      for (const c of out.chunks) {
        chunks++;
        expect(c.startLine).toBeLessThanOrEqual(c.endLine);
      }
    }
    expect(chunks).toBeGreaterThan(1500);
  });
});
