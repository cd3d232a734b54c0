import fs from 'node:fs';
import path from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Agent } from '../../agent/agent';
import { openDatabase, type Db } from '../../../control/db/open';
import { newestHeads } from '../../../control/store/sqlite/reads';
import { readWorkspaceText } from '../../../memory/fsafe/readWorkspaceFile';
import { createMcpServer, type McpHost } from '../../mcp/server';
import { cliCommands, ToolInputError } from '../../mcp/tools';
import { defaultDatabasePath } from '../../../shared/paths';
import { MAX_RUNBOOK_BYTES } from '../../../planning/runbook/workspace';
import { redactText } from '../../../execution/redact';
import { printable } from '../../../execution/redact/printable';
import { RetrievalStore } from '../../../memory/retrieval/store';
import { UsageError, type CliCommand, type Io } from '../command';
import { AGENT_OPTIONS, AGENT_USAGE, openAgent } from '../agent/options';

/** The index is brought up to date before a search, a triage or a runbook list, at most this often. */
const REINDEX_AFTER_MS = 10_000;

const RESTRICTED =
  'This workspace is not trusted (the server was started with --untrusted): Runbook Agent searches and reads here but runs nothing. Trust the workspace (in VS Code: Workspaces: Manage Workspace Trust) to triage alerts.';

/** One workspace's agent behind the MCP tools: the same Agent, planners, policy gate and orchestrator as `triage`. */
function cliHost(db: Db, dbFile: string, workspace: string, agent: Agent, options: { panelUri?: string; untrusted: boolean }): McpHost {
  // One thing at a time: indexing and draining the queue each run serially, as the CLI commands do.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };
  let indexedAt = 0;
  const indexed = () =>
    serial(async () => {
      if (Date.now() - indexedAt < REINDEX_AFTER_MS) return;
      await agent.index();
      indexedAt = Date.now();
    });
  const store = new RetrievalStore(db);
  return {
    db,
    folders: [workspace],
    workspace,
    async search(query, k) {
      await indexed();
      return agent.context.search(query, k);
    },
    start: (alerts) => agent.start(alerts),
    async settle() {
      await indexed();
      // Runs this workspace's ready work until every workflow rests: reads the policy allows run, writes wait.
      await serial(() => agent.runUntilIdle());
    },
    blocked: () => (options.untrusted ? RESTRICTED : null),
    decide(view) {
      return { panelLink: options.panelUri ? `${options.panelUri}${encodeURIComponent(view.id)}` : null, next: cliCommands(db, dbFile, view.id) };
    },
    async runbooks() {
      await indexed();
      return [...store.documents(workspace).values()].sort((a, b) => a.path.localeCompare(b.path)).map((d) => ({ path: d.path, title: printable(d.title) }));
    },
    readRunbook(rel) {
      // Only what the index holds: a resource URI cannot name .env, a key file or anything outside the folder.
      if (!store.document(workspace, rel)) throw new ToolInputError(`no runbook ${JSON.stringify(rel)} in this workspace's index`);
      return printable(redactText(readWorkspaceText(workspace, rel, { maxBytes: MAX_RUNBOOK_BYTES, label: rel })));
    },
    workflows(limit) {
      return newestHeads(db, workspace, limit).map((r) => ({ ...r, title: printable(redactText(r.title)) }));
    },
  };
}

/** Resolves when the client goes away (stdin closes) or on SIGTERM / SIGINT. */
function clientGone(io: Io): Promise<void> {
  return new Promise((resolve) => {
    let over = false;
    const done = (why: string) => {
      if (over) return;
      over = true;
      io.err(`mcp: ${why}; shutting down`);
      resolve();
    };
    process.stdin.once('end', () => done('stdin closed'));
    process.stdin.once('close', () => done('stdin closed'));
    process.once('SIGTERM', () => done('SIGTERM'));
    process.once('SIGINT', () => done('SIGINT'));
  });
}

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'serve the workspace to MCP clients over stdio: search runbooks, triage alerts, read workflows (no tool approves)',
  usage: `--workspace DIR [--panel-uri PREFIX] [--untrusted] ${AGENT_USAGE}`,
  options: { ...AGENT_OPTIONS, workspace: { type: 'string' }, 'panel-uri': { type: 'string' }, untrusted: { type: 'boolean' } },
  async run({ values }, io) {
    if (typeof values.workspace !== 'string') throw new UsageError('--workspace DIR is required');
    const workspace = path.resolve(values.workspace);
    if (!fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${workspace} is not a folder`);
    const panelUri = typeof values['panel-uri'] === 'string' ? values['panel-uri'] : undefined;
    // stdout carries JSON-RPC: anything a library prints goes to stderr instead.
    console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
    const dbFile = typeof values.db === 'string' ? path.resolve(values.db) : defaultDatabasePath();
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    const db = openDatabase(dbFile);
    const untrusted = values.untrusted === true;
    const agent = openAgent(db, workspace, { ...values, json: false }, io, untrusted ? { mayExecute: () => RESTRICTED } : {});
    const server = createMcpServer(cliHost(db, dbFile, workspace, agent, { panelUri, untrusted }), (m) => io.err(`mcp: ${m}`));
    const gone = clientGone(io);
    try {
      await server.connect(new StdioServerTransport());
      io.err(`mcp: serving ${workspace} (database ${dbFile}) over stdio`);
      await gone;
    } finally {
      await server.close().catch(() => undefined);
      await agent.close();
      db.close();
    }
    return 0;
  },
};
