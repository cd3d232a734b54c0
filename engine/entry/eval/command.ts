// `runbook-agent eval DIR`: runs the evaluation cases under DIR with the runbook planner (the no-model baseline),
// or with a model (--llm-url/--llm-model), prints pass rates per case, per tag and overall, and writes the full
// report as JSON (bench/results/eval.json in a checkout, or --out FILE).
import fs from 'node:fs';
import path from 'node:path';
import { findModel } from '../../memory/model/locate';
import { packageRoot } from '../../shared/paths';
import { UsageError, type CliCommand } from '../cli/command';
import { renderReport, runEval, type ModelSpec } from './index';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The public corpus: --corpus, RUNBOOK_AGENT_CORPUS, else ../shared/corpus beside the checkout (null when absent). */
export function defaultCorpus(given: string | undefined): string | null {
  const dir = given ?? process.env.RUNBOOK_AGENT_CORPUS ?? path.resolve(packageRoot(), '..', 'shared', 'corpus');
  if (fs.existsSync(path.join(dir, 'runbooks'))) return path.resolve(dir);
  if (given !== undefined) throw new UsageError(`--corpus ${given} has no runbooks/ folder`);
  return null;
}

/** bench/results/eval.json for the baseline, eval-<model>.json for a model, in a checkout; nothing when installed. */
export function defaultOut(model: ModelSpec | null): string | null {
  const results = path.join(packageRoot(), 'bench', 'results');
  if (!fs.existsSync(results)) return null;
  return path.join(results, model === null ? 'eval.json' : `eval-${model.model.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
}

function modelSpec(values: Record<string, unknown>): ModelSpec | null {
  const url = str(values['llm-url']);
  const model = str(values['llm-model']);
  if (!url) {
    if (model) throw new UsageError('--llm-model needs --llm-url');
    return null;
  }
  if (!model) throw new UsageError('--llm-url needs --llm-model');
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--llm-url is not a URL: ${url}`);
  }
  return { url, model, apiKey: process.env.RUNBOOK_AGENT_LLM_API_KEY };
}

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'run the evaluation cases in DIR (recorded tool outputs, no command runs) and report pass rates per case and tag',
  usage:
    'DIR [--llm-url URL --llm-model NAME] [--repeat N] [--case ID]... [--tag TAG]... [--corpus DIR] [--model DIR | --no-retrieval] [--out FILE] [--min-pass-rate X] [--stub-unrecorded] [--json]',
  options: {
    'llm-url': { type: 'string' },
    'llm-model': { type: 'string' },
    repeat: { type: 'string' },
    case: { type: 'string', multiple: true },
    tag: { type: 'string', multiple: true },
    corpus: { type: 'string' },
    model: { type: 'string' },
    'no-retrieval': { type: 'boolean' },
    out: { type: 'string' },
    'min-pass-rate': { type: 'string' },
    'plan-timeout-ms': { type: 'string' },
    'stub-unrecorded': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new UsageError('--repeat must be an integer from 1 to 100');
    const minPass = values['min-pass-rate'] === undefined ? null : Number(values['min-pass-rate']);
    if (minPass !== null && !(minPass >= 0 && minPass <= 1)) throw new UsageError('--min-pass-rate must be a number from 0 to 1');
    const planTimeoutMs = values['plan-timeout-ms'] === undefined ? undefined : Number(values['plan-timeout-ms']);
    if (planTimeoutMs !== undefined && !(Number.isInteger(planTimeoutMs) && planTimeoutMs > 0)) throw new UsageError('--plan-timeout-ms must be a positive integer');
    const model = modelSpec(values);
    const corpus = defaultCorpus(str(values.corpus));
    let modelDir: string | null = null;
    let noRetrievalReason = '--no-retrieval';
    if (values['no-retrieval'] !== true) {
      const lookup = findModel(packageRoot(), str(values.model));
      if (lookup.model) modelDir = lookup.model.path;
      else {
        noRetrievalReason = 'no embedding model';
        if (!values.json) io.err(`${lookup.problem}; evaluating without retrieval`);
      }
    }
    const dir = positionals[0]!;
    const command = ['runbook-agent', 'eval', ...process.argv.slice(process.argv.indexOf('eval') + 1)].join(' ');
    const report = await runEval({
      dir,
      corpus,
      repoRoot: packageRoot(),
      model,
      repeat,
      modelDir,
      noRetrievalReason,
      only: list(values.case),
      tags: list(values.tag),
      command: process.argv.includes('eval') ? command : `runbook-agent eval ${dir}`,
      planTimeoutMs,
      stubUnrecorded: values['stub-unrecorded'] === true,
      onRun: values.json ? undefined : (c, n, r) => io.err(`${r.passed ? '✓' : '✗'} ${c.id}${repeat > 1 ? ` #${n + 1}` : ''} (${r.ms} ms)`),
    });
    // Only a whole, real run replaces the recorded results: a subset or a stubbed run (an authoring aid) writes only with --out.
    const subset = list(values.case).length > 0 || list(values.tag).length > 0;
    const out = str(values.out) ?? (values['stub-unrecorded'] === true || subset ? null : defaultOut(model));
    if (out !== null) {
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    }
    io.out(values.json ? JSON.stringify(report, null, 2) : `${renderReport(report)}${out ? `\nwritten to ${out}` : ''}`);
    return minPass !== null && report.overall.passRate < minPass ? 1 : 0;
  },
};
