import { describe, expect, it } from 'vitest';
import { parseShell, spansOf, walk } from '../../../engine/execution/risk/parse';

const typesOf = (file: unknown) => {
  const seen: string[] = [];
  walk(file, (_n, type) => seen.push(type));
  return seen;
};

describe('parseShell and walk: each source parsed once, each tree walked once', () => {
  it('returns the same tree for the same source, and a walk repeated visits the same nodes in the same order', () => {
    const a = parseShell('kubectl get pods -n "$NS" | grep -v Running');
    const b = parseShell('kubectl get pods -n "$NS" | grep -v Running');
    expect(a.ok && b.ok).toBe(true);
    expect(b).toBe(a);
    const file = (a as { file: unknown }).file;
    const first = typesOf(file);
    expect(first).toContain('BinaryCmd');
    expect(first.filter((t) => t === 'CallExpr')).toHaveLength(2);
    expect(typesOf(file)).toEqual(first);
  });

  it('keeps a parse error as the answer for that source', () => {
    const bad = parseShell('echo "unterminated');
    expect(bad).toMatchObject({ ok: false });
    expect(parseShell('echo "unterminated')).toEqual(bad);
  });

  it('is bounded: a source pushed out by 512 newer ones is parsed afresh (an equal tree, a new object)', () => {
    const first = parseShell('echo first-of-many');
    for (let i = 0; i < 512; i++) parseShell(`echo filler-${i}`);
    const again = parseShell('echo first-of-many');
    expect(again).not.toBe(first);
    expect(typesOf((again as { file: unknown }).file)).toEqual(typesOf((first as { file: unknown }).file));
  });

  it('gives each caller its own list of spans, so one caller cannot change what the next one reads', () => {
    const file = (parseShell('df -h /var/log') as { file: unknown }).file;
    const spans = spansOf(file);
    const n = spans.length;
    spans.length = 0;
    expect(spansOf(file)).toHaveLength(n);
  });
});
