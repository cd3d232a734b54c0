import path from 'node:path';
import type { StepResult } from '../../../protocol/agent';
import type { Db } from '../../control/db/open';
import { readWorkspaceText } from '../../memory/fsafe/readWorkspaceFile';
import { MAX_RUNBOOK_BYTES } from '../../planning/runbook/workspace';
import { classifyCommand, type ClassifyOptions } from '../../execution/risk';
import { parseRunbook } from '../../memory/runbook';
import { asFilled } from '../../memory/runbook/placeholders';
import { stepIds } from '../../planning/runbook/ids';
import { listToolCalls } from '../../control/store/sqlite/toolCalls';
import { loadView } from '../../control/store/sqlite/commit';
import { recentlyUpdatedIds } from '../../control/store/sqlite/reads';

const RECENT_WORKFLOWS = 200;
const OUTPUT_CHARS = 2000;

/**
 * Each step of one runbook file with its risk and the last result any recent workflow of this workspace
 * got from it, matched by the step's source lines: what CodeLens, hovers and gutter marks show.
 */
export function runbookSteps(db: Db, workspace: string, relPath: string, classify: ClassifyOptions = {}): StepResult[] {
  // The file is the repository's: a FIFO, a link to /dev/zero or one leaving the workspace is refused.
  const text = readWorkspaceText(workspace, relPath, { maxBytes: MAX_RUNBOOK_BYTES, label: relPath });
  const parsed = parseRunbook(text, { path: relPath });
  const last = lastResults(db, workspace, relPath.split(path.sep).join('/'));
  const ids = stepIds(parsed.steps);
  return parsed.steps.map((s) => {
    const risk = s.kind === 'promql' ? { risk: 'read' as const, reasons: [] } : classifyCommand(asFilled(s.command, s.placeholders), classify);
    const declared = s.declaredRisk === 'write' && risk.risk === 'read';
    return {
      startLine: s.startLine,
      endLine: s.endLine,
      stepId: ids.get(s) ?? s.id,
      risk: declared ? 'write' : risk.risk,
      reasons: declared ? ['the runbook declares it a write'] : risk.reasons,
      last: last.get(s.startLine) ?? null,
    };
  });
}

function lastResults(db: Db, workspace: string, relPath: string): Map<number, NonNullable<StepResult['last']>> {
  const out = new Map<number, NonNullable<StepResult['last']>>();
  for (const id of recentlyUpdatedIds(db, workspace, RECENT_WORKFLOWS)) {
    const view = loadView(db, id);
    const steps = (view?.plan?.steps ?? []).filter((s) => s.source?.path === relPath);
    if (!view || steps.length === 0) continue;
    const calls = listToolCalls(db, id);
    for (const step of steps) {
      const line = step.source!.startLine;
      if (out.has(line)) continue; // newest workflow first: the first result found is the last one
      const call = calls.filter((c) => c.stepId === step.id).at(-1);
      const waiting = view.state === 'WAITING_FOR_PERSON' && view.waiting?.stepId === step.id;
      if (!call && !waiting) continue;
      const result = (call?.result ?? {}) as { exitCode?: unknown; stdout?: unknown; stderr?: unknown };
      const exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
      const status = waiting ? 'waiting' : call?.status === 'done' ? (exitCode !== null && exitCode !== 0 ? 'failed' : 'done') : call?.status === 'failed' ? 'failed' : 'unknown';
      const output = [result.stdout, result.stderr].filter((v): v is string => typeof v === 'string' && v !== '').join('\n').slice(0, OUTPUT_CHARS);
      out.set(line, { workflowId: id, status, at: call?.finishedAt ?? call?.intendedAt ?? new Date(view.updatedAt).toISOString(), exitCode, output: output || (call?.error ?? '') });
    }
  }
  return out;
}
