import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../../engine/control/store/sqlite/eventLog';
import { fixture, scriptedTool } from './fixtures';

async function loggedDb() {
  const f = fixture([scriptedTool('t')], { main: [{ id: 'a', tool: 't', input: { target: 'x' } }] });
  f.start();
  f.start();
  await f.orchestrator.drain();
  f.db.close();
  expect(verifyChain(reopen(f.file))).toMatchObject({ ok: true, events: 14 });
  return f.file;
}

/** A tamperer with raw access to the file: the append-only triggers are dropped first. */
function tamper(file: string, sql: string): void {
  const raw = new Database(file);
  raw.exec('DROP TRIGGER workflow_events_no_update; DROP TRIGGER workflow_events_no_delete;');
  raw.exec(sql);
  raw.close();
}

function reopen(file: string) {
  return new Database(file, { readonly: true });
}

describe('hash-chained event log', () => {
  it('refuses UPDATE and DELETE through SQLite itself', async () => {
    const file = await loggedDb();
    const raw = new Database(file);
    expect(() => raw.exec("UPDATE workflow_events SET actor = 'person' WHERE seq = 3")).toThrow(/append-only/);
    expect(() => raw.exec('DELETE FROM workflow_events WHERE seq = 3')).toThrow(/append-only/);
    raw.close();
  });

  it('detects an edited event', async () => {
    const file = await loggedDb();
    tamper(file, "UPDATE workflow_events SET data = replace(data, '\"x\"', '\"y\"') WHERE seq = 3");
    expect(verifyChain(reopen(file))).toMatchObject({ ok: false, firstBadSeq: 3, problem: expect.stringMatching(/edited/) });
  });

  it('detects an edited actor even when the data is untouched', async () => {
    const file = await loggedDb();
    tamper(file, "UPDATE workflow_events SET actor = 'person' WHERE seq = 5");
    expect(verifyChain(reopen(file))).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it('detects a deleted event in the middle', async () => {
    const file = await loggedDb();
    tamper(file, 'DELETE FROM workflow_events WHERE seq = 7');
    expect(verifyChain(reopen(file))).toMatchObject({ ok: false, firstBadSeq: 8, problem: expect.stringMatching(/deleted/) });
  });

  it('detects deleted newest events through the recorded head', async () => {
    const file = await loggedDb();
    tamper(file, 'DELETE FROM workflow_events WHERE seq >= 13');
    expect(verifyChain(reopen(file))).toMatchObject({ ok: false, problem: expect.stringMatching(/newest events were deleted/) });
  });

  it('detects reordered events (contents swapped between two positions)', async () => {
    const file = await loggedDb();
    tamper(
      file,
      `UPDATE workflow_events SET seq = -1 WHERE seq = 4; UPDATE workflow_events SET seq = 4 WHERE seq = 5; UPDATE workflow_events SET seq = 5 WHERE seq = -1;`,
    );
    expect(verifyChain(reopen(file))).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('detects a deleted and renumbered event even when the next prev_hash is patched', async () => {
    const file = await loggedDb();
    tamper(
      file,
      `UPDATE workflow_events SET prev_hash = (SELECT prev_hash FROM workflow_events WHERE seq = 6) WHERE seq = 7;
       DELETE FROM workflow_events WHERE seq = 6;
       UPDATE workflow_events SET seq = seq - 1 WHERE seq > 6;`,
    );
    expect(verifyChain(reopen(file))).toMatchObject({ ok: false, firstBadSeq: 6 });
  });
});
