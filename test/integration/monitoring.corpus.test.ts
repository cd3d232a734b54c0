// Real alert rules from the public corpus, true on this machine, end to end with real parts: Debian's
// node_exporter, Prometheus and Alertmanager on loopback, Alertmanager firing into `runbook-agent serve`, whose
// workspace holds the public runbook of each rule. Rules (test/fixtures/monitoring-corpus/rules.yml, verbatim but
// for `for:`; see the README there):
//   TargetDown (kube-prometheus)             100 * count(up == 0) / count(up) by job > 10: the node-exporter job
//                                            scrapes the real node_exporter and a dead loopback port, so 50.
//   ODFNodeMTULessThan9000 (ocs-operator)    count(node_network_mtu_bytes{device!~"^(veth|...).*"} < 9000) > 0:
//                                            node_exporter reports this machine's interfaces (eth0 1400, ...).
//   Watchdog (kube-prometheus)               vector(1): always firing.
// Each firing alert becomes one workflow planned from its public runbook, with the built-in prometheus_alert
// diagnostics run against the real Prometheus; their values (checked against /sys/class/net and the scrape set-up,
// never against what the engine said) are in the stored record, the panel's view model, `show --json` and `report`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowPanelView } from '../../protocol/agent';
import { panelView } from '../../engine/entry/agent/panelView';
import { openDatabase } from '../../engine/control/db/open';
import { findModel } from '../../engine/memory/model/locate';
import type { PrometheusAlertOutput, SeriesView } from '../../engine/execution/tools/builtin';
import { tempDir } from '../helpers/tmp';
import { PROGRAMS, budget, freePort, logsOf, start, startAlertmanager, startPrometheus, startServe, stopStarted, waitFor, type Started } from '../support/processes';

const FIXTURES = path.resolve('test/fixtures/monitoring-corpus');
const CORPUS = path.resolve('..', 'shared', 'corpus');
const model = findModel(path.resolve('.')).model;
const missing = [...Object.values(PROGRAMS).filter((f) => !fs.existsSync(f)), ...(model ? [] : ['the embedding model (../shared/models/static-ops-embed-256)'])];
const execFileAsync = promisify(execFile);

afterEach(stopStarted);

/** The rules and the public runbook each one links to (its runbook_url resolves to that workspace file). */
const RULES = {
  TargetDown: { runbook: 'prometheus-operator/general/TargetDown.md', labels: { alertname: 'TargetDown', job: 'node-exporter', severity: 'warning' }, runbookUrl: 'https://runbooks.prometheus-operator.dev/runbooks/general/targetdown' },
  ODFNodeMTULessThan9000: {
    runbook: 'openshift/openshift-container-storage-operator/ODFNodeMTULessThan9000.md',
    labels: { alertname: 'ODFNodeMTULessThan9000', component: 'odf', severity: 'info' },
    runbookUrl: 'https://github.com/openshift/runbooks/blob/master/alerts/openshift-container-storage-operator/ODFNodeMTULessThan9000.md',
  },
  Watchdog: { runbook: 'prometheus-operator/general/Watchdog.md', labels: { alertname: 'Watchdog', severity: 'none' }, runbookUrl: 'https://runbooks.prometheus-operator.dev/runbooks/general/watchdog' },
} as const;
type AlertName = keyof typeof RULES;
const NAMES = Object.keys(RULES) as AlertName[];
const BUILTIN = { now: 'builtin-prometheus-now', window: 'builtin-prometheus-window', selectors: 'builtin-prometheus-selectors', history: 'builtin-prometheus-history' } as const;

/** This machine's interfaces as the kernel says (node_exporter reads the same files), without the rule's virtual ones. */
function interfaceMtus(): Map<string, number> {
  const out = new Map<string, number>();
  for (const dev of fs.readdirSync('/sys/class/net')) {
    const file = path.join('/sys/class/net', dev, 'mtu');
    if (/^(veth|docker|flannel|cali|tun|tap).*/.test(dev) || !fs.existsSync(file)) continue;
    out.set(dev, Number(fs.readFileSync(file, 'utf8').trim()));
  }
  return out;
}

const sha16 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);

interface ToolCall {
  stepId: string;
  tool: string;
  status: string;
  result: unknown;
}
interface Shown {
  summary: { state: string; reason: string | null; next: string | null; checked: Array<{ stepId: string; what: string; finding: string; origin?: string; status: string }> };
  workflow: { id: string; state: string };
  request: { source: string; status: string; labels: Record<string, string>; annotations: Record<string, string>; generatorURL?: string };
  plan: { summary: string; steps: Array<{ id: string; tool: string; origin?: string; phase?: string }> };
  toolCalls: ToolCall[];
  snapshot: Array<{ chunkId: string; docId: string; docVersion: string }>;
}

describe.skipIf(missing.length > 0)(`public corpus rules -> Prometheus + node_exporter -> Alertmanager -> runbook-agent serve${missing.length ? ` (skipped: ${missing.join(', ')} missing; scripts/setup-monitoring.sh installs the programs)` : ''}`, () => {
  it('each firing rule is a workflow planned from its public runbook, with the real series values in every view', { timeout: 150_000 }, async () => {
    const mtus = interfaceMtus();
    const below = [...mtus].filter(([, mtu]) => mtu < 9000);
    expect(below.length, `ODFNodeMTULessThan9000 cannot fire here: no interface with MTU < 9000 in ${JSON.stringify([...mtus])}`).toBeGreaterThan(0);

    const root = tempDir('rba-corpus-');
    const workspace = path.join(root, 'ws');
    fs.cpSync(path.join(FIXTURES, 'workspace'), workspace, { recursive: true });
    const dbFile = path.join(root, 'engine.sqlite');
    const tokenFile = path.join(root, 'secrets', 'intake.token');
    // Every port first, so that all four start at once (serve's start, with its index, is the slowest).
    const [nePort, deadPort, amPort, promPort, servePort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    // Until everything fires and settles: about 15 s on 2 busy cores.
    const left = budget(110_000);
    const prometheusUrl = `http://127.0.0.1:${promPort}`;

    const all: Started[] = [];
    const logs = () => logsOf(all);
    const serve = startServe(root, model!.path, ['--workspace', workspace, '--db', dbFile, '--port', String(servePort), '--token-file', tokenFile, '--concurrency', '3', '--prometheus', prometheusUrl]);
    all.push(serve);
    // Only the collector the rules read (node_network_mtu_bytes): a scrape of milliseconds, never timed out on a busy machine.
    all.push(start('node_exporter', PROGRAMS.nodeExporter, [`--web.listen-address=127.0.0.1:${nePort}`, '--collector.disable-defaults', '--collector.netclass']));
    // serve writes the token file before it opens the database; Alertmanager reads it when it sends.
    await waitFor('serve to write its token file', left(), () => (fs.existsSync(tokenFile) ? true : null), logs);
    all.push(startAlertmanager(root, amPort, `http://127.0.0.1:${servePort}/webhook`, tokenFile));
    all.push(startPrometheus(root, promPort, FIXTURES, { __NODE_EXPORTER__: `127.0.0.1:${nePort}`, __DEAD_TARGET__: `127.0.0.1:${deadPort}`, __ALERTMANAGER__: `127.0.0.1:${amPort}` }));

    await waitFor('serve to listen', left(), () => (serve.log.text.includes(`listening on http://127.0.0.1:${servePort} `) ? true : null), logs);
    // Retrieval is hybrid: the embedding model loaded (serve says "bm25 only" when it did not).
    expect(serve.log.text).not.toMatch(/bm25 only/);

    // Each rule fires in Prometheus (its expression is true here), and each firing alert becomes one workflow that
    // gets as far as it can on its own: waiting for a person, escalated or completed.
    const firing = await waitFor('all three rules to fire in Prometheus', left(), async () => {
      const answer = (await fetch(`${prometheusUrl}/api/v1/alerts`).then((r) => r.json()).catch(() => null)) as { data?: { alerts: Array<{ state: string; labels: Record<string, string> }> } } | null;
      const names = (answer?.data?.alerts ?? []).filter((a) => a.state === 'firing').map((a) => a.labels.alertname!);
      return NAMES.every((n) => names.includes(n)) ? names.sort() : null;
    }, logs);
    expect(firing).toEqual([...NAMES].sort());

    const db = openDatabase(dbFile, { readonly: true });
    let ids: Record<AlertName, string>;
    try {
      const rows = await waitFor('a settled workflow for each firing alert', left(), () => {
        const list = db.prepare("SELECT id, state, json_extract(view, '$.request.labels.alertname') AS alertname, json_extract(view, '$.awaitingResolution') AS awaiting FROM workflows").all() as Array<{ id: string; state: string; alertname: string; awaiting: string | null }>;
        const settled = list.filter((w) => ['WAITING_FOR_PERSON', 'ESCALATED', 'COMPLETED'].includes(w.state) || (w.state === 'VALIDATING' && w.awaiting !== null));
        return NAMES.every((n) => settled.some((w) => w.alertname === n)) ? list : null;
      }, logs);
      // One workflow per firing alert, though Prometheus re-sends each every second.
      expect(rows.map((r) => r.alertname).sort()).toEqual([...NAMES].sort());
      ids = Object.fromEntries(rows.map((r) => [r.alertname, r.id])) as Record<AlertName, string>;
    } finally {
      db.close();
    }
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    await stopStarted(); // Prometheus, Alertmanager, node_exporter: what follows reads the record only

    // The record, as `show --json` and `report` print it, and the panel's view model built from the stored view.
    const cli = async (...args: string[]) => (await execFileAsync(process.execPath, ['bin/runbook-agent.js', ...args, '--db', dbFile], { maxBuffer: 32 * 1024 * 1024 })).stdout;
    const shown = Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, JSON.parse(await cli('show', ids[n], '--json')) as Shown] as const))) as Record<AlertName, Shown>;
    const reports = Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await cli('report', ids[n])] as const))) as Record<AlertName, string>;
    const reader = openDatabase(dbFile, { readonly: true });
    let panels: Record<AlertName, WorkflowPanelView>;
    try {
      panels = Object.fromEntries(NAMES.map((n) => [n, panelView(reader, ids[n], null)])) as Record<AlertName, WorkflowPanelView>;
    } finally {
      reader.close();
    }

    /** A built-in's output, checked to be the same in the tool-call record and in the panel's step. */
    const output = (name: AlertName, stepId: string): PrometheusAlertOutput => {
      const call = shown[name].toolCalls.find((c) => c.stepId === stepId);
      expect(call, `${name}: ${stepId} ran`).toMatchObject({ tool: 'prometheus_alert', status: 'done' });
      const step = panels[name].steps.find((s) => s.id === stepId)!;
      expect(step, `${name}: ${stepId} in the panel`).toMatchObject({ tool: 'prometheus_alert', status: 'done', phase: 'diagnose', risk: 'read', error: null });
      expect(JSON.parse(step.output!)).toEqual(call!.result);
      return call!.result as PrometheusAlertOutput;
    };
    const byLabel = (series: readonly SeriesView[], label: string) => Object.fromEntries(series.map((s) => [s.labels[label], s]));

    for (const name of NAMES) {
      const { request, plan, snapshot, summary } = shown[name];
      const rule = RULES[name];
      // The alert as Alertmanager sent it: the rule's labels and its upstream runbook_url, with the expression
      // in the generator URL (the built-ins read it from there).
      expect(request).toMatchObject({ source: 'alertmanager', status: 'firing', labels: rule.labels, annotations: { runbook_url: rule.runbookUrl } });
      expect(request.generatorURL).toMatch(new RegExp(`^http://[^/]+:${promPort}/graph\\?g0\\.expr=`));
      // The chosen runbook is the public runbook file, by its link (TargetDown: not the openshift page of the same name).
      expect(plan.summary).toMatch(new RegExp(`^Runbook ${rule.runbook.replaceAll('.', '\\.')}: annotations\\.runbook_url ${rule.runbookUrl.replaceAll('.', '\\.')} matches ${rule.runbook.replaceAll('.', '\\.')}\\.`));
      expect(snapshot.find((h) => h.chunkId === 'runbook')).toMatchObject({ docId: rule.runbook, docVersion: sha16(path.join(workspace, rule.runbook)) });
      expect(panels[name].sources.some((s) => s.path === rule.runbook)).toBe(true);
      // The built-ins are in the plan, marked as such, and ran.
      const builtins = plan.steps.filter((s) => s.origin === 'builtin').map((s) => s.id);
      expect(builtins).toEqual(name === 'Watchdog' ? [BUILTIN.now, BUILTIN.window, BUILTIN.history] : Object.values(BUILTIN));
      for (const id of builtins) output(name, id);
      expect(summary.checked.filter((c) => c.origin === 'builtin').map((c) => [c.stepId, c.status])).toEqual(builtins.map((id) => [id, 'ok']));
      // Each alert's history shows it firing.
      const history = output(name, BUILTIN.history);
      const fired = history.shown.find((s) => s.labels.alertstate === 'firing');
      expect(fired, `${name}: ALERTS shows it firing`).toMatchObject({ matchesAlert: true, labels: { alertname: name } });
      expect(fired!.intervals!.at(-1)!.state).toBe('firing');
      const historyLine = reports[name].split('\n').find((l) => l.includes(`PromQL over the last 24h, every 60s: ALERTS{alertname="${name}"} (built in): `));
      expect(historyLine, `${name}: the report says when it fired`).toMatch(/alertstate="firing".* firing \d{4}-\d\d-\d\dT[\d:.]+Z to \d{4}-/);
      // Never an escalation, or any other stop, that leaves a person without a next step.
      expect(['WAITING_FOR_PERSON', 'ESCALATED', 'COMPLETED', 'VALIDATING']).toContain(summary.state);
      if (summary.state !== 'COMPLETED') {
        expect(summary.next, `${name} (${summary.state}: ${summary.reason}) says what to do next`).toEqual(expect.any(String));
        expect(reports[name]).toContain(`next: ${summary.next}`);
      }
      if (summary.state === 'ESCALATED') expect(summary.reason, `${name} escalated: it says why`).toEqual(expect.stringMatching(/\S/));
    }

    // TargetDown: one of the node-exporter job's two targets is a dead port, so 100 * 1 / 2 = 50, and `up` is 1
    // for node_exporter and 0 for the dead port.
    const down = String((100 * 1) / 2);
    expect(output('TargetDown', BUILTIN.now)).toMatchObject({ view: 'now', series: 1, matching: 1 });
    expect(output('TargetDown', BUILTIN.now).shown).toEqual([{ labels: { job: 'node-exporter' }, matchesAlert: true, value: down }]);
    const window = output('TargetDown', BUILTIN.window);
    expect(window.shown[0], 'the window ends now, with the value the alert fired on').toMatchObject({ labels: { job: 'node-exporter' }, matchesAlert: true, value: down });
    const up = output('TargetDown', BUILTIN.selectors).selectors!;
    expect(up.map((s) => s.query)).toEqual(['up']);
    const targets = byLabel(up[0]!.shown, 'instance');
    expect(targets[`127.0.0.1:${nePort}`]).toMatchObject({ labels: { job: 'node-exporter' }, value: '1' });
    expect(targets[`127.0.0.1:${deadPort}`]).toMatchObject({ labels: { job: 'node-exporter' }, value: '0' });
    expect(reports.TargetDown).toContain(`PromQL at this instant: 100 * (count by (cluster, job, namespace, service) (up == 0) / count by (cluster, job, namespace, service) (up)) > 10 (built in): 1 series: {job="node-exporter"} ${down}`);
    expect(reports.TargetDown).toMatch(new RegExp(`\\{instance="127\\.0\\.0\\.1:${nePort}"\\} 1 .*\\{instance="127\\.0\\.0\\.1:${deadPort}"\\} 0|\\{instance="127\\.0\\.0\\.1:${deadPort}"\\} 0 .*\\{instance="127\\.0\\.0\\.1:${nePort}"\\} 1`));

    // ODFNodeMTULessThan9000: node_exporter's node_network_mtu_bytes is this machine's /sys/class/net/*/mtu.
    expect(output('ODFNodeMTULessThan9000', BUILTIN.now).shown).toEqual([{ labels: {}, matchesAlert: false, value: String(below.length) }]);
    const [mtuSelector] = output('ODFNodeMTULessThan9000', BUILTIN.selectors).selectors!;
    expect(mtuSelector!.query).toBe('node_network_mtu_bytes{device!~"^(veth|docker|flannel|cali|tun|tap).*"}');
    const devices = byLabel(mtuSelector!.shown, 'device');
    expect(Object.keys(devices).sort()).toEqual([...mtus.keys()].sort());
    for (const [dev, mtu] of mtus) expect(devices[dev], dev).toMatchObject({ labels: { job: 'node-exporter', instance: `127.0.0.1:${nePort}` }, value: String(mtu) });
    const odfReport = reports.ODFNodeMTULessThan9000;
    expect(odfReport).toContain(`(built in): 1 series: {} ${below.length}`);
    // Prometheus sorts a range answer by its labels, here by device name (bytewise); the report lists the first ones.
    const [firstDev, firstMtu] = [...mtus].sort(([a], [b]) => (a < b ? -1 : 1))[0]!;
    expect(odfReport).toContain(`{device="${firstDev}"} ${firstMtu}`);
    // The runbook asks for a node name before `oc debug`: the built-ins ran before that question, which now waits.
    const odf = shown.ODFNodeMTULessThan9000;
    const ids0 = odf.plan.steps.map((s) => s.id);
    expect(ids0.indexOf(BUILTIN.history)).toBeLessThan(ids0.indexOf('ask-node'));
    expect(odf.summary).toMatchObject({ state: 'WAITING_FOR_PERSON', next: expect.stringMatching(/^answer: What value should replace <node-name>/) });

    // Watchdog: vector(1), from the server.
    expect(output('Watchdog', BUILTIN.now).shown).toEqual([{ labels: {}, matchesAlert: false, value: '1' }]);
    expect(reports.Watchdog).toContain('PromQL at this instant: vector(1) (built in): 1 series: {} 1');
  });

});

const corpusMissing = !fs.existsSync(path.join(CORPUS, 'rules'));
describe.skipIf(corpusMissing)(`the fixtures of this test${corpusMissing ? ' (skipped: ../shared/corpus is not there to compare with)' : ''}`, () => {
  it('the rules and runbooks are the public corpus, verbatim but for `for:`', () => {
    const lines = fs.readFileSync(path.join(FIXTURES, 'rules.yml'), 'utf8').split('\n');
    const withoutFor = (block: string[]) => block.filter((l) => !/^\s+for:/.test(l));
    let source: string[] = [];
    const checked: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const from = /^\s*# ([\w.-]+)\/([\w.-]+)@[0-9a-f]+: (\S+), group /.exec(lines[i]!);
      if (from) source = fs.readFileSync(path.join(CORPUS, 'rules', `${from[1]}__${from[2]}`, from[3]!), 'utf8').split('\n');
      const alert = /^(\s*)- alert: (\S+)$/.exec(lines[i]!);
      if (!alert) continue;
      let end = i + 1;
      while (end < lines.length && lines[end]!.startsWith(`${alert[1]}  `)) end++;
      const block = lines.slice(i, end);
      const at = source.indexOf(lines[i]!);
      expect(at, `${alert[2]} is in its source file`).toBeGreaterThanOrEqual(0);
      expect(withoutFor(block), alert[2]).toEqual(withoutFor(source.slice(at, at + block.length)));
      expect(source[at + block.length] ?? '', `${alert[2]}: nothing of the rule left out`).not.toMatch(new RegExp(`^${alert[1]}  `));
      // Only shortened: a few seconds instead of minutes.
      for (const f of block.filter((l) => /^\s+for:/.test(l))) expect(f).toMatch(/for: [0-5]s$/);
      checked.push(alert[2]!);
    }
    expect(checked).toEqual(['TargetDown', 'Watchdog', 'ODFNodeMTULessThan9000']);
    const runbooks = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? runbooks(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    const copied = runbooks(path.join(FIXTURES, 'workspace'));
    expect(copied.sort()).toEqual([...new Set([...Object.values(RULES).map((r) => r.runbook), 'openshift/cluster-monitoring-operator/TargetDown.md'])].sort());
    for (const f of copied) expect(fs.readFileSync(path.join(FIXTURES, 'workspace', f), 'utf8'), f).toBe(fs.readFileSync(path.join(CORPUS, 'runbooks', f), 'utf8'));
  });
});
