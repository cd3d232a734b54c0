// Raw loopback sockets for the connection-limit tests: connect, watch what the server sends and when it closes.
import http from 'node:http';
import net from 'node:net';

export interface Watched {
  readonly socket: net.Socket;
  /** Everything the server sent. */
  readonly received: () => string;
  /** Resolves when the socket is closed (by either side). */
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

/** A TCP connection to the intake that sends nothing until told; resolves once connected. */
export function connect(port: number): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    let done = false;
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        done = true;
        r();
      }),
    );
    const watched: Watched = { socket, received: () => data, closed, isClosed: () => done };
    socket.once('connect', () => {
      socket.off('error', reject);
      // A reset after the server closes it is expected; the test looks at `closed`.
      socket.on('error', () => undefined);
      resolve(watched);
    });
    socket.once('error', reject);
  });
}

/** Polls `probe` until it holds; the test's own timeout bounds it. No assertion depends on how long it took. */
export async function until(probe: () => boolean, pollMs = 20): Promise<void> {
  while (!probe()) await new Promise((r) => setTimeout(r, pollMs));
}

/** One request through `agent` (keep-alive): the status, the body, and whether an earlier connection was reused. */
export function viaAgent(agent: http.Agent, port: number, s: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; text: string; reused: boolean; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const headers = { ...s.headers, ...(s.body !== undefined ? { 'content-length': String(Buffer.byteLength(s.body)) } : {}) };
    const req = http.request({ host: '127.0.0.1', port, method: s.method, path: s.path, headers, agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, reused: req.reusedSocket, socket: req.socket! }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(s.body);
  });
}
