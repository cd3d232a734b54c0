/** The runbook sections retrieval gave the planner, each one click from its lines in the editor. */
import type { WorkflowPanelView } from '../../protocol/agent';
import { button, el, srOnly } from '../dom';
import { lineRange, shortVersion } from '../format';
import type { Context } from '../store';

export function sourcesView(ctx: Context, view: WorkflowPanelView): HTMLElement {
  const rows = view.sources.map((s) => {
    const label = `${s.path}:${lineRange(s.startLine, s.endLine)}`;
    return el('li', { class: 'source' }, [
      button(label, () => ctx.send({ type: 'openSource', root: s.root, path: s.path, startLine: s.startLine, endLine: s.endLine }), {
        class: 'link',
        title: `Open ${label} beside the panel`,
      }),
      el('span', {}, [s.heading]),
      el('span', { class: 'muted' }, s.planRunbook ? ["the plan's runbook"] : [srOnly('score '), s.score.toFixed(3)]),
      el('span', { class: 'muted', title: s.docVersion }, [srOnly('version '), el('code', {}, [shortVersion(s.docVersion)])]),
      s.stale ? el('span', { class: 'badge stale', title: 'The file changed on disk after it was indexed: the planner saw an older version.' }, ['stale']) : null,
    ]);
  });
  return el('section', { class: 'sources', 'aria-labelledby': 'sources-title' }, [
    el('h3', { id: 'sources-title' }, ['Sources the planner saw']),
    rows.length ? el('ul', { class: 'source-list' }, rows) : el('p', { class: 'muted' }, ['None recorded.']),
  ]);
}
