import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../../engine/control/db/open';
import { canonicalJson } from '../../../engine/control/workflow/canonical';
import { seededRandom } from '../../../engine/control/workflow/clock';
import { verifyChain } from '../../../engine/control/store/sqlite/eventLog';
import { replayWorkflow } from '../../../engine/control/store/sqlite/replay';
import { isSettled } from '../../../engine/control/workflow/states';
import { loadView } from '../../../engine/control/store/sqlite/commit';

export interface HarnessOptions {
  readonly dir: string;
  /** dist/crash-child.js */
  readonly childEntry: string;
  readonly killPoints: number;
  readonly batch?: number;
  readonly seed?: number;
  readonly concurrency?: number;
  readonly onProgress?: (kills: number) => void;
}

export interface HarnessReport {
  killPoints: number;
  rounds: number;
  cleanExits: number;
  generations: number;
  workflows: number;
  completed: number;
  escalatedOutcomeUnknown: number;
  writeLines: number;
  readLines: number;
  readReruns: number;
  /** Decisions committed, and decisions asked again after a kill that came before their commit (allowed). */
  decisions: number;
  decisionsReasked: number;
  violations: string[];
}

interface Round {
  killed: boolean;
  code: number | null;
  stderr: string;
}

/**
 * Runs the engine as a real child process, SIGKILLs it at random moments (during start-up and recovery or while
 * it works), restarts it, and finally checks the invariants: no workflow lost, no write executed twice, every
 * workflow settled (terminal or waiting for a person), the hash chain intact, replay equal to the state table.
 */
export async function runCrashHarness(o: HarnessOptions): Promise<HarnessReport> {
  const random = seededRandom(o.seed ?? 1);
  const db = path.join(o.dir, 'engine.sqlite');
  const batch = o.batch ?? 20;
  const accepted = new Map<string, string>();
  const violations: string[] = [];
  let gen = 0;
  let kills = 0;
  let rounds = 0;
  let cleanExits = 0;

  const runChild = (killAfter: { sinceSpawnMs: number } | { afterReadyMs: number } | null): Promise<Round> =>
    new Promise((resolve) => {
      const args = [o.childEntry, '--db', db, '--dir', o.dir, '--gen', String(gen), '--count', String(batch), '--concurrency', String(o.concurrency ?? 4)];
      const child = spawn(process.execPath, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let killed = false;
      let buffer = '';
      let stderr = '';
      const kill = () => {
        if (child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL');
      };
      if (killAfter && 'sinceSpawnMs' in killAfter) setTimeout(kill, killAfter.sinceSpawnMs);
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const [word, key, id] = line.split(' ');
          if (word === 'ready' && killAfter && 'afterReadyMs' in killAfter) setTimeout(kill, killAfter.afterReadyMs);
          if (word === 'accepted' && key && id) {
            const before = accepted.get(key);
            if (before !== undefined && before !== id) violations.push(`intake key ${key} first answered ${before}, later ${id}: a workflow was lost`);
            accepted.set(key, id);
          }
        }
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ killed, code, stderr }));
    });

  while (kills < o.killPoints) {
    rounds++;
    const plan = random() < 0.15 ? { sinceSpawnMs: Math.floor(random() * 150) } : { afterReadyMs: Math.floor(random() * 150) };
    const r = await runChild(plan);
    if (r.killed) {
      kills++;
      o.onProgress?.(kills);
    } else if (r.code === 0) {
      cleanExits++;
      gen++;
    } else {
      violations.push(`engine exited with ${r.code} on its own: ${r.stderr.slice(0, 800)}`);
      break;
    }
  }
  // Stray tool processes of killed engines may still be finishing their write: let them land first.
  await new Promise((r) => setTimeout(r, 300));
  const last = await runChild(null);
  if (last.code !== 0) violations.push(`final engine run exited with ${last.code}: ${last.stderr.slice(0, 800)}`);
  await new Promise((r) => setTimeout(r, 100));
  return { ...check(db, o.dir, accepted, gen + 1, batch, violations), killPoints: kills, rounds, cleanExits, generations: gen + 1 };
}

function check(file: string, dir: string, accepted: Map<string, string>, generations: number, batch: number, violations: string[]) {
  const db = openDatabase(file, { readonly: true });
  try {
    const chain = verifyChain(db);
    if (!chain.ok) violations.push(`hash chain broken: ${chain.problem}`);
    for (const [key, id] of accepted) {
      const row = db.prepare('SELECT id FROM workflows WHERE intake_key = ?').get(key) as { id: string } | undefined;
      if (row?.id !== id) violations.push(`workflow ${id} (intake key ${key}) was accepted but is ${row ? `now ${row.id}` : 'missing'}`);
    }
    for (let g = 0; g < generations; g++) {
      for (let i = 0; i < batch; i++) if (!accepted.has(`g${g}-${i}`)) violations.push(`intake of g${g}-${i} was never acknowledged`);
    }
    const workflows = db.prepare('SELECT id, state, reason FROM workflows').all() as Array<{ id: string; state: string; reason: string | null }>;
    let completed = 0;
    let unknown = 0;
    for (const w of workflows) {
      if (!isSettled(w.state as never)) violations.push(`workflow ${w.id} is still ${w.state}`);
      if (w.state === 'COMPLETED') completed++;
      if (w.state === 'ESCALATED') {
        if (w.reason?.startsWith('outcome unknown')) unknown++;
        else violations.push(`workflow ${w.id} escalated for an unexpected reason: ${w.reason}`);
      }
      const replayed = replayWorkflow(db, w.id);
      if (canonicalJson(replayed) !== canonicalJson(loadView(db, w.id))) violations.push(`replay of ${w.id} differs from its state row`);
    }
    const lines = readLines(path.join(dir, 'writes.log'));
    const seen = new Map<string, number>();
    for (const l of lines) seen.set(l.split(' ')[0]!, (seen.get(l.split(' ')[0]!) ?? 0) + 1);
    for (const [key, n] of seen) if (n > 1) violations.push(`write ${key} executed ${n} times`);
    const calls = db.prepare("SELECT key, status FROM tool_calls WHERE tool = 'append_line'").all() as Array<{ key: string; status: string }>;
    const byKey = new Map(calls.map((c) => [c.key, c.status]));
    for (const c of calls) if (c.status === 'done' && !seen.has(c.key)) violations.push(`write ${c.key} is recorded done but never happened`);
    for (const key of seen.keys()) if (!byKey.has(key)) violations.push(`write ${key} happened without an intended record`);
    const reads = readLines(path.join(dir, 'reads.log'));
    const readKeys = new Set(reads.map((l) => l.split(' ')[0]));
    // A decision is a durable action: once `decided` is committed for a point, it is never asked again.
    const decided = new Map<string, number[]>();
    for (const e of db.prepare("SELECT workflow_id AS id, at, data FROM workflow_events WHERE type = 'decided'").all() as Array<{ id: string; at: number; data: string }>) {
      const d = JSON.parse(e.data) as { stepIndex: number; phase: string };
      const point = `${e.id} ${d.stepIndex} ${d.phase}`;
      decided.set(point, [...(decided.get(point) ?? []), e.at]);
    }
    for (const [point, ats] of decided) if (ats.length > 1) violations.push(`decision ${point} committed ${ats.length} times`);
    let reasked = 0;
    const asks = new Map<string, number>();
    for (const line of readLines(path.join(dir, 'decisions.log'))) {
      const [, id, index, phase, ms] = line.split(' ');
      const point = `${id} ${index} ${phase}`;
      asks.set(point, (asks.get(point) ?? 0) + 1);
      const at = decided.get(point)?.[0];
      // Event times are milliseconds; an ask later than the commit's is a second ask.
      if (at !== undefined && Number(ms) > at) violations.push(`decision ${point} was asked at ${ms}, after it was committed at ${at}`);
    }
    for (const n of asks.values()) reasked += n - 1;
    return { workflows: workflows.length, completed, escalatedOutcomeUnknown: unknown, writeLines: lines.length, readLines: reads.length, readReruns: reads.length - readKeys.size, decisions: [...decided.values()].reduce((n, a) => n + a.length, 0), decisionsReasked: reasked, violations };
  } finally {
    db.close();
  }
}

function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0) : [];
}
