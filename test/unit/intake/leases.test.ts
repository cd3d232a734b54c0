import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../engine/control/db/open';
import { leasesHeld, releaseOwnerLeases } from '../../../engine/control/store/sqlite/queue';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { leaseNext } from '../../../engine/control/store/sqlite/queue';
import { tempDir } from '../../helpers/tmp';

let db: Db | null = null;
afterEach(() => db?.close());

describe('releaseOwnerLeases', () => {
  it("frees only the stopped owner's leases, so its work is ready again at once", () => {
    db = openDatabase(path.join(tempDir('rba-leases-'), 'engine.sqlite'));
    for (const t of ['a', 'b', 'c']) intake(db, { source: 'test', title: t });
    const now = Date.now();
    const mine = [leaseNext(db, 'host/1/stopping', now, 60_000), leaseNext(db, 'host/1/stopping', now, 60_000)];
    const theirs = leaseNext(db, 'host/2/running', now, 60_000);
    expect(mine.every(Boolean) && theirs).toBeTruthy();
    expect(leaseNext(db, 'host/3/new', now, 60_000)).toBeNull();

    expect(releaseOwnerLeases(db, 'host/1/stopping')).toBe(2);
    expect(leasesHeld(db)).toBe(1);
    const next = leaseNext(db, 'host/3/new', now, 60_000);
    expect(mine.map((l) => l!.workflowId)).toContain(next?.workflowId);
    expect(releaseOwnerLeases(db, 'host/1/stopping')).toBe(0);
  });
});
