// prometheus_alert against a real Prometheus (Debian's, started on a loopback port with a temporary data folder,
// scraping itself), with an alert rule whose expression is true: what builtinDiagnostics picks for the firing
// alert runs, and each view shows the alert's own series.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../engine/control/alert';
import { builtinAvailability, builtinDiagnostics, type PrometheusAlertOutput } from '../../engine/execution/tools/builtin';
import { createTools } from '../../engine/execution/tools/catalogue';
import { TOOL } from '../../engine/execution/tools/names';
import type { AnyTool } from '../../engine/control/workflow/tool';
import { tempDir } from '../helpers/tmp';

const PROMETHEUS = '/usr/bin/prometheus';
const missing = !fs.existsSync(PROMETHEUS);
const EXPR = 'up{job="prometheus"} == 1 and on (instance) prometheus_build_info';
const call = { key: 'k', workflowId: 'wf', stepId: 's' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

let child: ChildProcess | undefined;
let log = '';
let port = 0;
let root = '';

beforeAll(async () => {
  if (missing) return;
  // Not tempDir(): that folder is removed after each test, and Prometheus lives for the whole file.
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-builtin-prom-'));
  port = await freePort();
  fs.writeFileSync(
    path.join(root, 'rules.yml'),
    ['groups:', '  - name: rba-builtin', '    interval: 1s', '    rules:', '      - alert: RbaPrometheusUp', `        expr: '${EXPR}'`, '        for: 2s', '        labels:', '          severity: info'].join('\n'),
  );
  fs.writeFileSync(
    path.join(root, 'prometheus.yml'),
    ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'rule_files:', '  - rules.yml', 'scrape_configs:', '  - job_name: prometheus', '    static_configs:', `      - targets: ['127.0.0.1:${port}']`].join('\n'),
  );
  child = spawn(PROMETHEUS, [`--config.file=${path.join(root, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(root, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
}, 30_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

async function runTool(tool: AnyTool, input: unknown): Promise<PrometheusAlertOutput> {
  return (await tool.run(tool.input.parse(input), new AbortController().signal, call)).output as PrometheusAlertOutput;
}

describe.skipIf(missing)(`prometheus_alert against a real Prometheus${missing ? ' (skipped: /usr/bin/prometheus is not installed; run scripts/setup-monitoring.sh)' : ''}`, () => {
  it('the firing alert: its expression now and over its window, its selectors, its ALERTS history', { timeout: 120_000 }, async () => {
    const tools = createTools({ workspace: tempDir('rba-ws-'), prometheusUrl: `http://127.0.0.1:${port}` });
    const tool = tools.find((t) => t.name === TOOL.prometheusAlert)!;
    expect(tool).toBeDefined();

    // Firing once the rule has held for 2s; ALERTS then has a firing series.
    const deadline = Date.now() + 90_000;
    let history: PrometheusAlertOutput | undefined;
    for (;;) {
      try {
        history = await runTool(tool, { view: 'history', alertname: 'RbaPrometheusUp' });
        if (history.shown.some((s) => s.labels.alertstate === 'firing')) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`RbaPrometheusUp never fired\n${log.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // A few more scrapes, so the window has several points.
    await new Promise((r) => setTimeout(r, 3000));

    const instance = `127.0.0.1:${port}`;
    const [alert] = normalizeAlerts(
      { labels: { alertname: 'RbaPrometheusUp', severity: 'info', job: 'prometheus', instance }, annotations: { expr: EXPR, for: '1m' }, startsAt: new Date().toISOString() },
      'test',
    );
    const steps = builtinDiagnostics(alert!, builtinAvailability(tools)).filter((s) => s.tool === TOOL.prometheusAlert);
    expect(steps.map((s) => s.id)).toEqual(['builtin-prometheus-now', 'builtin-prometheus-window', 'builtin-prometheus-selectors', 'builtin-prometheus-history']);
    const out = Object.fromEntries(await Promise.all(steps.map(async (s) => [s.id, await runTool(tool, s.input)] as const)));

    const now = out['builtin-prometheus-now']!;
    expect(now).toMatchObject({ view: 'now', resultType: 'vector', series: 1, matching: 1 });
    expect(now.shown[0]).toMatchObject({ labels: { job: 'prometheus', instance }, matchesAlert: true, value: '1' });

    const window = out['builtin-prometheus-window']!;
    expect(window).toMatchObject({ view: 'window', resultType: 'matrix', series: 1, range: { step: '1s' } });
    expect(window.shown[0]!.points).toBeGreaterThanOrEqual(3);
    expect(window.shown[0]).toMatchObject({ matchesAlert: true, min: 1, max: 1, value: '1' });

    const selectors = out['builtin-prometheus-selectors']!;
    expect(selectors.selectors!.map((s) => s.query)).toEqual(['up{job="prometheus"}', 'prometheus_build_info']);
    for (const s of selectors.selectors!) {
      expect(s.series, s.query).toBeGreaterThanOrEqual(1);
      expect(s.shown[0]).toMatchObject({ labels: { instance }, matchesAlert: true });
    }
    expect(selectors.selectors![1]!.shown[0]!.labels.version).toMatch(/^\d+\.\d+/);

    const hist = out['builtin-prometheus-history']!;
    const firing = hist.shown.find((s) => s.labels.alertstate === 'firing')!;
    expect(firing).toMatchObject({ matchesAlert: true, labels: { alertname: 'RbaPrometheusUp', instance, severity: 'info' } });
    expect(firing.intervals!.length).toBeGreaterThanOrEqual(1);
    expect(firing.intervals![0]!.state).toBe('firing');

    // What the card says is what was asked.
    expect(tool.describe!(tool.input.parse(steps[0]!.input))).toBe(`PromQL at this instant: ${EXPR}`);
  });
});
