import type http from 'node:http';
import type { Socket } from 'node:net';

/**
 * How many connections the intake holds and for how long. Every value is an option of `IntakeServer`; the
 * reasons for the defaults are in README.md ("Limits").
 */
export interface IntakeLimits {
  /** Hard cap on open connections (`server.maxConnections`): past it Node closes a new socket at once. */
  readonly maxConnections: number;
  /**
   * Connections that have not yet sent a request with the right token and are not in the middle of a request.
   * At the cap, the one idle the longest is closed so the newest connection always gets a slot.
   */
  readonly maxUnauthenticatedConnections: number;
  /** Socket inactivity (`server.timeout`): no byte in either direction for this long closes the connection. */
  readonly idleTimeoutMs: number;
  /** From the first byte of a request to the end of its headers (`server.headersTimeout`); 408, then closed. */
  readonly headersTimeoutMs: number;
  /** From the first byte of a request to the end of its body (`server.requestTimeout`); 408, then closed. */
  readonly requestTimeoutMs: number;
  /** Idle time between requests on a kept-alive connection (`server.keepAliveTimeout`). */
  readonly keepAliveTimeoutMs: number;
  /** How often Node checks the two request timeouts (`connectionsCheckingInterval`): their granularity. */
  readonly timeoutCheckIntervalMs: number;
}

export const DEFAULT_INTAKE_LIMITS: IntakeLimits = Object.freeze({
  maxConnections: 2048,
  maxUnauthenticatedConnections: 1024,
  idleTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckIntervalMs: 1_000,
});

/** The defaults with `given` over them, checked: a limit that cannot work is refused when the server is made. */
export function resolveLimits(given: Partial<IntakeLimits> = {}): IntakeLimits {
  const limits: IntakeLimits = { ...DEFAULT_INTAKE_LIMITS, ...stripUndefined(given) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`intake limit ${name} must be a positive integer, got ${String(value)}`);
  }
  if (limits.maxUnauthenticatedConnections >= limits.maxConnections) {
    throw new RangeError(
      `intake limit maxUnauthenticatedConnections (${limits.maxUnauthenticatedConnections}) must be below maxConnections (${limits.maxConnections}), or authenticated clients could find no slot`,
    );
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new RangeError(`intake limit headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`);
  }
  return limits;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The `http.createServer` options that carry the limits (Node checks the request timeouts only when given here). */
export function serverOptions(limits: IntakeLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
  };
}

export interface ConnectionStats {
  /** Connections open now. */
  readonly open: number;
  /** Of those, unauthenticated and between requests (the ones the cap counts). */
  readonly unauthenticated: number;
  /** Connections accepted since the start. */
  readonly accepted: number;
  /** Closed to make room for a newer connection (the cap on unauthenticated connections). */
  readonly evicted: number;
  /** Closed for inactivity (idle or keep-alive timeout). */
  readonly timedOut: number;
  /** Refused by Node at `maxConnections`. */
  readonly dropped: number;
}

/**
 * Keeps a flood of idle or slow connections from starving the intake. Node's knobs bound each connection's time
 * (idle, headers, request, keep-alive) and the total count; this adds the accounting Node lacks: connections
 * that have not proved they hold the token are a bounded pool, and a new connection always gets a slot because
 * the one idle the longest is closed for it.
 *
 * "Idle" here means no request in progress: from the connection until its first request's headers are complete
 * (a slowloris sender stays idle), and again after each answer. A connection leaves the pool for good once a
 * request on it carries the right token (`authenticated`).
 */
export class ConnectionGuard {
  /** Unauthenticated sockets with no request in progress, oldest idle first (a Map keeps insertion order). */
  private readonly idle = new Map<Socket, true>();
  private readonly trusted = new WeakSet<Socket>();
  private readonly inFlight = new WeakMap<Socket, number>();
  private open = 0;
  private accepted = 0;
  private evicted = 0;
  private timedOut = 0;
  private dropped = 0;
  private lastReport = 0;

  constructor(
    server: http.Server,
    private readonly limits: IntakeLimits,
    private readonly log?: (message: string) => void,
  ) {
    server.maxConnections = limits.maxConnections;
    // Inactivity of each socket; Node sets it on every new connection and again at each request on a kept-alive one.
    server.timeout = limits.idleTimeoutMs;
    // Registered after node:http's own 'connection' listener, so the socket already has its parser.
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    // Before the intake's handler, which may already mark the socket authenticated.
    server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res));
    server.on('drop', () => {
      this.dropped += 1;
      this.report();
    });
  }

  /** The request on this socket carried the right token: its connection no longer counts against the idle cap. */
  authenticated(socket: Socket): void {
    this.trusted.add(socket);
    this.idle.delete(socket);
  }

  stats(): ConnectionStats {
    return { open: this.open, unauthenticated: this.idle.size, accepted: this.accepted, evicted: this.evicted, timedOut: this.timedOut, dropped: this.dropped };
  }

  private onConnection(socket: Socket): void {
    this.accepted += 1;
    this.open += 1;
    socket.once('close', () => {
      this.open -= 1;
      this.idle.delete(socket);
    });
    // node:http destroys the socket on 'timeout' itself (no 'timeout' listener on the server); this only counts.
    socket.on('timeout', () => {
      this.timedOut += 1;
    });
    let evictedNow = 0;
    while (this.idle.size >= this.limits.maxUnauthenticatedConnections) {
      const oldest = this.idle.keys().next().value as Socket;
      this.idle.delete(oldest);
      oldest.destroy();
      evictedNow += 1;
    }
    if (evictedNow > 0) {
      this.evicted += evictedNow;
      this.report();
    }
    this.idle.set(socket, true);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
    // A request in progress is never closed to make room; it has its own deadlines.
    this.idle.delete(socket);
    res.once('close', () => {
      const left = (this.inFlight.get(socket) ?? 1) - 1;
      this.inFlight.set(socket, left);
      // Answered and kept alive: idle again, now the newest idle connection. One answered with `Connection: close`
      // is already ending (Node ends it before this event) and is left to finish sending.
      if (left === 0 && !socket.destroyed && !socket.writableEnded && !this.trusted.has(socket)) this.idle.set(socket, true);
    });
  }

  /** One line at most every minute, so a flood does not flood the log too. */
  private report(): void {
    const now = Date.now();
    if (now - this.lastReport < 60_000) return;
    this.lastReport = now;
    this.log?.(
      `intake: connection limits reached: ${this.evicted} idle unauthenticated connections closed for newer ones (cap ${this.limits.maxUnauthenticatedConnections}), ` +
        `${this.dropped} refused at maxConnections (${this.limits.maxConnections}), ${this.open} open`,
    );
  }
}
