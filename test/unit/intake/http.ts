import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface Send {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
}

/**
 * One request on a fresh connection. Resolves with the answer even when the server stops reading the body
 * early and the client's write then fails: the answer is what is tested.
 */
export function request(port: number, s: Send): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = typeof s.body === 'string' ? Buffer.from(s.body) : s.body;
    const headers = { ...s.headers };
    if (body && !s.chunked) headers['content-length'] = String(body.length);
    const req = http.request({ host: '127.0.0.1', port, method: s.method ?? 'POST', path: s.path ?? '/alerts', headers, agent: false });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = undefined;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body && s.chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}
