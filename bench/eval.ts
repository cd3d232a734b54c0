// `npm run bench -- eval [--quick] [--llm-url URL --llm-model NAME] [--repeat N]`: the evaluation suite of the
// reasoning loop (eval/cases) run through the real planner and orchestrator with recorded tool outputs; writes
// bench/results/eval.json (the runbook planner, the no-model baseline) or eval-<model>.json. --quick runs the
// easy cases only. The same as `runbook-agent eval eval/cases`; see eval/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultCorpus, defaultOut } from '../engine/entry/eval/command';
import { renderReport, runEval, type ModelSpec } from '../engine/entry/eval';
import { findModel } from '../engine/memory/model/locate';
import { packageRoot } from '../engine/shared/paths';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const url = flag('llm-url');
  const name = flag('llm-model');
  const model: ModelSpec | null = url && name ? { url, model: name, apiKey: process.env.RUNBOOK_AGENT_LLM_API_KEY } : null;
  const corpus = defaultCorpus(undefined);
  const lookup = findModel(packageRoot());
  const report = await runEval({
    dir: path.join('eval', 'cases'),
    corpus,
    repoRoot: packageRoot(),
    model,
    repeat: Number(flag('repeat') ?? 1),
    modelDir: lookup.model?.path ?? null,
    tags: quick ? ['easy'] : [],
    command: `npm run bench -- eval ${process.argv.slice(2).join(' ')}`.trim(),
    onRun: (c, n, r) => console.error(`${r.passed ? '✓' : '✗'} ${c.id} (${r.ms} ms)`),
  });
  const out = quick ? path.join('bench', 'results', model ? 'eval-quick-model.json' : 'eval-quick.json') : defaultOut(model)!;
  const result = { ...report, cpus: os.availableParallelism(), loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100) };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(renderReport(report));
  console.log(`written to ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
