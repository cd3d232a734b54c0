/**
 * The crash harness's engine process (bundled to dist/crash-child.js): opens the database, recovers, takes in
 * a batch of workflows (idempotently, so a restart re-submits the same batch), runs them to a settled state
 * with the real orchestrator, prints "settled" and exits. The harness SIGKILLs it at random moments.
 *   node dist/crash-child.js --db FILE --dir EFFECTS --gen N --count N [--concurrency N] [--bg-checkpoint]
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/open';
import { BackgroundCheckpointer } from '../checkpointer';
import { intake } from '../intake';
import { Orchestrator } from '../orchestrator';
import { FixedPlanner } from '../planner';
import { queuedCount } from '../queue';
import { HARNESS_RUNBOOKS, harnessTools } from './tools';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      dir: { type: 'string' },
      gen: { type: 'string' },
      count: { type: 'string' },
      concurrency: { type: 'string' },
      'bg-checkpoint': { type: 'boolean' },
    },
  });
  if (!values.db || !values.dir) throw new Error('--db and --dir are required');
  const db = openDatabase(values.db);
  const checkpointer = values['bg-checkpoint'] ? new BackgroundCheckpointer(db, values.db, { intervalMs: 20, maxWalPages: 2000 }) : undefined;
  const orchestrator = new Orchestrator({
    checkpointer,
    db,
    tools: harnessTools(values.dir),
    planner: new FixedPlanner(HARNESS_RUNBOOKS),
    concurrency: Number(values.concurrency ?? 4),
    leaseMs: 10_000,
    toolTimeoutMs: 10_000,
    pollMs: 5,
  });
  const recovered = orchestrator.recover();
  process.stdout.write(`ready ${recovered.reclaimed} ${recovered.unsettled} ${recovered.rerun} ${recovered.outcomeUnknown}\n`);
  orchestrator.start();
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
  await checkpointer?.stop();
  db.close();
  process.stdout.write('settled\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-child: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
