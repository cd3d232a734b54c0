import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../engine/control/db/open';
import { ManualClock } from '../../../engine/control/workflow/clock';
import { StorageProblem } from '../../../engine/control/workflow/errors';
import { verifyChain } from '../../../engine/control/store/sqlite/eventLog';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { FixedPlanner } from '../../../engine/control/workflow/planner';
import { tempDir } from '../../helpers/tmp';
import { assertConsistent, scriptedTool } from './fixtures';

/** A real tiny filesystem (tmpfs with a size quota) when this machine lets us mount one. */
function tinyFilesystem(): string | null {
  const dir = tempDir('rba-quota-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    return null;
  }
}

const mounted = process.platform === 'linux' ? tinyFilesystem() : null;

describe('full disk', () => {
  it.skipIf(mounted === null)('on a 400 KB filesystem: a clear "full" error, every workflow whole, the chain intact', async () => {
    const dir = mounted!;
    try {
      const file = path.join(dir, 'engine.sqlite');
      const db = openDatabase(file);
      const clock = new ManualClock();
      const tool = scriptedTool('noop', {}, () => ({ output: { blob: 'z'.repeat(4000) } }));
      const orchestrator = new Orchestrator({ store: new SqliteControlStore(db), tools: [tool], planner: new FixedPlanner({ main: [{ id: 'a', tool: 'noop', input: { target: 'x' } }] }), clock });
      let error: unknown;
      for (let i = 0; i < 5000 && !error; i++) {
        try {
          intake(db, { source: 's', title: `t${i}`, labels: { runbook: 'main' }, body: 'y'.repeat(4000) }, { clock });
          await orchestrator.drain();
        } catch (e) {
          error = e;
        }
      }
      expect(error).toBeInstanceOf(StorageProblem);
      expect((error as StorageProblem).kind).toBe('full');
      db.close();
      // Whatever was committed is whole and readable after reopening.
      const again = openDatabase(file, { readonly: true });
      expect(verifyChain(again).ok).toBe(true);
      assertConsistent(again);
      again.close();
    } finally {
      execFileSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
