// Cases from disk: DIR is one case (it holds case.json) or a folder of case folders. Each case.json is checked
// with zod, its alert with the engine's own normalisation, and every file it names must exist inside the case
// folder (or the corpus); problems are collected and reported together, naming the file and the field.
import fs from 'node:fs';
import path from 'node:path';
import { normalizeAlerts } from '../../control/alert';
import type { AlertRequest } from '../../control/workflow/request';
import { messageOf } from '../../control/workflow/failures';
import { Recordings } from './replay';
import { CaseFile, describeIssues, LEVELS, type Level, type RunbookSource } from './schema';

export const CASE_FILE = 'case.json';

export interface LoadedCase {
  readonly id: string;
  readonly dir: string;
  readonly spec: CaseFile;
  readonly alert: AlertRequest;
  readonly level: Level;
  /** Corpus runbooks this case copies (paths relative to corpus/runbooks). */
  readonly corpusRunbooks: string[];
}

export class CaseError extends Error {}

export interface LoadOptions {
  /** The public corpus (holds runbooks/); cases that copy from it are checked against it when it exists. */
  readonly corpus: string | null;
}

/** The case folders under `dir` (or `dir` itself), sorted by name. */
export function caseFolders(dir: string): string[] {
  const root = path.resolve(dir);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new CaseError(`${dir} is not a folder`);
  if (fs.existsSync(path.join(root, CASE_FILE))) return [root];
  const folders = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, CASE_FILE)))
    .map((e) => path.join(root, e.name))
    .sort();
  if (folders.length === 0) throw new CaseError(`${dir} holds no case: neither ${CASE_FILE} nor folders with one`);
  return folders;
}

/** Every case under `dir`; throws one CaseError listing every problem found. */
export function loadCases(dir: string, options: LoadOptions): LoadedCase[] {
  const problems: string[] = [];
  const cases: LoadedCase[] = [];
  for (const folder of caseFolders(dir)) {
    try {
      cases.push(loadCase(folder, options));
    } catch (error) {
      problems.push(messageOf(error));
    }
  }
  if (problems.length > 0) throw new CaseError(`${problems.length} invalid case(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return cases;
}

export function loadCase(folder: string, options: LoadOptions): LoadedCase {
  const file = path.join(folder, CASE_FILE);
  const where = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CaseError(`${where}: not JSON: ${messageOf(error)}`);
  }
  const parsed = CaseFile.safeParse(raw);
  if (!parsed.success) throw new CaseError(`${where}: ${describeIssues(parsed.error)}`);
  const spec = parsed.data;
  const problems: string[] = [];
  let alert: AlertRequest | undefined;
  try {
    const alerts = normalizeAlerts(spec.alert, 'eval');
    if (alerts.length !== 1) problems.push(`alert: a case holds exactly one alert, this one holds ${alerts.length}`);
    else alert = alerts[0];
  } catch (error) {
    problems.push(`alert: ${messageOf(error)}`);
  }
  const inCase = (rel: string, field: string): void => {
    const full = path.resolve(folder, rel);
    if (path.relative(folder, full).startsWith('..') || path.isAbsolute(rel)) problems.push(`${field}: ${rel} is outside the case folder`);
    else if (!fs.statSync(full, { throwIfNoEntry: false })?.isFile()) problems.push(`${field}: ${rel} does not exist`);
  };
  spec.recordings.forEach((r, i) => {
    if ('command' in r) {
      if (r.stdoutFile !== undefined) inCase(r.stdoutFile, `recordings.${i}.stdoutFile`);
      if (r.stderrFile !== undefined) inCase(r.stderrFile, `recordings.${i}.stderrFile`);
    }
  });
  const corpusRunbooks: string[] = [];
  spec.runbooks.forEach((r, i) => {
    const s = sourceOf(r);
    if (s.kind === 'file') inCase(s.from, `runbooks.${i}.file`);
    else {
      if (path.isAbsolute(s.from) || s.from.split(/[\\/]/).includes('..')) problems.push(`runbooks.${i}: ${s.from} must be a path inside corpus/runbooks`);
      else {
        corpusRunbooks.push(s.from);
        if (options.corpus !== null && !fs.existsSync(path.join(options.corpus, 'runbooks', s.from))) problems.push(`runbooks.${i}: ${s.from} is not in ${options.corpus}/runbooks`);
      }
    }
    if (s.to.split(/[\\/]/).includes('..') || path.isAbsolute(s.to)) problems.push(`runbooks.${i}: to ${s.to} must stay inside the workspace`);
  });
  // Duplicates are found by building the recordings, once every file they read is known to be there.
  if (!problems.some((p) => p.startsWith('recordings.'))) {
    try {
      new Recordings(spec.recordings, (f) => fs.readFileSync(path.resolve(folder, f), 'utf8'));
    } catch (error) {
      problems.push(`recordings: ${messageOf(error)}`);
    }
  }
  if (problems.length > 0 || !alert) throw new CaseError(`${where}: ${problems.join('; ')}`);
  const level = spec.tags.find((t): t is Level => (LEVELS as readonly string[]).includes(t))!;
  return { id: path.basename(folder), dir: folder, spec, alert, level, corpusRunbooks };
}

/** Where a runbook comes from and where it goes in the workspace. */
export function sourceOf(r: RunbookSource): { kind: 'corpus' | 'file'; from: string; to: string } {
  if (typeof r === 'string') return { kind: 'corpus', from: r, to: r };
  if ('corpus' in r) return { kind: 'corpus', from: r.corpus, to: r.to ?? r.corpus };
  return { kind: 'file', from: r.file, to: r.to };
}
