// The model's draft of the incident summary in the panel: under the engine's own summary, labelled as a model's,
// each claim with the tool calls it cites, its text as text (never HTML), or the reason there is none.
import { describe, expect, it } from 'vitest';
import type { WorkflowPanelView } from '../../../protocol/agent';
import { FakeNode, useFakeDocument } from './fakeDom';
import { panelView, workflowItem } from './panelFixtures';
import { initialState, type Context } from '../../../webview/store';
import { draftOf, draftView, summaryView } from '../../../webview/views/summary';

useFakeDocument();

function panel(summaryDraft?: unknown): WorkflowPanelView {
  const view = panelView({
    workflow: workflowItem({ id: 'wf-1', title: 'KubePodCrashLooping', state: 'COMPLETED', stepIndex: 2, stepCount: 2, usage: { steps: 2, toolCalls: 2, tokens: 0 } }),
    summary: {
      fired: { title: 'KubePodCrashLooping', severity: 'warning', labels: { namespace: 'payments' }, at: 0 }, state: 'COMPLETED', reason: null,
      checked: [{ stepId: 'describe', what: 'kubectl -n payments describe pod api-0', status: 'ok', finding: 'container api: Last State Terminated, Reason OOMKilled', citation: 'tc:aaaaaaaaaaaa' }],
      causes: [], done: [], verification: { status: 'passed', items: [], by: null }, timings: [], next: null,
    },
  });
  return summaryDraft === undefined ? view : ({ ...view, summaryDraft } as WorkflowPanelView);
}
const ctx: Context = { state: initialState('wf-1'), update: () => {}, send: () => {}, focus: () => {}, now: 0 };

const draft = {
  claims: [
    { text: 'The api container was killed for memory <img src=x onerror=alert(1)>', cites: ['tc:aaaaaaaaaaaa'] },
    { text: 'It restarted 14 times.', cites: ['tc:aaaaaaaaaaaa', 'tc:bbbbbbbbbbbb'] },
  ],
  dropped: [{ text: 'The database is down.', why: 'cites no observation' }],
  removedCitations: [],
  templateVersion: 'summary/v1',
  tokens: 812,
  model: 'qwen2.5:7b',
};

describe('the model draft in the panel', () => {
  it('reads a draft, a failure, or nothing, whatever arrives', () => {
    expect(draftOf(undefined)).toBeNull();
    expect(draftOf(null)).toBeNull();
    expect(draftOf('text')).toBeNull();
    expect(draftOf({ error: 'HTTP 500 from the model' })).toEqual({ kind: 'error', message: 'HTTP 500 from the model' });
    expect(draftOf(draft)).toEqual({
      kind: 'claims',
      claims: [
        { text: 'The api container was killed for memory <img src=x onerror=alert(1)>', cites: ['tc:aaaaaaaaaaaa'] },
        { text: 'It restarted 14 times.', cites: ['tc:aaaaaaaaaaaa', 'tc:bbbbbbbbbbbb'] },
      ],
      model: 'qwen2.5:7b',
      left: 1,
      why: ['cites no observation'],
    });
    // A claim without a citation, or not a claim at all, is not shown.
    expect(draftOf({ claims: [{ text: 'uncited', cites: [] }, { text: 7 }, null, { text: 'ok', cites: ['tc:1', 3] }] })).toMatchObject({ claims: [{ text: 'ok', cites: ['tc:1'] }], model: null, left: 0 });
  });

  it('shows it under the engine summary, labelled as a model draft, with each claim and its citations', () => {
    const summary = summaryView(ctx, panel(draft)) as unknown as FakeNode;
    const nodes = summary.all();
    const checked = nodes.findIndex((n) => n.attributes.get('data-testid') === 'summary-checked');
    const section = nodes.findIndex((n) => n.attributes.get('data-testid') === 'summary-draft');
    expect(checked).toBeGreaterThanOrEqual(0);
    expect(section).toBeGreaterThan(checked);
    const d = nodes[section]!;
    expect(d.all().find((n) => n.tagName === 'H4')!.textContent).toBe('Model draft');
    expect(d.textContent).toContain('Drafted by a model (qwen2.5:7b)');
    expect(d.textContent).toContain('1 of its claims was left out (cites no observation)');
    const claims = d.byTestId('summary-draft-claims')!.children as FakeNode[];
    expect(claims.map((li) => li.textContent)).toEqual([
      'The api container was killed for memory <img src=x onerror=alert(1)> tc:aaaaaaaaaaaa',
      'It restarted 14 times. tc:aaaaaaaaaaaa, tc:bbbbbbbbbbbb',
    ]);
    // The model's words are a text child, never parsed: no element came of them.
    expect(claims[0]!.children[0]).toBe('The api container was killed for memory <img src=x onerror=alert(1)>');
    expect(nodes.some((n) => n.tagName === 'IMG')).toBe(false);
  });

  it('says why there is no draft when the model failed, and shows nothing when none was asked for', () => {
    const failed = draftView(ctx, panel({ error: 'model unreachable: HTTP 500' })) as unknown as FakeNode;
    expect(failed.byTestId('summary-draft-error')!.textContent).toBe('A model was asked to draft this summary and could not: model unreachable: HTTP 500');
    expect(draftView(ctx, panel())).toBeNull();
    expect((summaryView(ctx, panel()) as unknown as FakeNode).byTestId('summary-draft')).toBeUndefined();
    const empty = draftView(ctx, panel({ claims: [], dropped: [{ text: 'x', why: 'model summary is not JSON: Unexpected token' }], model: 'm' })) as unknown as FakeNode;
    expect(empty.textContent).toContain('The model made no claim that cites a tool call.');
    expect(empty.textContent).toContain('1 of its claims was left out (model summary is not JSON)');
  });

  it('shows a multi-line command of the engine summary on one line, its lines joined with ⏎', () => {
    const view = panel();
    view.summary.checked[0] = { ...view.summary.checked[0]!, what: 'oc debug node/worker-5\n  chroot /host\nsystemctl status chronyd\n' };
    const checked = (summaryView(ctx, view) as unknown as FakeNode).byTestId('summary-checked')!;
    expect(checked.all().find((n) => n.tagName === 'CODE')!.textContent).toBe('oc debug node/worker-5 ⏎ chroot /host ⏎ systemctl status chronyd');
  });
});
