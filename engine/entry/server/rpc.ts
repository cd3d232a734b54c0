import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import type { z } from 'zod';
import { describeIssues, type NotificationType, type RequestType } from '../../../protocol/define';
import { DatabaseProblem } from '../../control/db/errors';

/** JSON-RPC error code for "the engine's database is unusable"; the message says why. */
export const DATABASE_UNAVAILABLE = -32001;

/**
 * Registers a request handler whose params are validated against the protocol schema before the handler
 * runs, and whose result is validated before it leaves, so neither side ever sees an unchecked shape.
 */
export function handleRequest<P extends z.ZodType, R extends z.ZodType>(
  connection: Connection,
  type: RequestType<P, R>,
  handler: (params: z.infer<P>) => z.infer<R> | Promise<z.infer<R>>,
): void {
  connection.onRequest(type.method, async (raw: unknown) => {
    const params = type.params.safeParse(raw ?? {});
    if (!params.success) {
      throw new ResponseError(ErrorCodes.InvalidParams, `invalid params for ${type.method}: ${describeIssues(params.error)}`);
    }
    try {
      return type.result.parse(await handler(params.data));
    } catch (error) {
      if (error instanceof DatabaseProblem) throw new ResponseError(DATABASE_UNAVAILABLE, error.message);
      throw error;
    }
  });
}

export function handleNotification<P extends z.ZodType>(
  connection: Connection,
  type: NotificationType<P>,
  handler: (params: z.infer<P>) => void,
): void {
  connection.onNotification(type.method, (raw: unknown) => {
    const params = type.params.safeParse(raw ?? {});
    if (!params.success) {
      connection.console.error(`ignored ${type.method}: ${describeIssues(params.error)}`);
      return;
    }
    handler(params.data);
  });
}
