// The evaluation report as a person reads it: each case with its pass rate and, for a failing run, the elements
// that failed and why; then pass rates per difficulty, per tag, per kind of element, and overall.
import type { EvalReport, Tally } from './index';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const rate = (t: Tally) => `${pct(t.passRate)} (${t.passedRuns}/${t.runs} runs, ${t.cases} case${t.cases === 1 ? '' : 's'})`;

export function renderReport(r: EvalReport): string {
  const lines: string[] = [];
  lines.push(`planner: ${r.planner.plans}; decisions: ${r.planner.decides}; retrieval: ${r.retrieval}; repeat: ${r.repeat}`);
  lines.push('');
  const width = Math.max(10, ...r.cases.map((c) => c.id.length));
  for (const c of r.cases) {
    const mark = c.passedRuns === c.runs.length ? '✓' : c.passedRuns === 0 ? '✗' : '~';
    lines.push(`${mark} ${c.id.padEnd(width)} ${`${c.passedRuns}/${c.runs.length}`.padStart(5)}  [${c.tags.join(', ')}]`);
    const failing = c.runs.find((run) => !run.passed);
    if (failing) {
      const ok = failing.elements.filter((e) => e.passed).length;
      lines.push(`    ${ok}/${failing.elements.length} elements; ${failing.state}: ${failing.stoppedAt}`);
      for (const e of failing.elements.filter((x) => !x.passed)) lines.push(`    ✗ ${e.kind}: ${e.name} — ${e.detail}`);
      if (failing.unrecorded.length > 0) lines.push(`    unrecorded: ${failing.unrecorded.map((u) => `${u.tool} ${JSON.stringify(u.input.slice(0, 100))}`).join('; ')}`);
    }
  }
  for (const s of r.skipped) lines.push(`- ${s.id}: skipped (${s.why})`);
  lines.push('', 'by difficulty:');
  for (const [level, t] of Object.entries(r.levels)) lines.push(`  ${level.padEnd(12)} ${rate(t)}`);
  lines.push('by tag:');
  for (const [tag, t] of Object.entries(r.tags)) lines.push(`  ${tag.padEnd(24)} ${rate(t)}`);
  lines.push('by element:');
  for (const [kind, e] of Object.entries(r.elements)) lines.push(`  ${kind.padEnd(18)} ${pct(e.passRate)} (${e.passed}/${e.total})`);
  lines.push('', `overall: ${rate(r.overall)}; elements ${r.overall.elements.passed}/${r.overall.elements.total}; unrecorded calls refused: ${r.unrecordedCalls}; ${(r.ms / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
