// A second process on the same store, driven over stdin/stdout (one JSON object per line), for the tests that
// need real processes: lease fencing across processes, concurrent intake, workers racing for leases. Bundled by
// children.ts.
import readline from 'node:readline';
import { openControlStore } from '../../engine/control/store/open';
import type { ControlStore, DurableAction } from '../../engine/control/store/types';

type Message =
  | { id: number; op: 'open'; url: string }
  | { id: number; op: 'lease'; owner: string; now: number; ms: number }
  | { id: number; op: 'commit'; action: DurableAction }
  | { id: number; op: 'intake'; alerts: unknown[]; now: number }
  | { id: number; op: 'work'; owner: string; now: number; ms: number; step: Pick<DurableAction, 'events' | 'next'> }
  | { id: number; op: 'close' };

let store: ControlStore | null = null;
const need = () => {
  if (!store) throw new Error('open first');
  return store;
};

async function handle(m: Message): Promise<unknown> {
  switch (m.op) {
    case 'open':
      store = await openControlStore(m.url);
      return { pid: process.pid };
    case 'lease':
      return need().lease(m.owner, m.now, m.ms);
    case 'commit':
      return (await need().commit(m.action)).state;
    case 'intake': {
      const out = [];
      for (const alert of m.alerts) {
        const r = await need().createWorkflow(alert, { now: m.now });
        out.push({ id: r.workflow.id, created: r.created, key: r.workflow.intakeKey });
      }
      return out;
    }
    case 'work': {
      // A worker: lease, commit one step fenced by the lease, until nothing is ready. Returns what it committed.
      const done: string[] = [];
      for (let l = await need().lease(m.owner, m.now, m.ms); l; l = await need().lease(m.owner, m.now, m.ms)) {
        await need().commit({ workflowId: l.workflowId, now: m.now, leaseToken: l.token, ...m.step });
        done.push(l.workflowId);
      }
      return done;
    }
    case 'close':
      await store?.close();
      store = null;
      setImmediate(() => process.exit(0));
      return null;
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line) as Message;
  handle(m).then(
    (result) => process.stdout.write(`${JSON.stringify({ id: m.id, ok: true, result: result ?? null })}\n`),
    (error: Error) => process.stdout.write(`${JSON.stringify({ id: m.id, ok: false, error: { name: error.name, message: error.message } })}\n`),
  );
});
