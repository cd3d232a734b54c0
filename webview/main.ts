/** The panel's front end. It talks only to the extension host, with messages validated on arrival. */
import { describeIssues } from '../protocol/define';
import type { CheckIn, Health } from '../protocol/engine';
import { ToWebview, type FromWebview } from '../protocol/webview';
import { el } from './dom';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

function send(message: FromWebview): void {
  vscode.postMessage(message);
}

let lastHealth: Health | undefined;
let lastCheckIn: CheckIn | undefined;
let lastError: string | undefined;

function healthView(h: Health) {
  const dbOk = h.database.problem === null;
  const modelOk = h.model !== null;
  const state = dbOk && modelOk ? 'ok' : dbOk ? 'warn' : 'bad';
  return el('section', { 'aria-labelledby': 'health-title' }, [
    el('h2', { id: 'health-title' }, [
      el('span', { class: 'status' }, [el('span', { class: `dot ${state}`, 'aria-hidden': 'true' }), 'Engine']),
    ]),
    !h.trusted
      ? el('div', { class: 'banner', role: 'status' }, [
          'Restricted Mode: this workspace is not trusted, so Runbook Agent will not run anything here. ',
          'Trust the workspace (Manage Workspace Trust) to allow execution.',
        ])
      : null,
    h.database.problem ? el('div', { class: 'banner error', role: 'alert' }, [h.database.problem]) : null,
    el('dl', { class: 'facts', 'data-testid': 'health' }, [
      ...fact('Status', dbOk ? 'answering' : 'answering, database refused'),
      ...fact('Engine', `${h.engineVersion} (pid ${h.pid})`),
      ...fact('Node', h.node),
      ...fact('SQLite', h.sqlite),
      ...fact('ONNX Runtime', h.onnxruntime),
      ...fact('Database', `${h.database.path}${h.database.schemaVersion !== null ? ` (schema v${h.database.schemaVersion}, ${h.database.journalMode})` : ''}`),
      ...fact('Model', h.model ? `${h.model.path} — sha256 ${h.model.sha256.slice(0, 16)}…` : (h.modelProblem ?? 'none')),
    ]),
  ]);
}

function fact(label: string, value: string) {
  return [el('dt', {}, [label]), el('dd', {}, [value])];
}

function checkInView() {
  const input = el('input', { type: 'text', id: 'note', value: 'hello from the panel', 'aria-label': 'Note to store', maxlength: '200' });
  const button = el('button', { type: 'submit', id: 'check-in' }, ['Store a check-in']);
  const form = el('form', { class: 'row' }, [input, button]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const note = (input as HTMLInputElement).value.trim();
    if (note) send({ type: 'checkIn', note });
  });
  return el('section', { 'aria-labelledby': 'check-in-title' }, [
    el('h2', { id: 'check-in-title' }, ['Round trip']),
    el('p', { class: 'muted' }, ['Writes a note through the engine into its SQLite database and reads back the running count.']),
    form,
    el('div', { id: 'check-in-result', 'data-testid': 'check-in-result', role: 'status' }, [
      lastCheckIn ? `Stored check-in #${lastCheckIn.id} "${lastCheckIn.note}" at ${lastCheckIn.at}; ${lastCheckIn.total} in the database.` : '',
    ]),
  ]);
}

function render(): void {
  const refresh = el('button', { class: 'secondary', id: 'refresh' }, ['Refresh']);
  refresh.addEventListener('click', () => send({ type: 'refreshHealth' }));
  const parts = [
    el('h1', {}, ['Runbook Agent']),
    lastError ? el('div', { class: 'banner error', role: 'alert', 'data-testid': 'error' }, [lastError]) : null,
    lastHealth ? healthView(lastHealth) : el('p', { class: 'muted' }, ['Waiting for the engine…']),
    lastHealth ? checkInView() : null,
    refresh,
  ];
  app.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = ToWebview.safeParse(event.data);
  if (!parsed.success) {
    lastError = `ignored a malformed message from the extension: ${describeIssues(parsed.error)}`;
    return render();
  }
  const message = parsed.data;
  switch (message.type) {
    case 'health':
      lastHealth = message.health;
      lastError = undefined;
      break;
    case 'checkIn':
      lastCheckIn = message.result;
      lastError = undefined;
      break;
    case 'error':
      lastError = message.message;
      break;
  }
  render();
  if (message.type === 'checkIn') document.getElementById('check-in')?.focus();
});

render();
send({ type: 'ready' });
