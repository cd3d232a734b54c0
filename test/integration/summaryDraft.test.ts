import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { panelView } from '../../engine/entry/agent/panelView';
import { openDatabase } from '../../engine/control/db/open';
import { eventsOf } from '../../engine/control/store/sqlite/eventLog';
import { loadView } from '../../engine/control/store/sqlite/commit';
import { DECISION, PLAN, SUMMARY, ScriptedLlm, decision, observationIds, summaryOf } from '../support/scriptedLlm';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');

let server: ScriptedLlm | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The real CLI (a child process, so the scripted model server in this process can answer it) on the demo workspace. */
async function triage(llm: ScriptedLlm) {
  const root = tempDir('rba-summary-draft-');
  const workspace = path.join(root, 'ws');
  fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
  const db = path.join(root, 'engine.sqlite');
  const alert = path.join(root, 'alert.json');
  fs.writeFileSync(alert, JSON.stringify({ alertname: 'DemoHighErrorRate', labels: { service: 'pricing' } }));
  const args = ['bin/runbook-agent.js', 'triage', '--workspace', workspace, '--alert', alert, '--db', db, '--json', '--llm-url', llm.baseUrl, '--llm-model', 'scripted-7b'];
  const { stdout } = await run(process.execPath, args, { env: { ...process.env, XDG_CONFIG_HOME: root, RUNBOOK_AGENT_MODEL: modelDir } });
  const id = (JSON.parse(stdout) as { workflow: { id: string } }).workflow.id;
  const handle = openDatabase(db);
  try {
    return { view: loadView(handle, id)!, panel: panelView(handle, id, null), drafted: eventsOf(handle, id).filter((e) => e.type === 'summary_drafted') };
  } finally {
    handle.close();
  }
}

describe.skipIf(!fs.existsSync(modelDir))('a model drafts the incident summary of a settled workflow', () => {
  it('keeps only claims that cite a real observation, records what it dropped, and is asked once', async () => {
    server = await ScriptedLlm.start();
    // Whatever the route, the model has nothing to change in the plan's decisions.
    server.always(DECISION, decision());
    server.always(PLAN, { kind: 'status', status: 503, message: 'plans come from the runbook in this test' });
    server.scriptFor(SUMMARY, {
      kind: 'reply',
      reply: (request) => {
        const [first] = observationIds(request);
        return summaryOf([
          { text: 'The pricing flag was already off, so the mitigation was not needed.', cites: [first!] },
          { text: 'The database was the root cause.', cites: [] },
          { text: 'Someone restarted the service.', cites: ['tc:ffffffffffff'] },
        ]);
      },
    });
    const { view, panel, drafted } = await triage(server);
    expect(['COMPLETED', 'ESCALATED']).toContain(view.state);
    expect(server.requestsFor(SUMMARY)).toHaveLength(1);
    // The panel gets the draft too (webview/views/summary.ts shows it under the engine's own summary).
    expect(panel.summaryDraft).toEqual(view.summaryDraft);
    expect(drafted).toHaveLength(1);
    const draft = view.summaryDraft as { claims: Array<{ text: string; cites: string[] }>; dropped: Array<{ text: string; why: string }> };
    const cited = observationIds(server.requestsFor(SUMMARY)[0]!);
    expect(draft.claims).toEqual([{ text: 'The pricing flag was already off, so the mitigation was not needed.', cites: [cited[0]] }]);
    expect(draft.dropped.map((d) => d.text)).toEqual(['The database was the root cause.', 'Someone restarted the service.']);
    // The prompt showed the model what ran, redacted and under the ids it may cite, and nothing else to cite.
    expect(cited.length).toBeGreaterThan(0);
  });

  it('a model that fails leaves the composed summary and records why there is no draft', async () => {
    server = await ScriptedLlm.start();
    server.always(DECISION, decision());
    server.always(PLAN, { kind: 'status', status: 503, message: 'plans come from the runbook in this test' });
    server.always(SUMMARY, { kind: 'status', status: 500, message: 'model runner crashed' });
    const { view, drafted } = await triage(server);
    expect(['COMPLETED', 'ESCALATED']).toContain(view.state);
    expect(drafted).toHaveLength(1);
    expect(view.summaryDraft).toMatchObject({ error: expect.stringContaining('500') });
  });
});
