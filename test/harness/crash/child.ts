/**
 * The crash harness's engine process (bundled to dist/crash-child.js): opens the database, recovers, takes in
 * a batch of workflows (idempotently, so a restart re-submits the same batch), runs them to a settled state
 * with the real orchestrator, prints "settled" and exits. The harness SIGKILLs it at random moments.
 *   node dist/crash-child.js --db FILE --dir EFFECTS --gen N --count N [--concurrency N]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../../engine/control/db/open';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { FixedPlanner, type Planner } from '../../../engine/control/workflow/planner';
import { queuedCount } from '../../../engine/control/store/sqlite/queue';
import { HARNESS_RUNBOOKS, harnessTools } from './tools';

/**
 * A planner whose decisions are logged when asked (`asked WORKFLOW STEPINDEX PHASE MS`), after a short random delay
 * so kills land between asking and the commit. The harness checks that no decision is asked after it was committed.
 */
function decidingPlanner(planner: FixedPlanner, log: string): Planner {
  return {
    name: planner.name,
    provider: planner.provider,
    plan: (input, signal) => planner.plan(input),
    async decide(input) {
      fs.appendFileSync(log, `asked ${input.workflowId} ${input.stepIndex} ${input.phase} ${Date.now()}\n`);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
      return { decision: { notes: ['harness: nothing to change'] } };
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      dir: { type: 'string' },
      gen: { type: 'string' },
      count: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  if (!values.db || !values.dir) throw new Error('--db and --dir are required');
  const db = openDatabase(values.db);
  const orchestrator = new Orchestrator({
    store: new SqliteControlStore(db),
    tools: harnessTools(values.dir),
    planner: decidingPlanner(new FixedPlanner(HARNESS_RUNBOOKS), path.join(values.dir, 'decisions.log')),
    concurrency: Number(values.concurrency ?? 4),
    leaseMs: 10_000,
    toolTimeoutMs: 10_000,
    pollMs: 5,
  });
  const recovered = (await orchestrator.start())!;
  process.stdout.write(`ready ${recovered.reclaimed} ${recovered.unsettled} ${recovered.orphans} ${recovered.interrupted}\n`);
  const gen = Number(values.gen ?? 0);
  for (let i = 0; i < Number(values.count ?? 0); i++) {
    const key = `g${gen}-${i}`;
    const r = intake(db, { source: 'crash-harness', title: `workflow ${key}`, labels: { runbook: 'crash', host: key }, idempotencyKey: key }, { maxQueued: 100_000 });
    process.stdout.write(`accepted ${key} ${r.workflow.id}\n`);
    // Let workers run between intakes so kills land in every phase.
    if (i % 5 === 4) await new Promise((r2) => setImmediate(r2));
  }
  while (queuedCount(db) > 0) await new Promise((r) => setTimeout(r, 5));
  await orchestrator.stop();
  db.close();
  process.stdout.write('settled\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-child: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
