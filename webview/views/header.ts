/** The top of the panel: the count of approvals waiting, and what is wrong with the engine or the workspace. */
import { button, el } from '../dom';
import type { Context } from '../store';

/** "2 approvals waiting · 1 more needs you": approvals first, then every other wait on a person. */
export function pendingText(approvals: number, needsPerson: number): string {
  const others = Math.max(0, needsPerson - approvals);
  if (approvals === 0 && others === 0) return 'No approvals waiting';
  const parts = [approvals > 0 ? `${approvals} ${approvals === 1 ? 'approval' : 'approvals'} waiting` : '', others > 0 ? `${others} ${approvals > 0 ? 'more ' : ''}${others === 1 ? 'needs' : 'need'} you` : ''];
  return parts.filter(Boolean).join(' · ');
}

export function header(ctx: Context): HTMLElement {
  const n = ctx.state.pendingApprovals;
  const all = Math.max(n, ctx.state.needsPerson);
  return el('header', { class: 'panel-header' }, [
    el('h1', {}, ['Runbook Agent']),
    el('p', { class: `pending${all > 0 ? ' has-pending' : ''}`, role: 'status', 'data-testid': 'pending-approvals' }, [pendingText(n, all)]),
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
