import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../db/open';
import { queuedCount } from '../store/sqlite/queue';
import { countByState } from '../store/sqlite/query';
import { acceptAlerts, type AcceptResult } from './accept';
import { bearerMatches } from './auth';
import { DEFAULT_MAX_BODY_BYTES, readBody } from './body';
import { HttpError } from './errors';
import { ConnectionGuard, resolveLimits, serverOptions, type ConnectionStats, type IntakeLimits } from './limits';
import { checkContentType, parsePayload } from './payload';

export interface IntakeServerOptions {
  readonly db: Db;
  readonly workspace: string;
  readonly token: string;
  readonly host?: string;
  readonly port?: number;
  readonly maxBodyBytes?: number;
  readonly maxQueued?: number;
  readonly retryAfterSeconds?: number;
  /** See AcceptOptions.lockRetryMs: only where the server has a thread of its own. */
  readonly lockRetryMs?: number;
  /** Connection counts and timeouts; each one missing takes its default (DEFAULT_INTAKE_LIMITS, README "Limits"). */
  readonly limits?: Partial<IntakeLimits>;
  readonly log?: (message: string) => void;
  /** After a request stored new work (new workflows or resolved notifications): the workers may look for it now. */
  readonly onAccepted?: (result: AcceptResult) => void;
  /** `serve --store`: alerts go to the control store instead of acceptAlerts on `db` (engine/control/intake/storeAccept.ts). */
  readonly accept?: (payload: unknown) => Promise<AcceptResult>;
  /** `serve --store`: /healthz counts from the control store instead of `db`. */
  readonly health?: () => Promise<{ readonly queued: number; readonly workflows: Record<string, number> }>;
}

/** POST here: /alerts for scripts, /webhook for Alertmanager's webhook receiver, /api/v2/alerts for Prometheus-style senders. */
export const ALERT_PATHS: ReadonlySet<string> = new Set(['/alerts', '/webhook', '/api/v2/alerts']);

/**
 * The HTTP intake: alerts in, workflows queued, nothing else. Handlers only validate and call intake(); the
 * orchestrator's workers plan and run the work. Off unless started; loopback unless told otherwise.
 */
export class IntakeServer {
  private readonly server: http.Server;
  private readonly guard: ConnectionGuard;
  private readonly started = Date.now();

  constructor(private readonly options: IntakeServerOptions) {
    // A slow, silent or idle client must not hold a connection, and a flood of them must not take every slot.
    const limits = resolveLimits(options.limits);
    this.server = http.createServer(serverOptions(limits), (req, res) => {
      this.handle(req, res).catch((error: unknown) => this.options.log?.(`intake: ${String(error)}`));
    });
    this.guard = new ConnectionGuard(this.server, limits, options.log);
  }

  /** Open, idle unauthenticated, closed and refused connections: what the limits are doing. */
  connectionStats(): ConnectionStats {
    return this.guard.stats();
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 9095, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting; requests already in flight finish (bounded by `graceMs`), idle keep-alive sockets close. */
  close(graceMs = 10_000): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => this.server.closeAllConnections(), graceMs);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path === '/healthz') {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} is not allowed on /healthz; use GET`, { Allow: 'GET, HEAD' });
        return send(req, res, 200, this.options.health ? { status: 'ok', ...(await this.options.health()), uptime: Math.round((Date.now() - this.started) / 1000) } : this.health());
      }
      if (!ALERT_PATHS.has(path)) throw new HttpError(404, `no route ${JSON.stringify(path.slice(0, 100))}: POST alerts to /alerts or /webhook; GET /healthz`);
      if (req.method !== 'POST') throw new HttpError(405, `${req.method} is not allowed on ${path}; use POST`, { Allow: 'POST' });
      if (!bearerMatches(req.headers.authorization, this.options.token)) {
        throw new HttpError(401, 'missing or wrong bearer token (Authorization: Bearer <token from the token file>)', { 'WWW-Authenticate': 'Bearer', Connection: 'close' });
      }
      this.guard.authenticated(req.socket);
      checkContentType(req.headers['content-type']);
      const payload = parsePayload(await readBody(req, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
      const result = this.options.accept ? await this.options.accept(payload) : acceptAlerts(payload, {
        db: this.options.db,
        workspace: this.options.workspace,
        maxQueued: this.options.maxQueued,
        retryAfterSeconds: this.options.retryAfterSeconds,
        lockRetryMs: this.options.lockRetryMs,
      });
      if (result.accepted + result.resolved > 0) this.options.log?.(`intake: ${result.accepted} new, ${result.duplicates} re-sent, ${result.resolved} resolved, ${result.ignored} ignored`);
      send(req, res, 200, result);
      if (result.accepted + result.resolved > 0) this.options.onAccepted?.(result);
    } catch (error) {
      if (error instanceof HttpError) return send(req, res, error.status, { error: error.message }, error.headers);
      this.options.log?.(`intake: ${(error as Error).stack ?? String(error)}`);
      send(req, res, 500, { error: 'internal error; nothing was stored for this request' });
    }
  }

  private health() {
    const { db } = this.options;
    return {
      status: 'ok',
      queued: queuedCount(db),
      workflows: countByState(db),
      uptime: Math.round((Date.now() - this.started) / 1000),
    };
  }
}

/**
 * Writes a JSON answer. A refused request whose body was not read closes its connection afterwards: Node
 * discards the rest instead of parsing it as the next request.
 */
function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(req.complete ? {} : { Connection: 'close' }),
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
