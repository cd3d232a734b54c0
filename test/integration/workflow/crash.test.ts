import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrashHarness } from '../../harness/crash/crashHarness';
import { tempDir } from '../../helpers/tmp';

describe('crash harness (engine as a real child process, SIGKILLed at random points)', () => {
  it('holds its invariants over 12 kill points', async () => {
    const report = await runCrashHarness({ dir: tempDir('rba-crash-'), childEntry: path.resolve('dist/crash-child.js'), killPoints: 12, batch: 15, seed: 2026 });
    console.log(JSON.stringify(report));
    expect(report.violations).toEqual([]);
    expect(report.killPoints).toBe(12);
    expect(report.workflows).toBe(report.generations * 15);
    expect(report.completed + report.escalatedOutcomeUnknown).toBe(report.workflows);
    expect(report.completed).toBeGreaterThan(0);
    expect(report.writeLines).toBeGreaterThanOrEqual(report.completed * 2);
    // Two decision points per completed workflow (after diagnose, after mitigate), each committed once.
    expect(report.decisions).toBeGreaterThanOrEqual(report.completed * 2);
  }, 60_000);
});
