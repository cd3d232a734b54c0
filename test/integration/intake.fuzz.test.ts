import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, counts, startServer, webhook } from '../unit/intake/fixtures';
import { hostileCases } from '../unit/intake/hostile';
import { request } from '../unit/intake/http';

const SEED = Number(process.env.INTAKE_FUZZ_SEED ?? 20261124);
const CASES = 1_200;

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

describe('HTTP intake under malformed and hostile requests', () => {
  it(`refuses ${CASES} generated requests (seed ${SEED}) with a 4xx JSON error and stores none of them`, async () => {
    const s = await startServer();
    close = s.close;
    // One stored workflow first, so "nothing changed" is checked against a database that is not empty.
    expect((await request(s.port, { headers: AUTH, body: JSON.stringify(webhook(['seed0001'])) })).status).toBe(200);
    const before = counts(s.db);

    const cases = hostileCases(SEED, CASES);
    const seen = new Map<string, number>();
    const wrong: string[] = [];
    // A few at a time: the server must also cope with hostile requests arriving together.
    for (let i = 0; i < cases.length; i += 8) {
      const batch = cases.slice(i, i + 8);
      const answers = await Promise.all(batch.map((c) => request(s.port, c.send)));
      answers.forEach((a, j) => {
        const c = batch[j]!;
        seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1);
        const error = (a.json as { error?: unknown } | undefined)?.error;
        const ok = a.status >= 400 && a.status < 500 && String(a.headers['content-type']).startsWith('application/json') && typeof error === 'string' && error.length > 0;
        if (!ok) wrong.push(`case ${i + j} (${c.kind}): ${a.status} ${a.text.slice(0, 200)}`);
      });
    }
    expect(wrong).toEqual([]);
    expect(seen.size).toBe(17);
    expect(counts(s.db)).toEqual(before);

    const health = await request(s.port, { method: 'GET', path: '/healthz' });
    expect(health.json).toMatchObject({ status: 'ok', queued: 1, workflows: { RECEIVED: 1 } });
    const afterwards = await request(s.port, { headers: AUTH, body: JSON.stringify(webhook(['after001'])) });
    expect(afterwards.json).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(counts(s.db).workflows).toBe(before.workflows + 1);
  });
});
