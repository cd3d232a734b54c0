// `npm run bench -- planner [CORPUS]`: the runbook planner over every alert rule of the public corpus (default
// ../shared/corpus), each as the firing alert it would be: how many plans pick the labelled runbook, how they
// chose, steps by phase and by origin (fence, prose, built in, checklist), writes, questions, alerts with a
// diagnostic that runs on its own and uses their labels, invented commands. With and without kubectl and
// Prometheus configured. Writes bench/results/planner.json.
import fs from 'node:fs';
import path from 'node:path';
import { evaluateCorpus } from '../engine/planning/runbook/corpus';

const dir = path.resolve(process.argv[2] ?? path.join('..', 'shared', 'corpus'));
if (!fs.existsSync(path.join(dir, 'alerts.jsonl'))) {
  console.error(`planner bench: ${dir}/alerts.jsonl is absent (expected ../shared/corpus beside the repository)`);
  process.exit(1);
}
async function main(): Promise<void> {
  // Two machines: one with only a shell, one where kubectl and Prometheus are configured (their built-ins).
  const shellOnly = await evaluateCorpus(dir, 'shell');
  const report = await evaluateCorpus(dir, 'toolsets');
  const result = { corpus: dir, ...report, shellOnly, msPerAlert: Math.round((report.ms / Math.max(1, report.alerts)) * 100) / 100, node: process.version, at: new Date().toISOString() };
  fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join('bench', 'results', 'planner.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
