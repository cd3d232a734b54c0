import * as vscode from 'vscode';
import { lmFailureMessage, type LmChatParams, type LmChatResult, type LmFailure } from '../protocol/lm';

/**
 * Serves the engine's runbookAgent/lmChat request with a model from vscode.lm. Failures are thrown as Errors
 * whose message starts with "[code]" (protocol/lm.ts) so the engine can tell "retry later" from "never works".
 */
export async function handleLmChat(params: LmChatParams, token: vscode.CancellationToken): Promise<LmChatResult> {
  const selector: vscode.LanguageModelChatSelector = {};
  if (params.vendor) selector.vendor = params.vendor;
  if (params.family) selector.family = params.family;
  const [model] = await vscode.lm.selectChatModels(selector);
  if (!model) {
    const wanted = [params.vendor && `vendor ${params.vendor}`, params.family && `family ${params.family}`].filter(Boolean).join(', ');
    throw failure('no_model', `no language model is available${wanted ? ` for ${wanted}` : ''}: sign in to a chat model provider (e.g. GitHub Copilot) or configure an OpenAI-compatible endpoint`);
  }
  const messages = toMessages(params);
  try {
    const response = await model.sendRequest(messages, { justification: 'Runbook Agent drafts a remediation plan for an alert from your runbooks.' }, token);
    let content = '';
    for await (const part of response.text) content += part;
    return { content, model: `${model.vendor}/${model.family}${model.version ? `@${model.version}` : ''}`, ...(await usage(model, messages, content, token)) };
  } catch (error) {
    throw mapError(error, token);
  }
}

/** vscode.lm has no system role and no structured output: the rules go first as a User message, the schema last. */
function toMessages(params: LmChatParams): vscode.LanguageModelChatMessage[] {
  const out = params.messages.map((m) =>
    m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(m.content) : vscode.LanguageModelChatMessage.User(m.content),
  );
  if (params.schema) {
    out.push(
      vscode.LanguageModelChatMessage.User(
        `Answer with one JSON object only (no prose, no code fence) that follows this JSON schema:\n${JSON.stringify(params.schema)}`,
      ),
    );
  }
  return out;
}

/** Token counts are for the trace and budgets; a provider that cannot count must not fail the plan. */
async function usage(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], content: string, token: vscode.CancellationToken) {
  try {
    const inputs = await Promise.all(messages.map((m) => model.countTokens(m, token)));
    return { inputTokens: inputs.reduce((a, b) => a + b, 0), outputTokens: await model.countTokens(content, token) };
  } catch {
    return {};
  }
}

function mapError(error: unknown, token: vscode.CancellationToken): Error {
  if (token.isCancellationRequested) return failure('cancelled', 'the request was cancelled');
  if (error instanceof vscode.LanguageModelError) {
    const detail = error.message ? `: ${error.message}` : '';
    switch (error.code) {
      case vscode.LanguageModelError.NoPermissions.name:
        return failure('no_permissions', `Runbook Agent may not use this language model; allow it when VS Code asks, or in the Accounts menu${detail}`);
      case vscode.LanguageModelError.Blocked.name:
        return failure('blocked', `the language model refused the request, often a quota or rate limit${detail}`);
      case vscode.LanguageModelError.NotFound.name:
        return failure('not_found', `the language model is no longer available${detail}`);
      default:
        return failure('unknown', `language model error ${error.code}${detail}`);
    }
  }
  return failure('unknown', error instanceof Error ? error.message : String(error));
}

function failure(code: LmFailure, message: string): Error {
  return new Error(lmFailureMessage(code, message));
}
