import path from 'node:path';
import { openDatabase, type Db } from '../../../engine/control/db/open';
import { IntakeServer, type IntakeServerOptions } from '../../../engine/control/intake';
import { tempDir } from '../../helpers/tmp';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/** An Alertmanager webhook v4 payload with one alert per fingerprint. */
export function webhook(fingerprints: string[], status: 'firing' | 'resolved' = 'firing') {
  return {
    version: '4',
    status,
    receiver: 'runbook-agent',
    groupKey: '{}:{alertname="DiskFull"}',
    groupLabels: { alertname: 'DiskFull' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: fingerprints.map((fp) => ({
      status,
      labels: { alertname: 'DiskFull', severity: 'warning', service: 'checkout', instance: fp },
      annotations: { summary: `disk of ${fp} is filling up` },
      startsAt: '2026-11-24T03:00:00Z',
      endsAt: status === 'resolved' ? '2026-11-24T04:00:00Z' : '0001-01-01T00:00:00Z',
      fingerprint: fp,
    })),
  };
}

export function counts(db: Db): { workflows: number; events: number; tasks: number } {
  const n = (q: string) => (db.prepare(q).get() as { n: number }).n;
  return { workflows: n('SELECT count(*) AS n FROM workflows'), events: n('SELECT count(*) AS n FROM workflow_events'), tasks: n('SELECT count(*) AS n FROM tasks') };
}

/** A real server on a free loopback port over a fresh database; close() stops both. */
export async function startServer(extra: Partial<IntakeServerOptions> = {}) {
  const dir = tempDir('rba-intake-');
  const db = openDatabase(path.join(dir, 'engine.sqlite'));
  const server = new IntakeServer({ db, workspace: path.join(dir, 'ws'), token: TOKEN, port: 0, ...extra });
  const { port } = await server.listen();
  return {
    db,
    port,
    server,
    close: async () => {
      await server.close();
      db.close();
    },
  };
}
