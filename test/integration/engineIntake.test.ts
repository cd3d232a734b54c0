import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type EngineProcess } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';

const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A collector stand-in: records each OTLP/HTTP body it receives. */
async function collector() {
  const bodies: Array<{ resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1/traces`, bodies };
}

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!fs.existsSync(modelDir))("the editor's engine: alert intake and trace export from settings", () => {
  it('serves the intake only when enabled, with the token, and sends settled workflows to the OTLP endpoint', async () => {
    const root = tempDir('rba-engine-intake-');
    const workspace = path.join(root, 'ws');
    fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
    const engine: EngineProcess = await startEngine({ storagePath: root, modelPath: modelDir, trusted: true, workspaceFolders: [workspace] });
    cleanup.push(() => engine.stop());
    const sink = await collector();
    const port = await freePort();
    const token = 'a'.repeat(32);
    const settings = (enabled: boolean) => ({
      policy: { rules: [], approveReads: false },
      allowedHosts: [],
      prometheusUrl: '',
      llm: { provider: 'none', baseUrl: '', fastModel: '', strongModel: '', apiKey: '' },
      intake: { enabled, host: '127.0.0.1', port, token },
      otlp: { endpoint: sink.url, headers: {} },
    });
    const post = (auth: string) =>
      fetch(`http://127.0.0.1:${port}/alerts`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: fs.readFileSync(path.join(workspace, 'alerts/checkout-down.json'), 'utf8'),
      }).catch((error: unknown) => error as Error);

    await engine.connection.sendNotification('runbookAgent/configure', settings(false));
    await engine.connection.sendRequest('runbookAgent/workflows', {}); // the notification is handled by now
    expect(await post(`Bearer ${token}`)).toBeInstanceOf(Error); // nothing listens while disabled

    await engine.connection.sendNotification('runbookAgent/configure', settings(true));
    const accepted = await until('the intake to listen', async () => {
      const r = await post(`Bearer ${token}`);
      return r instanceof Response ? r : undefined;
    });
    expect(accepted.status).toBe(200);
    expect((await post('Bearer wrong')) as Response).toMatchObject({ status: 401 });
    const list = (await engine.connection.sendRequest('runbookAgent/workflows', {})) as { workflows: Array<{ title: string; workspace: string }> };
    expect(list.workflows).toEqual([expect.objectContaining({ title: 'Checkout service is down', workspace })]);

    // A run with nothing to approve settles on its own; its trace goes to the collector.
    fs.writeFileSync(path.join(workspace, 'runbooks/disk-check.md'), '# Disk check\n\n## Diagnosis\n\n```sh\ndf -h .\n```\n');
    const { workflow } = (await engine.connection.sendRequest('runbookAgent/runRunbook', { workspace, path: 'runbooks/disk-check.md' })) as { workflow: { id: string } };
    const body = await until('the trace at the collector', () => sink.bodies.at(-1));
    const spans = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans[0]!.name).toBe('invoke_agent runbook-agent');
    expect(spans.map((s) => s.name)).toContain('execute_tool shell');
    const view = (await engine.connection.sendRequest('runbookAgent/workflow', { id: workflow.id })) as { workflow: { state: string } };
    expect(view.workflow.state).toBe('COMPLETED');
  });
});
