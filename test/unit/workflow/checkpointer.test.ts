import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../engine/control/db/open';
import { BackgroundCheckpointer } from '../../../engine/control/workflow/checkpointer';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { FixedPlanner } from '../../../engine/control/workflow/planner';
import { tempDir } from '../../helpers/tmp';
import { assertConsistent, scriptedTool } from './fixtures';

describe('background checkpointer', () => {
  it('checkpoints the WAL from a worker thread while the engine commits, and restores SQLite autocheckpoint on stop', async () => {
    const file = path.join(tempDir(), 'engine.sqlite');
    const db = openDatabase(file);
    const checkpointer = new BackgroundCheckpointer(db, file, { intervalMs: 20 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const tool = scriptedTool('noop');
    const orchestrator = new Orchestrator({ db, tools: [tool], planner: new FixedPlanner({ main: [{ id: 'a', tool: 'noop', input: { target: 'x' } }] }), checkpointer });
    for (let i = 0; i < 50; i++) intake(db, { source: 's', title: `t${i}`, labels: { runbook: 'main' } });
    await orchestrator.drain();
    const report = await checkpointer.nextReport();
    expect(report.log).toBeGreaterThan(0);
    expect(report.checkpointed).toBe(report.log);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(tool.calls).toHaveLength(50);
    assertConsistent(db);
    db.close();
  });
});
