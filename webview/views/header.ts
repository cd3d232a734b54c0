/** The top of the panel: the count of approvals waiting, and what is wrong with the engine or the workspace. */
import { button, el } from '../dom';
import type { Context } from '../store';

export function header(ctx: Context): HTMLElement {
  const n = ctx.state.pendingApprovals;
  return el('header', { class: 'panel-header' }, [
    el('h1', {}, ['Runbook Agent']),
    el('p', { class: `pending${n > 0 ? ' has-pending' : ''}`, role: 'status', 'data-testid': 'pending-approvals' }, [
      n === 0 ? 'No approvals waiting' : `${n} ${n === 1 ? 'approval' : 'approvals'} waiting`,
    ]),
    button('Refresh', () => {
      ctx.send({ type: 'refresh' });
      ctx.send({ type: 'refreshHealth' });
    }, { class: 'secondary', id: 'refresh' }),
  ]);
}

export function banners(ctx: Context): Array<HTMLElement | null> {
  const { health: h, error } = ctx.state;
  return [
    error
      ? el('div', { class: 'banner error', role: 'alert', 'data-testid': 'error' }, [
          `${error} `,
          button('Dismiss', () => ctx.update((s) => (s.error = undefined)), { class: 'secondary' }),
        ])
      : null,
    h && !h.trusted
      ? el('div', { class: 'banner', role: 'status' }, [
          'Restricted Mode: this workspace is not trusted, so Runbook Agent will not run anything here. ',
          'Trust the workspace (Manage Workspace Trust) to allow execution. ',
          button('Manage Workspace Trust', () => ctx.send({ type: 'runCommand', command: 'workbench.trust.manage' }), { class: 'secondary' }),
        ])
      : null,
    h?.database.problem ? el('div', { class: 'banner error', role: 'alert' }, [h.database.problem]) : null,
  ];
}
