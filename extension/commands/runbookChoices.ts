import path from 'node:path';
import type { SourceView } from '../../protocol/agent';

export interface RunbookChoice {
  /** Workspace-relative, with forward slashes. */
  readonly rel: string;
  /** The best score search gave one of its sections when the plan was made, if it saw the file. */
  readonly score?: number;
  /** The runbook the plan is made from now. */
  readonly current?: true;
}

/**
 * The files a person may plan from, in the order to offer them: those search saw for this plan first (best score
 * first: the likeliest other runbook is at the top), then every other Markdown file of the workspace by path. The
 * plan's own runbook is marked, and comes last among what search saw: it is the one the person wants to leave.
 */
export function runbookChoices(files: readonly string[], sources: readonly SourceView[], workspace: string): RunbookChoice[] {
  const root = path.resolve(workspace);
  const relOf = (s: SourceView) => path.relative(root, path.resolve(s.root || root, s.path)).split(path.sep).join('/');
  const current = new Set(sources.filter((s) => s.planRunbook).map(relOf));
  const best = new Map<string, number>();
  for (const s of sources) {
    const rel = relOf(s);
    if (!s.planRunbook && files.includes(rel) && s.score > (best.get(rel) ?? -Infinity)) best.set(rel, s.score);
  }
  const last = (rel: string) => Number(current.has(rel));
  const seen = [...best].map(([rel, score]) => ({ rel, score })).sort((a, b) => last(a.rel) - last(b.rel) || b.score - a.score || a.rel.localeCompare(b.rel));
  const rest = [...files].filter((f) => !best.has(f)).sort().map((rel) => ({ rel }));
  return [...seen, ...rest].map((c): RunbookChoice => (current.has(c.rel) ? { ...c, current: true } : c));
}
