// Which runbook answers the alert. Evidence, strongest first:
//   1. a runbook reference on the alert that resolves inside the workspace (reference.ts)
//   2. a document whose front matter says `alert: <alertname>`
//   3. a document named after the alert (KubePodCrashLooping.md)
//   4. the best retrieval hit
// Among several documents with the same evidence, the one retrieval ranks higher wins, then path order.
import path from 'node:path';
import { readFrontMatter } from '../../memory/runbook/frontMatter';
import type { SearchHit } from '../../memory/retrieval/search';
import type { AlertRequest } from '../../control/workflow/request';
import { clip, referencesOf, resolveReference } from './reference';
import { insideWorkspace, readHead } from './workspace';

export interface Choice {
  readonly path: string;
  readonly reason: string;
  /** Only retrieval chose it: nothing on the alert or in the runbook names it. */
  readonly bySearch?: boolean;
  /** Other documents retrieval ranked next, with their scores. */
  readonly alternatives?: readonly string[];
}

export interface ChoiceInput {
  readonly request: AlertRequest;
  readonly workspace: string;
  /** Workspace-relative Markdown files (listMarkdown). */
  readonly files: readonly string[];
  readonly hits: readonly SearchHit[];
  /** Notes for the plan summary (references that did not resolve). */
  readonly notes: string[];
}

/** Front matter is read from this many files at most, so a huge workspace cannot stall planning. */
const MAX_FRONT_MATTER_READS = 5000;

export function chooseRunbook(input: ChoiceInput): Choice | null {
  const { request, workspace, files, notes } = input;
  for (const ref of referencesOf(request)) {
    const r = resolveReference(ref, workspace, files);
    if (r) return { path: r.path, reason: r.ties > 0 ? `${r.how} (${r.ties} other file(s) match as well; path order decided)` : r.how };
    notes.push(`${ref.key} ${JSON.stringify(clip(ref.value, 100))} matches no Markdown file in the workspace`);
  }
  const ranked = hitDocuments(input.hits, workspace);
  const alertname = request.labels.alertname;
  if (alertname) {
    const byFrontMatter = files.slice(0, MAX_FRONT_MATTER_READS).filter((f) => frontMatterAlert(workspace, f) === alertname);
    if (byFrontMatter.length > 0) {
      const p = preferRanked(byFrontMatter, ranked);
      return { path: p, reason: `front matter of ${p} says alert: ${alertname}${othersToo(byFrontMatter, p, ranked)}` };
    }
    const lower = alertname.toLowerCase();
    const byName = files.filter((f) => path.posix.basename(f).replace(/\.(md|markdown)$/i, '').toLowerCase() === lower);
    if (byName.length > 0) {
      const p = preferRanked(byName, ranked);
      return { path: p, reason: `${p} is named after the alert${othersToo(byName, p, ranked)}` };
    }
  }
  if (ranked.length > 0) {
    const best = (p: string) => input.hits.find((h) => hitPath(h, workspace) === p);
    const top = best(ranked[0]!);
    const next = ranked[1] === undefined ? undefined : best(ranked[1]);
    const margin = top && next ? `, ${(top.score - next.score).toFixed(3)} above the next` : '';
    return {
      path: ranked[0]!,
      reason: `retrieval ranked ${ranked[0]} first${top ? ` (section "${clip(top.heading, 80)}", score ${top.score.toFixed(3)}${margin})` : ''}`,
      bySearch: true,
      alternatives: ranked.slice(1, 4).map((p) => `${p}${best(p) ? ` (${best(p)!.score.toFixed(3)})` : ''}`),
    };
  }
  return null;
}

/** Distinct workspace-relative documents of the hits, best first; hits outside the workspace are ignored. */
function hitDocuments(hits: readonly SearchHit[], workspace: string): string[] {
  const out: string[] = [];
  for (const h of hits) {
    const p = hitPath(h, workspace);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

export function hitPath(hit: SearchHit, workspace: string): string | null {
  return insideWorkspace(workspace, path.relative(path.resolve(workspace), path.resolve(hit.root || workspace, hit.path)));
}

/**
 * The other documents with the same evidence, named, and what decided between them: nothing on the alert did
 * (the same rule shipped by two projects, each with its runbook), so a person sees which others there are.
 */
function othersToo(candidates: readonly string[], chosen: string, ranked: readonly string[]): string {
  const others = candidates.filter((c) => c !== chosen);
  if (others.length === 0) return '';
  const named = others.slice(0, 3).join(', ') + (others.length > 3 ? ` and ${others.length - 3} more` : '');
  return ` (${named} ${others.length === 1 ? 'matches' : 'match'} as well; ${ranked.includes(chosen) ? 'retrieval' : 'path order'} decided)`;
}

function preferRanked(candidates: readonly string[], ranked: readonly string[]): string {
  for (const r of ranked) if (candidates.includes(r)) return r;
  return candidates[0]!;
}

function frontMatterAlert(workspace: string, rel: string): string | undefined {
  try {
    const head = readHead(workspace, rel);
    if (!head.startsWith('---')) return undefined;
    return readFrontMatter(head.split(/\r?\n/)).metadata.alert;
  } catch {
    return undefined;
  }
}
