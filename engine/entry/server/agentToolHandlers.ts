import path from 'node:path';
import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import { invokeAgentTool } from '../../../protocol/agentTools';
import type { Engine } from '../engine';
import { cliCommands, isResting, runAgentTool, ToolInputError, type ToolHost } from '../mcp/tools';
import type { SearchHit } from '../../memory/retrieval/search';
import { loadView } from '../../control/store/sqlite/commit';
import type { WorkflowView } from '../../control/workflow/view';
import { handleRequest } from './rpc';
import type { EngineServices } from './services';

/** How long a triage from a Language Model tool waits for the diagnostics before answering with where it stands. */
const SETTLE_MS = 120_000;
const POLL_MS = 250;

const RESTRICTED =
  'This workspace is in Restricted Mode, so Runbook Agent runs nothing: it can search runbooks and read workflows, but not triage. Trust the workspace (Workspaces: Manage Workspace Trust) to triage alerts.';

/** What the panel and the palette offer a person for this workflow, beside the CLI commands. */
function editorNext(view: WorkflowView): string[] {
  const w = view.waiting;
  if (view.state === 'ESCALATED') return ['In VS Code: read it in the Runbook Agent panel.'];
  if (view.state !== 'WAITING_FOR_PERSON' || !w) return [];
  if (w.kind === 'approval' && w.held) return ['In VS Code: "Switch to approved writes" on the card (or Runbook Agent: Choose Capability Tier...), then Approve, Reject... or Edit... on the card.'];
  if (w.kind === 'approval') return ['In VS Code: Approve, Reject... or Edit... on the card in the panel, or Runbook Agent: Approve Pending Step / Reject Pending Step.'];
  if (w.kind === 'question') return ['In VS Code: answer on the card in the panel, or Runbook Agent: Answer Question.'];
  return ['In VS Code: see the card in the Runbook Agent panel.'];
}

/**
 * The Language Model tools of the extension (extension/tools/lmTools.ts) run here, through the same
 * implementation as the MCP server (engine/entry/mcp/tools.ts), on the editor's database and the window's folders.
 */
export function registerAgentToolHandlers(connection: Connection, engine: () => Engine, services: () => EngineServices, folders: () => readonly string[], changed: () => void): void {
  handleRequest(connection, invokeAgentTool, async ({ workspace, panelUri, call }) => {
    const db = engine().database();
    const roots = folders().map((f) => path.resolve(f));
    const host: ToolHost = {
      db,
      folders: roots,
      workspace: services().folder(workspace),
      async search(query, k) {
        // Each folder's agent searches its own runbooks (hybrid, or bm25 without a model); the best of all win.
        const all: SearchHit[] = [];
        for (const root of roots) all.push(...(await services().agent(root).context.search(query, k)));
        return all.sort((a, b) => b.score - a.score).slice(0, k);
      },
      start(alerts) {
        const started = services().agent(host.workspace).start(alerts);
        services().wakeAll();
        changed();
        return started;
      },
      async settle(ids) {
        // The agent's own workers run the workflow in the background, as after any triage: wait until it rests.
        const end = Date.now() + SETTLE_MS;
        while (Date.now() < end && ids.some((id) => !isResting(loadView(db, id)?.state ?? 'COMPLETED'))) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      },
      blocked: () => (engine().trust.trusted ? null : RESTRICTED),
      decide: (view) => ({
        panelLink: panelUri ? `${panelUri}${encodeURIComponent(view.id)}` : null,
        next: [...editorNext(view), ...cliCommands(db, db.name, view.id)],
      }),
    };
    try {
      return await runAgentTool(host, call);
    } catch (error) {
      if (error instanceof ToolInputError) throw new ResponseError(ErrorCodes.InvalidParams, `invalid params for ${invokeAgentTool.method}: ${error.message}`);
      throw error;
    }
  });
}
