import { describe, expect, it } from 'vitest';
import { askPersonTool } from '../../../engine/tools/askPerson';
import { createTools, ToolOptions } from '../../../engine/tools/catalogue';
import { TOOL } from '../../../engine/tools/names';
import { ClassifiedError } from '../../../engine/workflow/failures';
import { ToolRegistry } from '../../../engine/workflow/tool';

const call = { key: 'k', workflowId: 'wf', stepId: 's' };

describe('createTools', () => {
  it('builds shell, http_request, read_file and ask_person, and promql_query only with a Prometheus URL', () => {
    expect(createTools({ workspace: '/srv/ws' }).map((t) => t.name)).toEqual([TOOL.shell, TOOL.http, TOOL.readFile, TOOL.ask]);
    const all = createTools({ workspace: '/srv/ws', prometheusUrl: 'http://prometheus:9090' });
    expect(all.map((t) => t.name)).toEqual([TOOL.shell, TOOL.http, TOOL.readFile, TOOL.ask, TOOL.promql]);
    expect(new ToolRegistry(all).names()).toHaveLength(5);
  });

  it('fills defaults', () => {
    expect(ToolOptions.parse({ workspace: '/srv/ws' })).toEqual({ workspace: '/srv/ws', allowedHosts: [], outputCapBytes: 65_536, passEnv: [] });
  });

  it('names the bad option when the options are invalid', () => {
    expect(() => createTools({ workspace: 'relative/ws' })).toThrow(/invalid tool options: workspace: must be an absolute path/);
    expect(() => createTools({ workspace: '/ws', prometheusUrl: 'ftp://prom' })).toThrow(/prometheusUrl/);
    expect(() => createTools({ workspace: '/ws', outputCapBytes: 0 })).toThrow(/outputCapBytes/);
    expect(() => createTools({ workspace: '/ws', extra: 1 } as never)).toThrow(/invalid tool options/);
  });

  it('gives every tool a strict input schema', () => {
    const minimal: Record<string, Record<string, unknown>> = {
      [TOOL.shell]: { command: 'true' },
      [TOOL.http]: { url: 'http://a.example/' },
      [TOOL.readFile]: { path: 'a' },
      [TOOL.ask]: { name: 'a', question: 'q?' },
      [TOOL.promql]: { query: 'up' },
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
