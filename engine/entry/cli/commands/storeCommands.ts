// The person's commands against the control store (`--store postgres://USER@HOST:PORT/DB`, issue #13): what the
// replicas of `serve --store` share. A decision (approve, reject, answer, tick, retry, cancel, escalate,
// mark-resolved, archive, resolve) is the decision core's decidePerson (engine/control/workflow/core/person.ts, the same
// rules as on the local SQLite file), committed through ControlStore.commitDecision: decided on the workflow as it
// is under the commit's lock, in one transaction, so two people deciding at once give one decision. Nothing runs
// here: a decision that hands the workflow back queues it, and a replica's worker (woken by the change feed)
// carries it on. `workflows --store` and `show --store` read the store, so a person can find what waits, and
// `tier --store` sets the team's tier there (writes wait for approval only above read-only, which holds them).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowDetail, WorkflowState } from '../../../../protocol/workflow';
import { effectiveTier } from '../../../control/policy/gate';
import { loadWorkspacePolicy } from '../../../control/policy/load';
import { Tier } from '../../../control/policy/schema';
import { redactValue } from '../../../execution/redact';
import { printableValue } from '../../../execution/redact/printable';
import { openControlStore } from '../../../control/store/open';
import type { ControlStore, WorkflowView } from '../../../control/store/types';
import { decidePerson, type PersonDecision, type PersonOutcome } from '../../../control/workflow/core/person';
import { requireRunbookFile } from '../../../control/workflow/person';
import { IllegalTransition, InvalidRequest } from '../../../control/workflow/errors';
import { summarize } from '../../../control/store/sqlite/query';
import { isSettled } from '../../../control/workflow/states';
import { UsageError, type CliCommand, type Io, type ParsedArgs } from '../command';
import { parseStoreUrl, shownUrl } from './serveStore';

/** The --store option every command that can act on the control store takes. */
export const STORE_OPTION = { store: { type: 'string' } } as const;
export const STORE_USAGE = '[--store postgres://USER@HOST:PORT/DB]';

export const storeOf = (values: ParsedArgs['values']): string | undefined => (typeof values.store === 'string' ? values.store : undefined);

/** Opens the store the URL names (a bad URL is a UsageError before anything is opened), runs `fn`, closes it. */
export async function withStore<T>(raw: string, fn: (store: ControlStore, url: URL) => Promise<T>): Promise<T> {
  const url = parseStoreUrl(raw);
  let store: ControlStore;
  try {
    store = await openControlStore(url.toString());
  } catch (error) {
    throw new Error(`cannot open the control store at ${shownUrl(url)}: ${(error as Error).message || String(error)}`);
  }
  try {
    return await fn(store, url);
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** `command` with --store: given, `inStore` runs instead of the command's own (local SQLite) path. */
export function storeAware(command: CliCommand, inStore: (args: ParsedArgs, io: Io) => Promise<number>): CliCommand {
  return {
    ...command,
    usage: `${command.usage} ${STORE_USAGE}`,
    options: { ...command.options, ...STORE_OPTION },
    run: (args, io) => (storeOf(args.values) !== undefined ? inStore(args, io) : command.run(args, io)),
  };
}

/**
 * `tier --store URL --workspace DIR [TIER]`: shows or sets the tier the replicas read before each step (the
 * workspace path is the one the replicas serve). Setting it hands the steps the old tier held back to the
 * replicas (`rechecked`), as on the local file; nothing runs here.
 */
export async function tierInStore(args: ParsedArgs, io: Io): Promise<number> {
  const { values, positionals } = args;
  if (typeof values.workspace !== 'string') throw new UsageError('--workspace DIR is required (the path the replicas serve)');
  const workspace = path.resolve(values.workspace);
  const wanted = positionals[0];
  if (wanted !== undefined && !Tier.safeParse(wanted).success) throw new UsageError(`TIER must be one of ${Tier.options.join(', ')}`);
  return withStore(storeOf(values)!, async (store, url) => {
    const rechecked = wanted === undefined ? null : await store.setTier(workspace, wanted as Tier, typeof values.by === 'string' ? values.by : os.userInfo().username, Date.now());
    const chosen = await store.tier(workspace);
    // The workspace's policy file may cap it; it is read where a checkout is (each replica reads its own).
    const local = fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory() ? effectiveTier({ tier: chosen, workspace: loadWorkspacePolicy(workspace) }) : null;
    const notes = [
      ...(local !== null && local !== chosen ? [`the workspace policy file here caps the tier at ${local}`] : []),
      ...(rechecked ? [`${rechecked} held step(s) handed back to the replicas`] : []),
    ];
    if (values.json) io.out(JSON.stringify({ workspace, store: shownUrl(url), chosen, effective: local ?? chosen, rechecked, notes }, null, 2));
    else io.out([`${workspace}: ${chosen} (in the control store ${shownUrl(url)})`, ...notes.map((n) => `  note: ${n}`)].join('\n'));
    return 0;
  });
}

const WHAT: Record<PersonDecision['kind'], string> = {
  approve: 'approval',
  edit: 'edit',
  answer: 'answer',
  reject: 'rejection',
  tick: 'tick',
  'mark-resolved': 'mark-resolved',
  escalate: 'escalation',
  cancel: 'cancellation',
  retry: 'retry',
  'use-runbook': 'runbook choice',
  archive: 'archive',
  resolve: 'resolution',
  recheck: 'recheck',
};

/**
 * Records one decision in the store and prints where the workflow stands. Refused (exit 1, nothing written) when
 * the decision does not apply to the workflow as it is at commit time: another person decided first, the step or
 * its input changed (a stale input hash), the workflow waits for something else.
 */
export async function decideInStore(values: ParsedArgs['values'], io: Io, id: string, decision: PersonDecision): Promise<number> {
  return withStore(storeOf(values)!, async (store, url) => {
    let outcome: PersonOutcome | null = null;
    let view: WorkflowView;
    try {
      view = await store.commitDecision(id, Date.now(), (current) => {
        if (decision.kind === 'use-runbook') requireRunbookFile(current.workspace, decision.runbook);
        return (outcome = decidePerson(current, decision));
      });
    } catch (error) {
      if (error instanceof IllegalTransition) {
        throw new Error(`workflow ${id} is ${error.from} in the control store: the ${WHAT[decision.kind]} does not apply to it now (someone may have decided already); nothing was recorded`);
      }
      if (error instanceof InvalidRequest) throw new Error(`${error.message}; nothing was recorded`);
      throw error;
    }
    const queued = (outcome as PersonOutcome | null)?.next?.kind === 'continue';
    const by = 'by' in decision ? decision.by : 'engine';
    const note = queued
      ? 'handed back to the replicas: a `serve --store` replica carries it on from here (this command runs nothing itself)'
      : 'nothing more runs for it unless a person decides again';
    if (values.json) {
      io.out(JSON.stringify({ recorded: { decision: decision.kind, by, store: shownUrl(url), queued }, ...statusOf(view, url) }, null, 2));
    } else {
      io.out([`recorded in the control store ${shownUrl(url)}: ${WHAT[decision.kind]} by ${by}`, note, '', ...statusLines(view, url)].join('\n'));
    }
    return 0;
  });
}

/** `workflows --store URL`: the shared list, with the store's breakers and kill switches. */
export async function listInStore(values: ParsedArgs['values'], io: Io, options: { state?: WorkflowState; limit: number; archived: boolean }): Promise<number> {
  return withStore(storeOf(values)!, async (store) => {
    const summaries = await store.list({ state: options.state, limit: options.limit });
    // Only a settled workflow is hidden by an archive (as the SQLite list): read those views to know.
    const archivedIds = new Set<string>();
    await Promise.all(
      summaries
        .filter((s) => isSettled(s.state))
        .map(async (s) => {
          if ((await store.view(s.id))?.archived) archivedIds.add(s.id);
        }),
    );
    const all = summaries.map((s) => ({ ...s, archived: archivedIds.has(s.id) }));
    const workflows = redactValue(options.archived ? all : all.filter((w) => !w.archived)) as typeof all;
    const [counts, breakers, switches] = await Promise.all([store.countByState(), store.breakers(), store.killSwitches()]);
    if (values.json) {
      const killSwitches = switches.map((k) => ({ name: k.name, engaged: k.engaged, changedBy: k.changedBy, reason: k.reason }));
      io.out(JSON.stringify({ counts, workflows, breakers, killSwitches }, null, 2));
      return 0;
    }
    const lines = workflows.map((w) => `${w.id}  ${w.state.padEnd(18)} ${`${w.stepIndex}/${w.stepCount}`.padEnd(6)} ${w.title}${w.reason ? `  (${w.reason})` : ''}${w.archived ? '  [archived]' : ''}`);
    lines.push(`${workflows.length} workflow(s)`);
    for (const b of breakers) lines.push(`breaker ${b.name}: ${b.state} (${b.consecutiveFailures} consecutive failures)`);
    for (const k of switches) if (k.engaged) lines.push(`kill switch ${k.name}: ON (${k.changedBy}: ${k.reason})`);
    io.out(lines.join('\n'));
    return 0;
  });
}

/** `show --store URL ID`: one workflow from the store: its state, what it waits for, plan, tool calls and events. */
export async function showInStore(values: ParsedArgs['values'], io: Io, id: string): Promise<number> {
  return withStore(storeOf(values)!, async (store, url) => {
    const view = await store.view(id);
    if (!view) throw new Error(`no workflow with id ${JSON.stringify(id)} in the control store ${shownUrl(url)}`);
    const [toolCalls, snapshot, events] = await Promise.all([store.toolCalls(id), store.snapshot(id), store.events(id)]);
    const detail = redactValue({ workflow: summarize(view), request: view.request, plan: view.plan, toolCalls, snapshot, events } satisfies WorkflowDetail) as WorkflowDetail;
    if (values.json) {
      io.out(JSON.stringify({ ...detail, ...statusOf(view, url) }, null, 2));
      return 0;
    }
    const lines = [...statusLines(view, url), '', 'tool calls:'];
    for (const c of detail.toolCalls) lines.push(`  ${c.stepId} ${c.tool} ${c.status} x${c.attempts}${c.error ? ` (${c.error})` : ''}`);
    lines.push('events:');
    for (const e of detail.events) lines.push(`  #${e.seq} ${e.at} ${e.actor} ${e.type}${e.to && e.to !== e.from ? ` ${e.from ?? ''} -> ${e.to}` : ''} (attempt ${e.attempt})`);
    io.out(lines.join('\n'));
    return 0;
  });
}

// ---- where a workflow stands, as the store holds it (redacted: the stored view keeps secrets as given) ----

function statusOf(raw: WorkflowView, url: URL) {
  const view = printableValue(redactValue(raw)) as WorkflowView;
  return { workflow: summarize(view), workspace: view.workspace, waiting: view.waiting, next: nextCommands(view, url) };
}

const arg = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : JSON.stringify(s));

/** The commands a person runs next, each against the same store. */
function nextCommands(view: WorkflowView, url: URL): string[] {
  const cli = (rest: string) => `runbook-agent ${rest.replace('ID', `--store ${arg(shownUrl(url))} ${view.id}`)}`;
  const w = view.waiting;
  if (view.state === 'WAITING_FOR_PERSON' && w) {
    if (w.kind === 'question') return [cli(`answer ID ${w.expects === 'number' ? 'NUMBER' : '"VALUE"'}`)];
    if (w.kind === 'checklist') return [cli('tick ID done --note "WHAT YOU DID"'), cli('tick ID skipped --note "WHY NOT"')];
    if (w.kind === 'approval') {
      const reject = cli(`reject ID ${w.stepId} --reason "WHY"`);
      // A held step needs the tier changed first; an approval would not run it.
      const tier = `runbook-agent tier --store ${arg(shownUrl(url))} --workspace ${arg(view.workspace)} approved-writes`;
      return w.held ? [tier, reject] : [cli(`approve ID ${w.stepId} --input-hash ${w.inputHash}`), reject];
    }
    return [cli('approve ID')];
  }
  if (view.state === 'VALIDATING' && view.awaitingResolution) return [cli('mark-resolved ID --note "HOW YOU KNOW"'), cli('escalate ID --note "WHY"')];
  if (view.state === 'ESCALATED') return [cli('show ID'), cli('resolve ID --note "WHAT HAPPENED"')];
  return [];
}

const MARK = { done: '✓', waiting: '⏸', pending: '·', skipped: '–' } as const;

function what(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.item, i.url, i.path].find((v) => typeof v === 'string') as string | undefined;
  return (text ?? JSON.stringify(input) ?? '').replace(/\s*\n\s*/g, ' ⏎ ');
}

function statusLines(raw: WorkflowView, url: URL): string[] {
  const view = printableValue(redactValue(raw)) as WorkflowView;
  const lines = [`workflow ${view.id}  ${view.state}${view.reason && view.state !== 'COMPLETED' ? `  (${view.reason})` : ''}`, `alert: ${view.request.title} (${view.request.severity}, from ${view.request.source})`];
  if (view.plan?.summary) lines.push(`plan: ${view.plan.summary}`);
  view.plan?.steps.forEach((step, i) => {
    const skipped = view.skipped?.[step.id];
    const status = skipped ? 'skipped' : i < view.stepIndex || view.state === 'COMPLETED' ? 'done' : i === view.stepIndex && view.state === 'WAITING_FOR_PERSON' ? 'waiting' : 'pending';
    const risk = step.risk ?? (step.tool === 'ask_person' ? 'ask' : step.tool === 'checklist' ? 'do' : '');
    lines.push(`  ${MARK[status]} ${String(i + 1).padStart(2)} ${step.id.padEnd(24)} ${risk.padEnd(5)} ${what(step.input)}`);
    if (skipped) lines.push(`       ${skipped.reason}`);
  });
  const w = view.waiting;
  if (view.state === 'WAITING_FOR_PERSON' && w?.kind === 'approval') {
    lines.push('', `${w.held ? 'held' : 'waiting for approval'}: step ${w.stepId} (${w.tool}, ${w.risk}): ${w.policy}`, `  runs: ${w.describe}`);
    for (const reason of w.reasons) lines.push(`  why a ${w.risk}: ${reason}`);
    lines.push(`  input hash: ${w.inputHash}`);
  } else if (view.state === 'WAITING_FOR_PERSON' && w?.kind === 'question') lines.push('', `question for you (${w.name}${w.expects === 'number' ? ', a number' : ''}): ${w.question}`);
  else if (view.state === 'WAITING_FOR_PERSON' && w?.kind === 'checklist') lines.push('', `to do (a runbook instruction for a person): ${w.item}`);
  else if (view.state === 'WAITING_FOR_PERSON' && w) lines.push('', `paused: ${view.reason ?? w.kind}`);
  const next = nextCommands(raw, url);
  if (next.length > 0) lines.push('', 'next:', ...next.map((c) => `  ${c}`));
  return lines;
}
