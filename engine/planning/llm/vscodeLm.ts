import { describeIssues } from '../../../protocol/define';
import { LmChatResult, lmFailureOf, type LmChatParams } from '../../../protocol/lm';
import { ClassifiedError, messageOf, type FailureClass } from '../../control/workflow/failures';
import { truncate, type ChatRequest, type ChatResult, type ChatTransport } from './transport';

export interface VscodeLmOptions {
  /** Sends runbookAgent/lmChat to the extension host (the engine server wires it to its JSON-RPC connection). */
  readonly send: (params: LmChatParams, signal: AbortSignal) => Promise<unknown>;
  readonly vendor?: string;
  readonly family?: string;
}

/** Quota and unknown provider errors may pass; a missing model or a refused permission will not. */
const CLASS_OF: Record<string, FailureClass> = {
  no_model: 'permanent',
  no_permissions: 'permanent',
  not_found: 'permanent',
  blocked: 'transient',
  cancelled: 'transient',
  unknown: 'transient',
};

/** A model the user has in the editor (vscode.lm), reached through the extension host. */
export class VscodeLmTransport implements ChatTransport {
  constructor(private readonly options: VscodeLmOptions) {}

  async chat(req: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    const params: LmChatParams = {
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      schema: req.schema as Record<string, unknown>,
      ...(this.options.vendor ? { vendor: this.options.vendor } : {}),
      ...(this.options.family ? { family: this.options.family } : {}),
    };
    let raw: unknown;
    try {
      raw = await this.options.send(params, signal);
    } catch (error) {
      if (signal.aborted) throw new ClassifiedError('model_timeout', 'vscode.lm request was aborted');
      if (error instanceof ClassifiedError) throw error;
      const message = messageOf(error);
      const code = lmFailureOf(message);
      // Without a code the extension host itself failed (e.g. it restarted): worth another try.
      throw new ClassifiedError(code ? CLASS_OF[code]! : 'transient', `vscode.lm: ${truncate(message)}`);
    }
    const parsed = LmChatResult.safeParse(raw);
    if (!parsed.success) throw new ClassifiedError('validation', `vscode.lm answered an unexpected shape: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }
}
