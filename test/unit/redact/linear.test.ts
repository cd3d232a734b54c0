// Redaction runs on every tool output, so hostile or unlucky text must not make it slow. Each input below is
// shaped to make a backtracking pattern retry at every position; it is compared with ordinary log text of the
// same size, not with a clock. A quadratic pass would be thousands of times slower at 1 MB; linear ones stay
// within a small factor.
import { beforeAll, describe, expect, it } from 'vitest';
import { redactText } from '../../../engine/redact';

const SIZE = 1 << 20;
const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

function cost(text: string): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    redactText(text);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

const HOSTILE: Record<string, string> = {
  'runs of token characters': 'a-',
  'JWT prefixes': 'eyJa.',
  'URL schemes': 'a://',
  'URL users without passwords': 'a://b:',
  'secret names without values': 'password=',
  'unclosed quoted values': 'password="',
  'escaped quotes': 'password="\\',
  'non-secret names': 'a:',
  'private key headers': '-----BEGIN PRIVATE KEY-----\n',
  'private key headers on one line': '-----BEGIN PRIVATE KEY-----',
  'bearer prefixes': 'Bearer ',
  'api key prefixes': 'sk-',
  'curl user flags': ' -u a:',
  'one long line of pairs': 'password=x token=y ',
};

describe('redaction cost', () => {
  let baseline = 1;
  beforeAll(() => {
    baseline = Math.max(cost(fill('2024-05-02T14:20:01Z INFO checkout-7d9f8b6c5-x2x9k GET /health 200 latency_ms=41\n')), 1);
  });
  for (const [what, unit] of Object.entries(HOSTILE)) {
    it(`stays linear on 1 MB of ${what}`, () => {
      expect(cost(fill(unit)) / baseline).toBeLessThan(100);
    });
  }
});
