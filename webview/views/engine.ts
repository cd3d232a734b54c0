/** The engine's health, folded into a section at the bottom of the panel. */
import type { Health } from '../../protocol/engine';
import { details, el } from '../dom';
import type { Context } from '../store';

export function engineSection(ctx: Context): HTMLElement {
  const h = ctx.state.health;
  const state = !h ? 'warn' : h.database.problem ? 'bad' : h.model ? 'ok' : 'warn';
  const status = !h ? 'starting…' : h.database.problem ? 'database refused' : 'answering';
  return details(
    [el('span', { class: 'status' }, [el('span', { class: `dot ${state}`, 'aria-hidden': 'true' }), `Engine: ${status}`])],
    h ? [healthFacts(h)] : [el('p', { class: 'muted' }, ['Waiting for the engine…'])],
    ctx.state.engineOpen,
    (open) => (ctx.state.engineOpen = open),
    { class: 'engine', id: 'engine-section' },
  );
}

function healthFacts(h: Health): HTMLElement {
  const dbOk = h.database.problem === null;
  return el('dl', { class: 'facts', 'data-testid': 'health' }, [
    ...fact('Status', dbOk ? 'answering' : 'answering, database refused'),
    ...fact('Engine', `${h.engineVersion} (pid ${h.pid})`),
    ...fact('Node', h.node),
    ...fact('SQLite', h.sqlite),
    ...fact('ONNX Runtime', h.onnxruntime),
    ...fact('Database', `${h.database.path}${h.database.schemaVersion !== null ? ` (schema v${h.database.schemaVersion}, ${h.database.journalMode})` : ''}`),
    ...fact('Model', h.model ? `${h.model.path} — sha256 ${h.model.sha256.slice(0, 16)}…` : (h.modelProblem ?? 'none')),
    ...fact('Sandbox', h.sandbox.available ? `${h.sandbox.kind}${h.sandbox.version ? ` ${h.sandbox.version}` : ''} (reads confined)` : `not available — ${h.sandbox.problem ?? 'unknown reason'}`),
  ]);
}

function fact(label: string, value: string) {
  return [el('dt', {}, [label]), el('dd', {}, [value])];
}
