// Runbook steps -> candidate plan steps: tool, filled input, phase, risk, rationale, source, check. Skipped
// steps are noted, never dropped silently.
import type { ParsedRunbook, Step } from '../../memory/runbook';
import { endlessReason } from '../../execution/risk/endless';
import { TOOL } from '../../execution/tools/names';
import type { Check, Phase, StepSource } from '../../control/workflow/plan';
import type { Assessment } from '../../control/workflow/tool';
import type { AlertRequest } from '../../control/workflow/request';
import { checkFor } from './check';
import { conditionOf } from '../observe/conditions';
import { fillPlaceholders, type Ask } from './fill';
import { withAlertNamespace } from './namespace';
import { conventionsOf } from './values';
import { stepIds } from './ids';
import { phaseOfSection } from './phase';
import { clip } from './reference';

export interface Candidate {
  readonly id: string;
  readonly phase: Phase;
  readonly tool: string;
  readonly input: unknown;
  readonly risk: 'read' | 'write';
  readonly rationale: string;
  readonly source: StepSource;
  readonly check?: Check;
  /** Answers this step needs, by name. */
  readonly asks: ReadonlyMap<string, Ask>;
  /** Why a person must see this step before it runs, whatever its risk (an alert value that is not a plain word). */
  readonly review: readonly string[];
  /** The alert values (answer names) this step was filled with. */
  readonly filled: readonly string[];
  /** The runbook's condition for this step ("If the flag is on …"), checked after the diagnostics. */
  readonly when?: string;
  /** For a command written in prose: its sentence. */
  readonly description?: string;
  readonly heading: string;
}

export interface BuildInput {
  readonly runbook: ParsedRunbook;
  readonly request: AlertRequest;
  readonly docVersion: string;
  readonly tools: ReadonlySet<string>;
  /** The shell tool's own judgement of a command (it knows the allowed hosts); every step is classified with it. */
  readonly assessShell: (command: string) => Assessment;
  /** Retrieval hits on this runbook: [startLine, endLine, chunkId]. */
  readonly chunks: ReadonlyArray<readonly [number, number, string]>;
  readonly notes: string[];
}

export function buildCandidates(input: BuildInput): Candidate[] {
  const { runbook, request, notes } = input;
  const ids = stepIds(runbook.steps);
  const out: Candidate[] = [];
  let promptless = 0;
  let noPromql = 0;
  let noShell = 0;
  for (const step of runbook.steps) {
    if (step.promptless) {
      promptless++;
      continue;
    }
    if (step.kind === 'promql' && !input.tools.has(TOOL.promql)) {
      noPromql++;
      continue;
    }
    if (step.kind === 'shell' && !input.tools.has(TOOL.shell)) {
      noShell++;
      continue;
    }
    out.push(candidate(step, ids.get(step)!, input));
  }
  if (promptless) notes.push(`skipped ${promptless} console block(s) without a prompt (they may be sample output)`);
  if (noPromql) notes.push(`skipped ${noPromql} PromQL step(s): no ${TOOL.promql} tool`);
  if (noShell) notes.push(`skipped ${noShell} shell step(s): no ${TOOL.shell} tool`);
  return out;
}

function candidate(step: Step, id: string, input: BuildInput): Candidate {
  const { request, runbook } = input;
  const own = conventionsOf(runbook.metadata);
  const filledText = fillPlaceholders(step.command, step.placeholders, request, step.kind, own);
  const scoped = step.kind === 'shell' ? withAlertNamespace(filledText.text, request) : { text: filledText.text, namespace: null };
  const filled = { ...filledText, text: scoped.text };
  const asks = new Map(filled.asks);
  // PromQL only reads; the shell classifier judges the text as it will run (markers are plain words to it).
  const assessed = step.kind === 'shell' ? input.assessShell(filled.text) : { risk: 'read' as const, reasons: ['a PromQL query only reads'] };
  const risk = assessed.risk === 'write' || step.declaredRisk === 'write' ? 'write' : 'read';
  const phase = phaseOfSection(step.sectionPath) ?? (assessed.risk === 'write' ? 'mitigate' : 'diagnose');
  const heading = step.sectionPath.at(-1) ?? runbook.title ?? runbook.path;
  const why = assessed.risk === 'write' ? assessed.reasons[0] : step.declaredRisk === 'write' ? 'the runbook declares it a write' : undefined;
  const scope = scoped.namespace ? `; -n ${scoped.namespace} from the alert's namespace (the runbook names none)` : '';
  const rationale = clip(`${phase} step from section "${clip(heading, 120)}"${scope}${why ? `; write: ${why}` : ''}`, 500);
  const chunk = input.chunks.find(([s, e]) => s <= step.endLine && e >= step.startLine);
  const source: StepSource = {
    path: runbook.path,
    startLine: step.startLine,
    endLine: step.endLine,
    heading: clip(heading, 500),
    docVersion: input.docVersion,
    ...(chunk ? { chunkId: chunk[2] } : {}),
    form: step.origin ?? 'fence',
  };
  const when = conditionOf(step.description ?? textBefore(runbook, step));
  const common = { id, phase, source, asks, filled: filled.filled, heading, ...(when ? { when } : {}), ...(step.description ? { description: step.description } : {}) };
  // A command that never ends (`journalctl -f`) is written for a person at a terminal: it is theirs to run.
  const endless = step.kind === 'shell' ? endlessReason(filled.text) : null;
  if (endless !== null) {
    // A person runs it outside any approval card, so the item says what the classifier would have held it for.
    const writes = assessed.risk === 'write' ? ` It also writes: ${assessed.reasons[0]}.` : '';
    const item = clip(`Run \`${clip(filled.text, 600)}\` yourself where it applies, and stop it once you have seen enough: ${endless}, so the engine does not run it.${writes}`, 1000);
    const rationale = clip(`${phase} step from section "${clip(heading, 120)}"; a person runs it: ${endless}`, 500);
    return { ...common, tool: TOOL.checklist, input: { name: id, item }, risk: 'read', rationale, review: [] };
  }
  let check: Check | undefined;
  if (phase === 'verify') {
    const c = checkFor(step, request, own);
    check = c.check;
    if (c.note) input.notes.push(c.note);
    for (const [name, ask] of c.asks ?? []) if (!asks.has(name)) asks.set(name, ask);
  }
  return {
    ...common,
    tool: step.kind === 'shell' ? TOOL.shell : TOOL.promql,
    input: step.kind === 'shell' ? { command: filled.text } : { query: filled.text },
    risk,
    rationale,
    ...(check ? { check } : {}),
    review: filled.review,
  };
}

/** The prose right before a step in its section (what the author says before the command), if any. */
function textBefore(runbook: ParsedRunbook, step: Step): string | undefined {
  const sameSection = (path: readonly string[]) => path.join('\u0000') === step.sectionPath.join('\u0000');
  const previousStep = Math.max(0, ...runbook.steps.filter((s) => s.endLine < step.startLine).map((s) => s.endLine));
  const before = runbook.prose.filter((p) => p.endLine < step.startLine && p.startLine > previousStep && sameSection(p.sectionPath));
  return before.at(-1)?.text;
}
