/**
 * Runbook Agent as an MCP server (the official TypeScript SDK): the tools of protocol/agentTools.ts, implemented
 * in ./tools.ts, and resources for the workspace's runbooks and its workflows' reports. There is no approval tool.
 *
 * Tools are served through the SDK's low-level request handlers rather than McpServer.registerTool, because
 * registerTool turns every failure, bad input included, into a tool result: here input that fails its schema,
 * an unknown tool and an unknown workflow get a JSON-RPC InvalidParams error that names the field, like every
 * request of the engine's own protocol. Failures while working (Restricted Mode, a broken database) are tool
 * results with isError, which the model reads.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AGENT_TOOL_LIST, AgentToolCall, inputJsonSchema, type AgentToolDefinition } from '../../../protocol/agentTools';
import { describeIssues } from '../../../protocol/define';
import { ENGINE_VERSION } from '../../shared/version';
import { digest, render, runAgentTool, ToolInputError, type ToolHost } from './tools';

/** A ToolHost that can also list and read the workspace's runbooks (MCP resources). */
export interface McpHost extends ToolHost {
  /** Indexed runbooks of the workspace, relative paths. */
  runbooks(): Promise<Array<{ path: string; title: string }>>;
  /** The text of one indexed runbook; throws ToolInputError for anything else. */
  readRunbook(rel: string): string;
  /** Recent workflows of the workspace, newest first. */
  workflows(limit: number): Array<{ id: string; title: string; state: string }>;
}

const RUNBOOK_URI = 'runbook-agent://runbook/';
const WORKFLOW_URI = 'runbook-agent://workflow/';

const INSTRUCTIONS = [
  "Runbook Agent turns this workspace's Markdown runbooks into durable, audited workflows.",
  'Send operational work here instead of running commands yourself: runbook_triage takes an alert, plans from the runbooks, runs the read-only diagnostics the user allows and returns what they found.',
  'Every write waits for a person, who approves it in the Runbook Agent panel or with the runbook-agent CLI. No tool here approves, rejects or answers anything; tell the person what waits and where to decide.',
].join(' ');

function outputJsonSchema(tool: AgentToolDefinition): Tool['outputSchema'] {
  const schema = z.toJSONSchema(tool.output, { io: 'output', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema as Tool['outputSchema'];
}

export function listedTools(): Tool[] {
  return AGENT_TOOL_LIST.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: inputJsonSchema(t) as Tool['inputSchema'],
    outputSchema: outputJsonSchema(t),
    annotations: { title: t.title, ...t.hints },
  }));
}

const invalid = (tool: string, detail: string) => new McpError(ErrorCode.InvalidParams, `invalid params for ${tool}: ${detail}`);

/** Builds the server; the caller connects a transport (stdio in `runbook-agent mcp`). */
export function createMcpServer(host: McpHost, log: (message: string) => void = () => {}): McpServer {
  const mcp = new McpServer(
    { name: 'runbook-agent', title: 'Runbook Agent', version: ENGINE_VERSION },
    { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS },
  );
  const tools = listedTools();

  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));

  mcp.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    const tool = AGENT_TOOL_LIST.find((t) => t.name === name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `invalid params: name: unknown tool ${JSON.stringify(name)}; the tools are ${AGENT_TOOL_LIST.map((t) => t.name).join(', ')}`);
    const input = tool.input.safeParse(args ?? {});
    if (!input.success) throw invalid(name, describeIssues(input.error));
    const call = AgentToolCall.parse({ tool: name, input: input.data });
    try {
      const result = await runAgentTool(host, call, extra.signal);
      // The answer is checked against the tool's own output schema before it leaves, as the engine does.
      const data = tool.output.parse(result.data) as Record<string, unknown>;
      return { content: [{ type: 'text', text: result.text }], structuredContent: data };
    } catch (error) {
      if (error instanceof ToolInputError) throw invalid(name, error.message);
      log(`${name} failed: ${(error as Error).message}`);
      return { content: [{ type: 'text', text: `${name} failed: ${(error as Error).message}` }], isError: true };
    }
  });

  mcp.registerResource(
    'runbook',
    new ResourceTemplate(`${RUNBOOK_URI}{+path}`, {
      list: async () => ({
        resources: (await host.runbooks()).map((r) => ({ uri: `${RUNBOOK_URI}${encodeURI(r.path)}`, name: r.path, title: r.title || r.path, mimeType: 'text/markdown' })),
      }),
    }),
    { title: 'Runbook', description: "A Markdown runbook of the workspace (only files in Runbook Agent's index).", mimeType: 'text/markdown' },
    (uri, variables) => {
      const rel = decodeURIComponent(String(variables.path ?? ''));
      try {
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: host.readRunbook(rel) }] };
      } catch (error) {
        if (error instanceof ToolInputError) throw new McpError(ErrorCode.InvalidParams, `invalid params: uri: ${error.message}`);
        throw error;
      }
    },
  );

  mcp.registerResource(
    'workflow',
    new ResourceTemplate(`${WORKFLOW_URI}{id}`, {
      list: () => ({
        resources: host.workflows(50).map((w) => ({ uri: `${WORKFLOW_URI}${w.id}`, name: w.id, title: `${w.title} [${w.state}]`, mimeType: 'text/markdown' })),
      }),
    }),
    { title: 'Workflow report', description: "A workflow's report: its plan, each step's status and output, what it waits for (text and JSON).", mimeType: 'text/markdown' },
    (uri, variables) => {
      const id = decodeURIComponent(String(variables.id ?? ''));
      try {
        const w = digest(host, id);
        return {
          contents: [
            { uri: uri.href, mimeType: 'text/markdown', text: render(w) },
            { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(w, null, 2) },
          ],
        };
      } catch (error) {
        if (error instanceof ToolInputError) throw new McpError(ErrorCode.InvalidParams, `invalid params: uri: ${error.message}`);
        throw error;
      }
    },
  );

  return mcp;
}
