import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportOtlp, otlpJson } from '../../engine/control/otel/export';
import { traceIdOf } from '../../engine/control/otel/ids';
import { startEngine } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';
import { flatten, type OtlpRequest } from '../unit/otel/otlp';
import { tracedWorkflow } from '../unit/otel/workflow';
import { otlpReceiver } from '../unit/otel/receiver';

/** The CLI as a real process (asynchronously: the collector answers from this one), without the machine's OTEL_* settings. */
function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/runbook-agent.js', ...args], { encoding: 'utf8', env }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function receiver() {
  const r = await otlpReceiver();
  closers.push(r.close);
  return r;
}

describe('OTLP export of a workflow', () => {
  it('POSTs the SDK exporter’s OTLP/JSON to a collector: the same spans, links, times and statuses as the file', async () => {
    const f = await tracedWorkflow();
    const collector = await receiver();
    const result = await exportOtlp(f.db, f.id, collector.url, { 'x-api-key': 'collector-key-1' });
    expect(collector.received).toHaveLength(1);
    const [post] = collector.received;
    expect(post).toMatchObject({ path: '/v1/traces', headers: { 'content-type': 'application/json', 'x-api-key': 'collector-key-1' } });
    const sent = flatten(JSON.parse(post!.body) as OtlpRequest);
    expect(sent.spans).toHaveLength(result.spans);
    expect(sent.resource['service.name']).toBe('runbook-agent');
    expect(sent.spans.every((s) => s.traceId === traceIdOf(f.id))).toBe(true);
    const root = sent.spans.find((s) => !s.parentSpanId)!;
    expect(root).toMatchObject({ name: 'invoke_agent runbook-agent', startMs: Date.UTC(2026, 0, 1), status: { code: 1 } });
    const tool = sent.spans.find((s) => s.name === 'execute_tool restart')!;
    expect(tool.parentSpanId).toBe(root.spanId);
    expect(sent.spans.filter((s) => s.parentSpanId === tool.spanId).map((s) => [s.name, s.status.code, s.attributes['error.type']])).toEqual([
      ['attempt 1', 2, 'transient'],
      ['attempt 2', 1, undefined],
    ]);
    // What a collector gets is what the file holds.
    expect(sent.spans).toEqual(flatten(JSON.parse(otlpJson(f.db, f.id).json) as OtlpRequest).spans);
  });

  it('says why when the collector refuses', async () => {
    const f = await tracedWorkflow();
    const collector = await receiver();
    await expect(exportOtlp(f.db, f.id, collector.url.replace('/v1/traces', '/nowhere'))).rejects.toThrow(/OTLP export to http:\/\/127\.0\.0\.1:\d+\/nowhere failed/);
    expect(collector.received).toHaveLength(1);
  });

  it('runbook-agent trace ID writes the OTLP/JSON file and sends the same trace with --otlp', async () => {
    const f = await tracedWorkflow();
    f.db.pragma('wal_checkpoint(TRUNCATE)');
    const collector = await receiver();
    const out = path.join(tempDir('rba-trace-'), 'trace.otlp.json');
    const r = await cli(['trace', f.id, '--db', f.file, '--out', out, '--otlp', collector.url, '--header', 'x-api-key=collector-key-2']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`wrote the trace of ${f.id} to .*trace\\.otlp\\.json\\nsent \\d+ spans of ${f.id} to http://127\\.0\\.0\\.1`));
    const file = flatten(JSON.parse(fs.readFileSync(out, 'utf8')) as OtlpRequest);
    expect(file.spans.map((s) => s.name)).toEqual(expect.arrayContaining(['invoke_agent runbook-agent', 'chat gpt-4o-mini', 'retrieval runbooks', 'execute_tool check', 'execute_tool restart']));
    expect(collector.received[0]!.headers['x-api-key']).toBe('collector-key-2');
    expect(flatten(JSON.parse(collector.received[0]!.body) as OtlpRequest).spans).toEqual(file.spans);

    const printed = await cli(['trace', f.id, '--db', f.file]);
    expect(flatten(JSON.parse(printed.stdout) as OtlpRequest).spans).toEqual(file.spans);
    expect((await cli(['trace', 'no-such-workflow', '--db', f.file])).status).toBe(1);
  });

  it('the editor’s exportTrace request answers with the same OTLP/JSON, named *.otlp.json', async () => {
    const f = await tracedWorkflow();
    const expected = otlpJson(f.db, f.id);
    f.db.close();
    const engine = await startEngine({ storagePath: path.dirname(f.file), modelPath: '', trusted: true, workspaceFolders: [] });
    closers.push(() => engine.stop());
    const answer = await engine.connection.sendRequest<{ fileName: string; json: string }>('runbookAgent/exportTrace', { id: f.id });
    expect(answer.fileName).toBe(expected.fileName);
    expect(answer.fileName.endsWith('.otlp.json')).toBe(true);
    expect(flatten(JSON.parse(answer.json) as OtlpRequest).spans).toEqual(flatten(JSON.parse(expected.json) as OtlpRequest).spans);
  });
});
