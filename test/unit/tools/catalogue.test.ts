import { describe, expect, it } from 'vitest';
import { askPersonTool } from '../../../engine/execution/tools/askPerson';
import { createTools, ToolOptions } from '../../../engine/execution/tools/catalogue';
import { TOOL } from '../../../engine/execution/tools/names';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { ToolRegistry } from '../../../engine/control/workflow/tool';

const call = { key: 'k', workflowId: 'wf', stepId: 's' };

describe('createTools', () => {
  it('builds shell, http_request, read_file, ask_person and checklist, promql_query and prometheus_alert only with a Prometheus URL, host on Linux', () => {
    // k8s depends on this machine (kubectl with a context): engine/execution/tools/builtin tests cover it.
    const names = (o: Parameters<typeof createTools>[0]) => createTools(o).map((t) => t.name).filter((n) => n !== TOOL.k8s);
    const host = process.platform === 'linux' ? [TOOL.host] : [];
    expect(names({ workspace: '/srv/ws' })).toEqual([TOOL.shell, TOOL.http, TOOL.readFile, TOOL.ask, TOOL.checklist, ...host]);
    const all = createTools({ workspace: '/srv/ws', prometheusUrl: 'http://prometheus:9090' });
    expect(names({ workspace: '/srv/ws', prometheusUrl: 'http://prometheus:9090' })).toEqual([TOOL.shell, TOOL.http, TOOL.readFile, TOOL.ask, TOOL.checklist, TOOL.promql, TOOL.prometheusAlert, ...host]);
    expect(new ToolRegistry(all).names()).toHaveLength(all.length);
  });

  it('fills defaults', () => {
    expect(ToolOptions.parse({ workspace: '/srv/ws' })).toEqual({ workspace: '/srv/ws', allowedHosts: [], outputCapBytes: 65_536, passEnv: [] });
  });

  it('names the bad option when the options are invalid', () => {
    expect(() => createTools({ workspace: 'relative/ws' })).toThrow(/invalid tool options: workspace: must be an absolute path/);
    expect(() => createTools({ workspace: '/ws', prometheusUrl: 'ftp://prom' })).toThrow(/prometheusUrl/);
    expect(() => createTools({ workspace: '/ws', outputCapBytes: 0 })).toThrow(/outputCapBytes/);
    expect(() => createTools({ workspace: '/ws', extra: 1 } as never)).toThrow(/invalid tool options/);
    expect(() => createTools({ workspace: '/ws', kubeconfig: 'relative/config' })).toThrow(/kubeconfig: must be an absolute path/);
    expect(() => createTools({ workspace: '/ws', kubeContext: 'a\nb' })).toThrow(/kubeContext/);
  });

  it('gives every tool a strict input schema', () => {
    const minimal: Record<string, Record<string, unknown>> = {
      [TOOL.shell]: { command: 'true' },
      [TOOL.http]: { url: 'http://a.example/' },
      [TOOL.readFile]: { path: 'a' },
      [TOOL.ask]: { name: 'a', question: 'q?' },
      [TOOL.promql]: { query: 'up' },
      [TOOL.checklist]: { name: 'a', item: 'Tell the team' },
      [TOOL.prometheusAlert]: { view: 'history', alertname: 'Up' },
      [TOOL.host]: { op: 'uptime' },
      [TOOL.k8s]: { verb: 'get', kind: 'node', name: 'node-1' },
    };
    for (const t of createTools({ workspace: '/srv/ws', prometheusUrl: 'http://prometheus:9090' })) {
      expect(t.input.safeParse(minimal[t.name]).success, t.name).toBe(true);
      expect(t.input.safeParse({ ...minimal[t.name], unexpected: 1 }).success, t.name).toBe(false);
    }
  });

  it('passes the allow list on: the default refuses every request', async () => {
    const http = createTools({ workspace: '/srv/ws' }).find((t) => t.name === TOOL.http)!;
    const e = await http.run(http.input.parse({ url: 'http://127.0.0.1:1/' }), new AbortController().signal, call).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClassifiedError);
    expect((e as ClassifiedError).failureClass).toBe('policy');
  });
});

describe('ask_person', () => {
  const t = askPersonTool();

  it('is answered by the orchestrator, never run', async () => {
    await expect(t.run({ name: 'ticket', question: 'Which ticket?' }, new AbortController().signal, call)).rejects.toThrow('ask_person is answered by a person, not run');
  });

  it('describes itself by the question and takes a plain answer name', () => {
    expect(t).toMatchObject({ name: 'ask_person', risk: 'read', toolClass: 'other', idempotent: true });
    expect(t.describe!({ name: 'ticket', question: 'Which ticket?' })).toBe('Which ticket?');
    expect(t.input.safeParse({ name: 'incident.ticket-id_2', question: 'q' }).success).toBe(true);
    expect(t.input.safeParse({ name: 'has space', question: 'q' }).success).toBe(false);
    expect(t.input.safeParse({ name: 'a'.repeat(101), question: 'q' }).success).toBe(false);
    expect(t.input.safeParse({ name: 'a', question: '' }).success).toBe(false);
    expect(t.input.safeParse({ name: 'a', question: 'q'.repeat(1001) }).success).toBe(false);
  });
});
