import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import {
  answerQuestion,
  approveStep,
  archiveWorkflow,
  cancelWorkflow,
  editStep,
  escalateNow,
  eventLog,
  exportTrace,
  getTier,
  incidentReport,
  listWorkflows,
  markResolved,
  rejectStep,
  retryStep,
  useRunbook,
  runbookSteps,
  runRunbook,
  setKillSwitch,
  setTier,
  tickChecklist,
  triageAlert,
  workflowView,
} from '../../../protocol/agent';
import { normalizeAlertText } from '../../control/alert';
import { otlpJson } from '../../control/otel/export';
import { panelView, workflowItem } from '../agent/panelView';
import { newestIds, waitingApprovalCount } from '../../control/store/sqlite/reads';
import { incidentReport as reportOf } from '../../planning/observe/report';
import { runbookSteps as stepsOf } from '../agent/runbookSteps';
import type { Engine } from '../engine';
import { effectiveTier, ignoredWorkspaceRules } from '../../control/policy/gate';
import { loadWorkspacePolicy } from '../../control/policy/load';
import { getTier as readTier, setTier as writeTier } from '../../control/store/sqlite/tiers';
import { engagedSwitches, setKillSwitch as writeKillSwitch } from '../../control/store/sqlite/killSwitch';
import { answer, approve, archive, cancel, edit, escalateNow as escalate, markResolved as resolved, reject, retry, tick, useRunbook as useAnotherRunbook } from '../../control/workflow/person';
import { eventsOf } from '../../control/store/sqlite/eventLog';
import { loadView, requireView } from '../../control/store/sqlite/commit';
import { redactValue } from '../../execution/redact';
import { TOOL } from '../../execution/tools/names';
import { registerMemoryHandlers, withLastTime } from './memoryHandlers';
import { handleRequest } from './rpc';
import type { EngineServices } from './services';

const by = () => `${os.userInfo().username} (VS Code)`;

/** Workflow requests from the editor. Every change a person makes is followed by `changed()` so views update at once. */
export function registerAgentHandlers(connection: Connection, engine: () => Engine, services: () => EngineServices, folders: () => readonly string[], changed: () => void): void {
  const db = () => engine().database();
  const blocked = () => (engine().trust.trusted ? null : 'This workspace is in Restricted Mode, so Runbook Agent runs nothing and approvals are off. Trust the workspace (Workspaces: Manage Workspace Trust) to run steps.');
  const mayAct = () => {
    const why = blocked();
    if (why) throw new Error(why);
  };
  const view = (id: string) => withLastTime(db(), panelView(db(), id, blocked()));
  const after = <T>(value: T): T => {
    services().wakeAll();
    changed();
    return value;
  };
  const inWindow = (workspace: string) => folders().some((f) => path.resolve(f) === workspace);

  handleRequest(connection, triageAlert, ({ workspace, text }) => {
    const alerts = normalizeAlertText(text);
    const started = services().agent(workspace).start(alerts);
    return after({ workflows: started.map(workflowItem) });
  });

  handleRequest(connection, runRunbook, ({ workspace, path: rel }) => {
    const agent = services().agent(workspace);
    const folder = services().folder(workspace);
    const file = path.resolve(folder, rel);
    if (!file.startsWith(folder + path.sep)) throw new Error(`${rel} is outside the workspace folder`);
    const relPath = path.relative(folder, file).split(path.sep).join('/');
    const [workflow] = agent.start([{ source: 'editor', title: `Run ${relPath}`, severity: 'info', labels: {}, annotations: { runbook: relPath }, body: '', status: 'firing' }]);
    return after({ workflow: workflowItem(workflow!) });
  });

  handleRequest(connection, listWorkflows, ({ limit, archived }) => {
    const items = newestIds(db(), { archived, limit: limit * 4 }).flatMap((id) => {
      const v = loadView(db(), id);
      return v && (v.workspace === '' || inWindow(v.workspace)) ? [workflowItem(v)] : [];
    });
    const workflows = items.slice(0, limit);
    return { workflows, pendingApprovals: items.filter((w) => w.needsApproval).length, needsPerson: items.filter((w) => countsForPerson(w.attention)).length };
  });

  handleRequest(connection, workflowView, ({ id }) => view(id));

  handleRequest(connection, approveStep, ({ id, stepId, inputHash }) => {
    mayAct();
    approve(db(), id, by(), undefined, { stepId, inputHash });
    return after(view(id));
  });

  handleRequest(connection, rejectStep, ({ id, stepId, reason }) => {
    reject(db(), id, by(), reason, undefined, { stepId });
    return after(view(id));
  });

  handleRequest(connection, answerQuestion, ({ id, value }) => {
    mayAct(); // an answer hands the workflow back to run steps
    answer(db(), id, value, by());
    return after(view(id));
  });

  handleRequest(connection, tickChecklist, ({ id, stepId, outcome, note }) => {
    mayAct(); // a tick hands the workflow back to run steps
    tick(db(), id, outcome, by(), note.trim(), undefined, { stepId });
    return after(view(id));
  });

  handleRequest(connection, markResolved, ({ id, note }) => {
    resolved(db(), id, by(), note.trim());
    return after(view(id));
  });

  handleRequest(connection, escalateNow, ({ id, note }) => {
    escalate(db(), id, by(), note.trim() || 'no note given');
    return after(view(id));
  });

  handleRequest(connection, cancelWorkflow, ({ id, note }) => {
    cancel(db(), id, by(), note.trim() || 'no note given');
    return after(view(id));
  });

  handleRequest(connection, retryStep, ({ id, stepId }) => {
    mayAct(); // steps run again from there
    retry(db(), id, stepId, by());
    return after(view(id));
  });

  handleRequest(connection, useRunbook, ({ id, runbook }) => {
    mayAct(); // the workflow is planned again and its diagnostics run
    useAnotherRunbook(db(), id, runbook, by());
    return after(view(id));
  });

  handleRequest(connection, archiveWorkflow, ({ id }) => {
    archive(db(), id, by());
    return after(view(id));
  });

  handleRequest(connection, incidentReport, ({ id }) => reportOf(db(), id));

  handleRequest(connection, editStep, ({ id, stepId, command }) => {
    mayAct();
    const waiting = requireView(db(), id).waiting;
    const field = waiting?.kind === 'approval' ? { [TOOL.shell]: 'command', [TOOL.promql]: 'query' }[waiting.tool] : undefined;
    if (!field) throw new Error('only a shell command or a PromQL query waiting for approval can be edited');
    // The panel shows commands redacted; an edit built from that text would run the placeholder, not the secret.
    if (command.includes('[REDACTED')) throw new Error('the edited command still holds a [REDACTED…] placeholder: type the real value, or reject the step instead');
    edit(db(), id, stepId, { [field]: command }, by());
    return after(view(id));
  });

  handleRequest(connection, setKillSwitch, ({ name, engaged, reason }) => {
    if (!engaged) mayAct();
    writeKillSwitch(db(), name, engaged, by(), reason, Date.now());
    return after({ engaged: [...engagedSwitches(db())] });
  });

  const tierOf = (workspace: string) => {
    const folder = services().folder(workspace);
    const chosen = readTier(db(), folder);
    const ws = loadWorkspacePolicy(folder);
    const effective = effectiveTier({ tier: chosen, workspace: ws });
    return { chosen, effective, notes: [...(effective !== chosen ? [`the workspace policy file caps the tier at ${effective}`] : []), ...ignoredWorkspaceRules(ws)] };
  };
  handleRequest(connection, getTier, ({ workspace }) => tierOf(workspace));
  handleRequest(connection, setTier, ({ workspace, tier }) => {
    if (tier !== 'read-only') mayAct();
    writeTier(db(), services().folder(workspace), tier, by(), Date.now());
    return after(tierOf(workspace));
  });

  // OTLP/JSON from the OpenTelemetry SDK (engine/control/otel): any collector or trace viewer reads the file; redacted.
  handleRequest(connection, exportTrace, ({ id }) => otlpJson(db(), id));

  handleRequest(connection, eventLog, ({ id }) => {
    requireView(db(), id);
    return { fileName: `runbook-agent-${id.slice(0, 8)}-events.json`, json: JSON.stringify(redactValue(eventsOf(db(), id)), null, 2) };
  });

  handleRequest(connection, runbookSteps, ({ workspace, path: rel }) => ({ steps: stepsOf(db(), services().folder(workspace), rel, { allowedHosts: services().allowedHosts() }) }));

  registerMemoryHandlers(connection, db, changed);
}

/** What counts in the badges and the status bar: every wait on a person's decision (not the wait for an alert). */
export function countsForPerson(attention: string | null): boolean {
  return attention === 'approval' || attention === 'question' || attention === 'checklist' || attention === 'escalated';
}

/** Workflows waiting for an approval in this window's folders: the badge count. */
export function pendingApprovals(engine: Engine, folders: readonly string[]): number {
  if (folders.length === 0) return 0;
  return waitingApprovalCount(engine.database(), folders.map((f) => path.resolve(f)));
}
