// Shell fences that hold no shell, as public runbooks write them: PromQL pasted into a `sh` block (OpenShift's
// etcd and API server runbooks) and a block of what a command printed (TargetDown's `notAfter=…`).
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../engine/memory/runbook';
import { shellBlockIs } from '../../../engine/memory/runbook/notShell';

const md = (...lines: string[]) => lines.join('\n');

describe('a shell fence that holds no shell', () => {
  it('tells a query and output from shell', () => {
    expect(shellBlockIs('sum(rate(grpc_server_handled_total{job="etcd", grpc_code=~"Unknown|Internal"}[5m])) without (grpc_type)\n/\nsum(rate(grpc_server_handled_total{job="etcd"}[5m])) without (grpc_type) * 100 > 10')).toBe('promql');
    expect(shellBlockIs('rate(ocs_rbd_children_count[30m]) > 10')).toBe('promql');
    expect(shellBlockIs('notAfter=Aug  6 13:11:20 2025 GMT')).toBe('output');
    expect(shellBlockIs('0 3 * * * /usr/local/bin/backup.sh')).toBe('output');
    // Shell stays shell: a query passed to a program, an assignment, a command that does not parse any other way.
    expect(shellBlockIs(`promtool query instant http://localhost:9090 'rate(http_requests_total[5m])'`)).toBe('shell');
    expect(shellBlockIs('NAMESPACE=openshift-monitoring')).toBe('shell');
    expect(shellBlockIs('kubectl get pods | grep -v Running')).toBe('shell');
    expect(shellBlockIs('echo "unterminated')).toBe('shell');
  });

  it('plans a query as a PromQL step and output as no step, with a warning for each', () => {
    const r = parseRunbook(
      md(
        '# Runbook',
        '## Diagnosis',
        '```sh',
        '# the failing share',
        'sum(rate(apiserver_request_total{code=~"5.."}[5m])) / sum(rate(apiserver_request_total[5m]))',
        '```',
        '```shell',
        'openssl x509 -noout -enddate -in certificate.crt',
        '```',
        '```shell',
        'notAfter=Aug  6 13:11:20 2025 GMT',
        '```',
      ),
    );
    expect(r.steps.map((s) => [s.kind, s.command])).toEqual([
      ['promql', 'sum(rate(apiserver_request_total{code=~"5.."}[5m])) / sum(rate(apiserver_request_total[5m]))'],
      ['shell', 'openssl x509 -noout -enddate -in certificate.crt'],
    ]);
    expect(r.warnings.map((w) => [w.line, w.message])).toEqual([
      [3, 'sh block holds a PromQL query, not shell; it is planned as a query'],
      [10, 'shell block reads as output, not a command (`notAfter=Aug  6 13:11:20 2025 GMT` names no program); it is not planned'],
    ]);
  });
});
