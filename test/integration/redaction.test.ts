import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { panelView } from '../../engine/entry/agent/panelView';
import { renderReport, workflowReport } from '../../engine/entry/cli/agent/report';
import { exportOtlp, otlpJson } from '../../engine/control/otel/export';
import { redactingLine, redactingLog } from '../../engine/entry/server/log';
import { shellTool } from '../../engine/execution/tools/shell';
import { listToolCalls } from '../../engine/control/store/sqlite/toolCalls';
import { tempDir } from '../helpers/tmp';
import { fixture, stateOf } from '../unit/workflow/fixtures';
import { otlpReceiver } from '../unit/otel/receiver';

const FIXTURES = 'test/fixtures/secrets';
const { secrets, kept } = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'secrets.json'), 'utf8')) as { secrets: string[]; kept: string[] };
const BEARER = 'tok_9fK2LmQ7xR4vB1nZ8cW3';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A service the runbook curls with a bearer token; it answers with a secret of its own in the body. */
async function statusService() {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"degraded","client_secret":"cs_live_8Hq2Tz5Wm1Kx7Rb4"}\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, seen };
}

function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/runbook-agent.js', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)));
  });
}

function leaks(text: string): string[] {
  return secrets.filter((s) => text.includes(s));
}

describe('secrets never leave the engine', () => {
  it('a real workflow whose commands and outputs hold secrets shows them nowhere, and keeps the text around them', async () => {
    const service = await statusService();
    const workspace = tempDir('rba-secrets-');
    fs.cpSync(FIXTURES, workspace, { recursive: true });
    const shell = shellTool({ workspace, outputCapBytes: 64_000, passEnv: [] });
    const f = fixture(
      [shell],
      {
        main: [
          { id: 'env', tool: 'shell', input: { command: 'cat env-dump.txt' } },
          { id: 'http-trace', tool: 'shell', input: { command: 'cat http-trace.txt' } },
          { id: 'app-log', tool: 'shell', input: { command: 'cat app.log >&2; exit 3' } },
          { id: 'tls-secret', tool: 'shell', input: { command: 'cat tls-secret.yaml' } },
          { id: 'status', tool: 'shell', input: { command: `curl -sS -H "Authorization: Bearer ${BEARER}" http://127.0.0.1:{{port}}/status` } },
          { id: 'flush', tool: 'shell', input: { command: 'mysql -u root --password=Mysql-Root-42x -e "FLUSH LOGS"' } },
        ],
      },
      { policy: (call) => (call.step.id === 'flush' ? { action: 'approve', reason: 'a write', by: 'tier approved-writes' } : { action: 'allow', reason: 'a read', by: 'tier' }) },
    );
    const id = f.start(
      { runbook: 'main', port: String(service.port), service: 'payments', auth_token: 'lbl-T0ken-55aa' },
      { annotations: { description: 'login failed for postgres://reporting:Rep0rt-pw-2@db:5432/reports' } },
    );
    await f.orchestrator.drain();

    // Stored as given: the command really carried the token, and the approval binds to the exact input.
    expect(service.seen).toEqual([`Bearer ${BEARER}`]);
    const stored = stateOf(f.db, id);
    expect(stored.waiting).toMatchObject({ kind: 'approval', stepId: 'flush' });
    expect(JSON.stringify(listToolCalls(f.db, id).map((c) => c.input))).toContain(BEARER);

    const panel = panelView(f.db, id, null);
    expect(panel.waiting).toMatchObject({ inputHash: stored.waiting?.kind === 'approval' ? stored.waiting.inputHash : 'none' });
    const collector = await otlpReceiver();
    closers.push(collector.close);
    await exportOtlp(f.db, id, collector.url);
    f.db.pragma('wal_checkpoint(TRUNCATE)');
    const report = workflowReport(f.db, id);

    const lines: string[] = [];
    const log = redactingLog({ log: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) });
    const agentLog = redactingLine((m) => lines.push(m));
    // What the engine logs about a workflow: the commands it ran, their output, and why it waits.
    for (const c of listToolCalls(f.db, id)) log.info(`step ${c.stepId}: ${JSON.stringify(c.input)} -> ${JSON.stringify(c.result)}`);
    agentLog(`workflow ${id} waits: ${stored.reason ?? ''} ${JSON.stringify(stored.waiting)}`);
    log.error(`could not apply settings: 401 from http://ops:${'Pg-Sup3r-s3cret'}@llm.internal/v1 with Authorization: Bearer ${BEARER}`);

    const surfaces: Record<string, string> = {
      panel: JSON.stringify(panel, null, 2),
      'OTLP file': otlpJson(f.db, id).json,
      'OTLP/HTTP payload': collector.received[0]!.body,
      'show --json': await cli(['show', id, '--db', f.file, '--json']),
      show: await cli(['show', id, '--db', f.file]),
      'triage report (JSON)': JSON.stringify(report, null, 2),
      'triage report (text)': renderReport(report),
      log: lines.join('\n'),
    };
    for (const [name, text] of Object.entries(surfaces)) expect({ [name]: leaks(text) }).toEqual({ [name]: [] });

    // JSON escapes quotes and newlines; the text around the secrets is still readable where outputs are shown.
    const readable = (text: string) => text.replaceAll('\\"', '"').replaceAll('\\n', '\n');
    for (const name of ['panel', 'show --json', 'triage report (JSON)']) {
      const text = readable(surfaces[name]!);
      expect({ [name]: kept.filter((k) => !text.includes(k) && k !== 'postgres://reporting:') }).toEqual({ [name]: [] });
    }
    expect(readable(surfaces.panel!)).toContain('postgres://reporting:[REDACTED:password]@db:5432/reports');
    for (const name of ['OTLP file', 'OTLP/HTTP payload']) {
      const text = readable(surfaces[name]!);
      expect(text).toContain('Authorization: Bearer [REDACTED:bearer]');
      expect(text).toContain('--password=[REDACTED:password] -e');
    }
    expect(surfaces['triage report (text)']).toContain('mysql -u root --password=[REDACTED:password] -e "FLUSH LOGS"');
    expect(surfaces.log).toContain('could not apply settings: 401 from http://ops:[REDACTED:password]@llm.internal/v1');
    expect(panel.steps.find((s) => s.id === 'app-log')?.output).toContain('db pool exhausted (max=20) user=app password=[REDACTED:password] host=db.internal');
  });

  it('the structures of issue #16 (.netrc, .pgpass, XML, YAML blocks, command lines, signed URLs) show nowhere either', async () => {
    const more = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'structured.json'), 'utf8')) as { secrets: string[]; kept: string[] };
    const workspace = tempDir('rba-secrets-structured-');
    fs.cpSync(FIXTURES, workspace, { recursive: true });
    // Provider-shaped tokens are made here, so the repository holds none.
    const pick = (prefix: string, n: number, alphabet = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYzCq') => prefix + Array.from({ length: n }, (_, i) => alphabet[(i * 5 + 1) % alphabet.length]).join('');
    const hook = `T${pick('', 8, 'ABCDEFGH0123')}/B${pick('', 10, 'ABCDEFGH0123')}/${pick('', 24)}`;
    const signature = pick('', 64, '0123456789abcdef');
    const sasSig = pick('', 40, 'ABCDEFabcdef0123456789%');
    const vault = pick('hvs.', 24);
    const ya29 = pick('ya29.a0Af', 80);
    const runtime = [hook, signature, sasSig, vault, ya29];
    fs.writeFileSync(
      path.join(workspace, 'urls.txt'),
      [
        `slack: https://hooks.slack.com/services/${hook}`,
        `s3: https://backups.s3.amazonaws.com/db.sql.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=${signature}`,
        `sas: https://acct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&sp=r&sig=${sasSig}`,
        `vault: token ${vault}`,
        `gcloud: ${ya29}`,
      ].join('\n'),
    );
    const shell = shellTool({ workspace, outputCapBytes: 64_000, passEnv: [] });
    const f = fixture(
      [shell],
      {
        main: [
          { id: 'netrc', tool: 'shell', input: { command: 'cat netrc' } },
          { id: 'pgpass', tool: 'shell', input: { command: 'cat pgpass' } },
          { id: 'settings', tool: 'shell', input: { command: 'cat settings.xml' } },
          { id: 'secret-yaml', tool: 'shell', input: { command: 'cat app-secret.yaml' } },
          { id: 'urls', tool: 'shell', input: { command: 'cat urls.txt' } },
          { id: 'mysql', tool: 'shell', input: { command: "echo '+ mysql -uroot -pMy-Cli-Integr8 -h db.internal -e \"SELECT 1\"'" } },
        ],
      },
      { policy: () => ({ action: 'allow', reason: 'a read', by: 'tier' }) },
    );
    const id = f.start({ runbook: 'main', service: 'payments' });
    await f.orchestrator.drain();
    expect(listToolCalls(f.db, id).map((c) => c.stepId)).toEqual(['netrc', 'pgpass', 'settings', 'secret-yaml', 'urls', 'mysql']);

    const panel = panelView(f.db, id, null);
    const report = workflowReport(f.db, id);
    f.db.pragma('wal_checkpoint(TRUNCATE)');
    const surfaces: Record<string, string> = {
      panel: JSON.stringify(panel, null, 2),
      'OTLP file': otlpJson(f.db, id).json,
      'show --json': await cli(['show', id, '--db', f.file, '--json']),
      'triage report (JSON)': JSON.stringify(report, null, 2),
      'triage report (text)': renderReport(report),
    };
    const all = [...more.secrets, ...runtime];
    for (const [name, text] of Object.entries(surfaces)) expect({ [name]: all.filter((s) => text.includes(s)) }).toEqual({ [name]: [] });
    const readable = (text: string) => text.replaceAll('\\"', '"').replaceAll('\\n', '\n');
    for (const name of ['panel', 'show --json', 'triage report (JSON)']) {
      const text = readable(surfaces[name]!);
      expect({ [name]: more.kept.filter((k) => !text.includes(k)) }).toEqual({ [name]: [] });
    }
    const output = (step: string) => panel.steps.find((s) => s.id === step)?.output ?? '';
    expect(output('netrc')).toContain('  password [REDACTED:password]');
    expect(output('pgpass')).toContain('db.internal:5432:reports:reporting:[REDACTED:password]');
    expect(output('settings')).toContain('<password>[REDACTED:password]</password>');
    expect(output('secret-yaml')).toContain('  password: |\n    [REDACTED:password]\n  api_token: >-\n    [REDACTED:token]\n  region: eu-west-1');
    expect(output('urls')).toContain('https://hooks.slack.com/services/[REDACTED:slack_webhook]');
    expect(output('mysql')).toContain('mysql -uroot -p[REDACTED:password] -h db.internal');
  });
});
