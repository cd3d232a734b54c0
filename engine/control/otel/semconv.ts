// Attribute names and values from the OpenTelemetry GenAI semantic conventions (development status), now kept in
// https://github.com/open-telemetry/semantic-conventions-genai (docs/gen-ai/gen-ai-agent-spans.md,
// gen-ai-spans.md, execute-tool.md). @opentelemetry/semantic-conventions 1.45.0 still exports them from
// `incubating` but marks every gen_ai.* constant deprecated ("moved to the GenAI repository"), so they are
// spelled out here once instead of importing deprecated symbols. The stable ones (service.*, error.type) come
// from the package itself.
export { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  agentName: 'gen_ai.agent.name',
  agentVersion: 'gen_ai.agent.version',
  /** "The unique identifier for a conversation (session, thread)": one workflow is one such thread. */
  conversationId: 'gen_ai.conversation.id',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  /** Opt-in and possibly sensitive per the conventions: only ever written redacted. */
  toolCallArguments: 'gen_ai.tool.call.arguments',
  dataSourceId: 'gen_ai.data_source.id',
  /** Recorded as a JSON string: the conventions allow that on spans when structured values are not supported. */
  retrievalDocuments: 'gen_ai.retrieval.documents',
} as const;

/**
 * gen_ai.operation.name values. `plan` ("Agent planning or task decomposition phase") is in the GenAI
 * repository's registry; it names a planning attempt that used no model (the runbook planner), where `chat`
 * would claim a model call that never happened.
 */
export const OPERATION = {
  invokeAgent: 'invoke_agent',
  chat: 'chat',
  plan: 'plan',
  executeTool: 'execute_tool',
  retrieval: 'retrieval',
} as const;

export const AGENT_NAME = 'runbook-agent';
/** What gen_ai.data_source.id names: the workspace's runbook index the planner searched. */
export const RUNBOOK_INDEX = 'runbooks';
/** Our own attributes (waits, policy decisions, workflow state) live under this prefix. */
export const OWN = 'runbook_agent.';
/** error.type's fallback when nothing more specific is known (stable semconv). */
export const OTHER_ERROR = '_OTHER';
