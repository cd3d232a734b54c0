/**
 * The engine asks the extension host to run a chat on a vscode.lm model (Copilot or another provider the user
 * signed in to): the engine process has no access to the editor's models itself.
 */
import { z } from 'zod';
import { defineRequest } from './define';

export const LmMessage = z
  .object({
    role: z.enum(['system', 'user', 'assistant']),
    content: z.string().max(500_000),
  })
  .strict();
export type LmMessage = z.infer<typeof LmMessage>;

export const LmChatParams = z
  .object({
    messages: z.array(LmMessage).min(1).max(100),
    /** JSON schema of the answer; vscode.lm has no structured output, so the extension puts it in the prompt. */
    schema: z.record(z.string(), z.unknown()).optional(),
    /** vscode.lm selector; absent fields match any model. */
    vendor: z.string().min(1).max(200).optional(),
    family: z.string().min(1).max(200).optional(),
  })
  .strict();
export type LmChatParams = z.infer<typeof LmChatParams>;

export const LmChatResult = z
  .object({
    content: z.string(),
    model: z.string().min(1).max(500),
    inputTokens: z.number().int().nonnegative().optional(),
    outputTokens: z.number().int().nonnegative().optional(),
  })
  .strict();
export type LmChatResult = z.infer<typeof LmChatResult>;

export const lmChat = defineRequest('runbookAgent/lmChat', LmChatParams, LmChatResult);

/**
 * Why a chat failed on the extension side. Carried as a "[code] message" prefix so the engine can classify the
 * failure even when the JSON-RPC layer keeps only the message.
 */
export const LmFailure = z.enum(['no_model', 'no_permissions', 'blocked', 'not_found', 'cancelled', 'unknown']);
export type LmFailure = z.infer<typeof LmFailure>;

export function lmFailureMessage(code: LmFailure, message: string): string {
  return `[${code}] ${message}`;
}

export function lmFailureOf(message: string): LmFailure | null {
  const m = /^\[([a-z_]+)\] /.exec(message);
  const parsed = LmFailure.safeParse(m?.[1]);
  return parsed.success ? parsed.data : null;
}
