// `npm run bench -- runbooks [DIR]`: parses every .md runbook under DIR (default ../shared/corpus/runbooks) and
// writes bench/results/runbooks.json: files, sections, steps by kind and language, placeholders by form,
// warnings, parse time. The "report steps and placeholders found" of issue 5, capability 1.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { corpusTotals, listMarkdown } from '../engine/memory/runbook/corpus';

const dir = path.resolve(process.argv[2] ?? path.join('..', 'shared', 'corpus', 'runbooks'));
if (!fs.existsSync(dir)) {
  console.error(`runbooks bench: ${dir} is absent (expected ../shared/corpus/runbooks beside the repository)`);
  process.exit(1);
}
const files = listMarkdown(dir);
const t0 = performance.now();
const totals = corpusTotals(files.map((f) => ({ path: path.relative(dir, f), text: fs.readFileSync(f, 'utf8') })));
const parseMs = performance.now() - t0;
const result = { corpus: dir, ...totals, parseMs: Math.round(parseMs * 10) / 10, msPerFile: Math.round((parseMs / Math.max(1, files.length)) * 1000) / 1000, node: process.version, at: new Date().toISOString() };
fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
fs.writeFileSync(path.join('bench', 'results', 'runbooks.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
