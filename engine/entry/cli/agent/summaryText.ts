import type { IncidentSummary } from '../../../../protocol/agent';

const MARK = { ok: '✓', flagged: '⚠', failed: '✗', 'not-run': '·' } as const;

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ⏎ ');

function after(ms: number): string {
  if (ms < 60_000) return `+${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `+${Math.round(ms / 60_000)} min`;
  return `+${(ms / 3_600_000).toFixed(1)} h`;
}

/**
 * The incident summary as plain text for a terminal (`show`, `report`): what fired, what was checked (each
 * finding with its citation), likely causes, what was done, verification, the timeline and the next action.
 */
export function summaryText(s: IncidentSummary): string {
  const labels = Object.entries(s.fired.labels).map(([k, v]) => `${k}=${v}`).join(' ');
  const lines = [
    `incident summary: ${s.fired.title}`,
    `  fired:    ${s.fired.severity} at ${new Date(s.fired.at).toISOString()}${labels ? `  ${labels}` : ''}`,
    `  state:    ${s.state}${s.reason ? ` (${oneLine(s.reason)})` : ''}`,
    '  checked:',
  ];
  if (s.checked.length === 0) lines.push('    nothing ran yet');
  for (const c of s.checked) lines.push(`    ${MARK[c.status]} ${oneLine(c.what)}${c.origin === 'builtin' ? ' (built in)' : ''}: ${oneLine(c.finding)} [${c.citation}]`);
  if (s.causes.length > 0) {
    lines.push('  likely causes:');
    for (const c of s.causes) {
      const why = [c.for.length ? `for: ${c.for.join(', ')}` : '', c.against.length ? `against: ${c.against.join(', ')}` : ''].filter(Boolean).join('; ');
      lines.push(`    - ${oneLine(c.cause)}${why ? ` (${why})` : ''}`);
    }
  }
  lines.push('  done:');
  if (s.done.length === 0) lines.push('    no mitigation in the plan');
  for (const d of s.done) lines.push(`    ${d.outcome}: ${oneLine(d.what)}${d.by ? ` by ${d.by}` : ''}${d.why ? ` (${oneLine(d.why)})` : ''}${d.citation ? ` [${d.citation}]` : ''}`);
  lines.push(`  verification: ${s.verification.status}`);
  for (const v of s.verification.items) lines.push(`    ${oneLine(v)}`);
  if (s.timings.length > 0) lines.push(`  timeline: ${s.timings.map((t) => `${t.stage} ${after(t.afterMs)}`).join(', ')}`);
  if (s.next) lines.push(`  next: ${oneLine(s.next)}`);
  return lines.join('\n');
}
