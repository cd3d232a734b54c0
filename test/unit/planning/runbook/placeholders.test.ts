// Placeholder filling in every quoting context: a hostile value must reach the program as exactly one
// argument (checked with the real shell parser), and a value that cannot be placed safely becomes a question.
import { describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../../../engine/control/alert';
import { answerName, fillPlaceholders, valueFor } from '../../../../engine/planning/runbook';
import { findPlaceholders } from '../../../../engine/memory/runbook';
import { conventionsOf } from '../../../../engine/planning/runbook/values';
import type { Placeholder } from '../../../../engine/memory/runbook';
import { answerMarker } from '../../../../engine/control/workflow/answers';
import { argvs, context, FIXTURES, NO_PROMQL, plan } from './helpers';

const HOSTILE_VALUE = `a'b "c" $(rm -rf /) \`id\` ; reboot\nnext`;
const alertWith = (labels: Record<string, string>) => normalizeAlerts({ alertname: 'QuotingTest', labels })[0]!;
const byId = async (labels: Record<string, string>, tools = context(FIXTURES).tools) => {
  const { steps } = await plan(context(FIXTURES, { tools }), alertWith(labels));
  return Object.fromEntries(steps.map((s) => [s.id, s]));
};

describe('names and values', () => {
  const p = (form: Placeholder['form'], name: string): Placeholder => ({ form, raw: name, name });
  const a = alertWith({ namespace: 'shop', pod: 'web-1', 'node-name': 'n1', app: 'cart' });

  it('one answer name for every spelling of a value', () => {
    expect(answerName(p('env', 'NAMESPACE'))).toBe('namespace');
    expect(answerName(p('angle', 'namespace'))).toBe('namespace');
    expect(answerName(p('template', 'labels.namespace'))).toBe('namespace');
    expect(answerName(p('angle', 'value of namespace label from alert'))).toBe('namespace');
    expect(answerName(p('angle', 'pod-name'))).toBe('pod');
    expect(answerName(p('env', 'POD_NAME'))).toBe('pod');
    expect(answerName(p('env', 'NAME'))).toBe('name');
    expect(answerName(p('template', 'value'))).toBe('value');
  });

  it('matches label keys case-insensitively with - and _ alike, and never guesses', () => {
    expect(valueFor(p('env', 'NAMESPACE'), a)).toBe('shop');
    expect(valueFor(p('angle', 'pod-name'), a)).toBe('web-1');
    expect(valueFor(p('env', 'NODE_NAME'), a)).toBe('n1');
    expect(valueFor(p('template', 'labels.app'), a)).toBe('cart');
    expect(valueFor(p('template', 'externalLabels.cluster'), a)).toBeUndefined();
    expect(valueFor(p('env', 'CLUSTER'), a)).toBeUndefined();
    expect(valueFor(p('template', 'value'), a)).toBeUndefined();
    expect(valueFor(p('template', 'value'), { ...a, annotations: { value: '42' } })).toBe('42');
  });
});

describe('placeholder conventions', () => {
  const p = (form: Placeholder['form'], name: string): Placeholder => ({ form, raw: name, name });
  it('maps the spellings runbooks use to the labels alerts carry, with the runbook\'s own names first', () => {
    const a = alertWith({ namespace: 'shop', instance: '10.0.0.7:9100', persistentvolumeclaim: 'data-0', statefulset: 'db', datname: 'orders' });
    expect(valueFor(p('env', 'NS'), a)).toBe('shop');
    expect(valueFor(p('angle', 'project'), a)).toBe('shop');
    expect(valueFor(p('env', 'NODE'), a)).toBe('10.0.0.7');
    expect(valueFor(p('env', 'NODE_NAME'), a)).toBe('10.0.0.7');
    expect(valueFor(p('env', 'INSTANCE'), a)).toBe('10.0.0.7:9100');
    expect(valueFor(p('env', 'PVC'), a)).toBe('data-0');
    expect(valueFor(p('env', 'STS'), a)).toBe('db');
    expect(valueFor(p('env', 'DB'), a)).toBeUndefined();
    expect(valueFor(p('env', 'DB'), a, conventionsOf({ placeholders: 'DB=datname, TOPIC=topic' }))).toBe('orders');
    // A label named like the placeholder wins over a convention; a missing one is still a question.
    expect(valueFor(p('env', 'NODE'), alertWith({ node: 'worker-1', instance: '10.0.0.7:9100' }))).toBe('worker-1');
    expect(valueFor(p('env', 'CONTAINER'), a)).toBeUndefined();
  });

  it('a generic $NAME after a kind names that object', async () => {
    const filled = (command: string, labels: Record<string, string>) =>
      fillPlaceholders(command, findPlaceholders(command, { shell: true }), alertWith(labels), 'shell').text;
    expect(filled('kubectl -n $NAMESPACE describe deployment $NAME', { namespace: 'shop', deployment: 'checkout' })).toBe('kubectl -n shop describe deployment checkout');
    expect(filled('kubectl rollout history statefulset/$NAME', { statefulset: 'db' })).toBe('kubectl rollout history statefulset/db');
    expect(filled('kubectl describe deployment $NAME', { statefulset: 'db' })).toBe('kubectl describe deployment {{answer:name}}');
  });

  it('after a kind, the kind\'s label wins over the placeholder\'s own name ($JOB of a Job is job_name, not the scrape job)', async () => {
    const filled = (command: string, labels: Record<string, string>) =>
      fillPlaceholders(command, findPlaceholders(command, { shell: true }), alertWith(labels), 'shell').text;
    const labels = { namespace: 'billing', job: 'kube-state-metrics', job_name: 'invoice-export-1' };
    expect(filled('kubectl -n $NAMESPACE describe jobs $JOB', labels)).toBe('kubectl -n billing describe jobs invoice-export-1');
    expect(filled('kubectl logs job/$JOB', labels)).toBe('kubectl logs job/invoice-export-1');
    // Elsewhere $JOB is still the scrape job.
    expect(filled('curl -s "http://prometheus/api/v1/targets?job=$JOB"', labels)).toBe('curl -s "http://prometheus/api/v1/targets?job=kube-state-metrics"');
  });
});

describe('filling commands', () => {
  it('puts plain values in place in every context', async () => {
    const s = await byId({ namespace: 'shop', pod: 'web-1', app: 'cart', node: 'n1', max_restarts: '3' });
    expect(s.plain!.input.command).toBe('kubectl -n shop get pod web-1');
    // A plain word needs no quoting anywhere: it goes in as it is, inside the author's quotes.
    // The alert's namespace goes in where the runbook names none (namespace.ts).
    expect(s.double!.input.command).toBe('kubectl get pod "web-1" -o "jsonpath={.status.phase}" -l "app=cart" -n shop');
    expect(s.single!.input.command).toBe(`kubectl get pods -o json -n shop | jq '.items[] | select(.metadata.name == "web-1")'`);
    expect(s.heredoc!.input.command).toBe('cat <<END_OF_TEXT\npod web-1\nEND_OF_TEXT');
    // Arguments of a command take plain words; program text (jq's) and heredocs get the value, and a person's look.
    for (const id of ['plain', 'double', 'backticks', 'unknown']) expect(s[id]!.approval, id).toBe(false);
    expect(s.single).toMatchObject({ approval: true, rationale: expect.stringContaining('lands in the jq program') });
    expect(s.heredoc).toMatchObject({ approval: true, rationale: expect.stringContaining('lands in a heredoc') });
    expect(s.backticks!.input.command).toBe('echo `kubectl get pod web-1 -o name -n shop`');
    expect(s.unknown!.input.command).toBe('kubectl describe node n1\nkubectl get events --field-selector involvedObject.name=n1');
    expect(s.latency!.input.query).toBe('histogram_quantile(0.99, rate(http_request_duration_seconds_bucket{namespace="shop", pod=~"web-1"}[5m]))');
    expect(s.count).toMatchObject({ phase: 'verify', check: { lessThan: 3, contains: 'Running' } });
    expect(Object.values(s).some((x) => x.tool === 'ask_person')).toBe(false);
  });

  it('keeps a hostile value one argument wherever it lands', async () => {
    const s = await byId({ namespace: HOSTILE_VALUE, pod: HOSTILE_VALUE, app: HOSTILE_VALUE, node: 'n1', max_restarts: '3' });
    const args = (id: string) => argvs(s[id]!.input.command!);
    expect(args('plain')).toEqual([[{ text: 'kubectl', dynamic: false }, { text: '-n', dynamic: false }, { text: HOSTILE_VALUE, dynamic: false }, { text: 'get', dynamic: false }, { text: 'pod', dynamic: false }, { text: HOSTILE_VALUE, dynamic: false }]]);
    const double = args('double')[0]!.map((w) => w.text);
    expect(double).toEqual(['kubectl', 'get', 'pod', HOSTILE_VALUE, '-o', 'jsonpath={.status.phase}', '-l', `app=${HOSTILE_VALUE}`]);
    expect(args('double')[0]!.every((w) => !w.dynamic)).toBe(true);
    // Inside jq's single-quoted program the value is a jq string's content; the shell sees one argument.
    const jq = args('single')[1]!;
    expect(jq.map((w) => w.dynamic)).toEqual([false, false]);
    expect(jq[1]!.text).toBe(`.items[] | select(.metadata.name == "${HOSTILE_VALUE}")`);
    // $( ) inside double quotes starts a fresh quoting context: the inner command still gets one argument.
    const inner = args('subst').find((a) => a[0]!.text === 'kubectl')!;
    expect(inner.map((w) => w.text)).toEqual(['kubectl', 'get', 'pod', '-n', HOSTILE_VALUE, '-o', 'name']);
    expect(s['delete-pod']).toMatchObject({ risk: 'write' });
    // Every step that took the hostile value waits for a person, who sees it escaped.
    for (const id of ['plain', 'double', 'single', 'subst', 'delete-pod']) expect(s[id]!.approval, id).toBe(true);
    expect(s.plain!.rationale).toContain(`the alert's value for namespace ${JSON.stringify(HOSTILE_VALUE)} is not a plain word`);
    expect(args('delete-pod')[0]!.map((w) => w.text)).toEqual(['kubectl', 'delete', 'pod', HOSTILE_VALUE, '-n', HOSTILE_VALUE]);
  });

  it('asks instead of inserting a value where quoting cannot hold it (heredoc, backticks)', async () => {
    const s = await byId({ namespace: 'shop', pod: HOSTILE_VALUE, app: 'cart', node: 'n1', max_restarts: '3' });
    expect(s.heredoc!.input.command).toBe(`cat <<END_OF_TEXT\npod ${answerMarker('pod')}\nEND_OF_TEXT`);
    expect(s.backticks!.input.command).toBe(`echo \`kubectl get pod ${answerMarker('pod')} -o name -n shop\``);
    expect(s['ask-pod']).toMatchObject({ tool: 'ask_person', input: { name: 'pod' } });
  });

  it('leaves defaults, well-known and assigned variables alone', async () => {
    const s = await byId({ namespace: 'shop', pod: 'p', app: 'a', node: 'n1', max_restarts: '3', log_dir: '/evil', n: '9', home: '/x' });
    expect(s.defaults!.input.command).toBe('ls ${LOG_DIR:-/var/log} $HOME\nN=3; tail -n $N /var/log/syslog');
  });

  it('asks once per missing value, before the first step that needs it, with markers in its place', async () => {
    const { steps, summary } = await plan(context(FIXTURES), alertWith({}));
    const asks = steps.filter((s) => s.tool === 'ask_person');
    // The verification's threshold the alert lacks is asked for too (a number), not dropped for a weaker check.
    expect(asks.map((s) => s.input.name)).toEqual(['namespace', 'pod', 'app', 'node', 'max_restarts']);
    expect(asks.at(-1)).toMatchObject({ input: { expects: 'number' } });
    for (const ask of asks) {
      const at = steps.indexOf(ask);
      const next = steps.slice(at + 1).find((s) => s.tool !== 'ask_person')!;
      expect(JSON.stringify([next.input, next.check])).toContain(answerMarker(ask.input.name!));
      expect(steps.slice(0, at).some((s) => JSON.stringify(s.input).includes(answerMarker(ask.input.name!)))).toBe(false);
    }
    const plain = steps.find((s) => s.id === 'plain')!;
    expect(plain.input.command).toBe(`kubectl -n ${answerMarker('namespace')} get pod ${answerMarker('pod')}`);
    // The marker stands where the value would; the answer is placed by the same rules when the step runs.
    expect(steps.find((s) => s.id === 'double')!.input.command).toBe(`kubectl get pod "${answerMarker('pod')}" -o "jsonpath={.status.phase}" -l "app=${answerMarker('app')}"`);
    expect(steps.find((s) => s.id === 'count')!.check).toEqual({ contains: 'Running', lessThan: answerMarker('max_restarts') });
    expect(summary).not.toMatch(/expect lessThan/);
  });

  it('skips PromQL steps without the PromQL tool, and says so', async () => {
    const { steps, summary } = await plan(context(FIXTURES, { tools: NO_PROMQL }), alertWith({ namespace: 'shop', pod: 'p' }));
    expect(steps.some((s) => s.id === 'latency')).toBe(false);
    expect(summary).toContain('skipped 1 PromQL step(s): no promql_query tool');
  });
});
