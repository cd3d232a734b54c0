import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in collector on 127.0.0.1: it keeps every POST (JSON, gunzipped if need be). */
export async function otlpReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      received.push({ path: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
      // Anything but /v1/traces is refused the way a collector refuses a bad request (400: not retried).
      if (req.url === '/v1/traces') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":3,"message":"unknown path"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
