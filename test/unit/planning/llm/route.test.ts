import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseRoute, documentScores, namedRunbook, RoutingPlanner, type RouteFacts } from '../../../../engine/planning/route';
import { ClassifiedError } from '../../../../engine/control/workflow/failures';
import type { PlanRequest, PlanResult, Planner } from '../../../../engine/control/workflow/planner';
import { AlertRequest } from '../../../../engine/control/workflow/request';
import { tempDir } from '../../../helpers/tmp';
import { context, hit, planRequest } from './setup';

const base: RouteFacts = { severity: 'warning', namedRunbook: false, documentScores: [1, 0.5], hasFast: true, hasStrong: true };

describe('chooseRoute', () => {
  it.each<[string, Partial<RouteFacts>, string, RegExp]>([
    ['routine, clear best runbook', {}, 'runbook', /clear best runbook/],
    ['routine, named runbook, close scores', { namedRunbook: true, documentScores: [1, 0.95] }, 'runbook', /naming a runbook/],
    ['critical', { severity: 'critical', namedRunbook: true }, 'strong', /critical alert/],
    ['close scores, nothing named', { documentScores: [1, 0.9] }, 'strong', /top two documents score 1.000 and 0.900/],
    ['no hits, nothing named', { documentScores: [] }, 'strong', /no document retrieved/],
    ['one hit, nothing named', { documentScores: [0.2] }, 'runbook', /clear best runbook/],
    ['just below close', { documentScores: [1, 0.89] }, 'runbook', /clear best runbook/],
    ['critical without a strong model', { severity: 'critical', hasStrong: false }, 'fast', /no strong model configured/],
    ['critical without any model', { severity: 'critical', hasStrong: false, hasFast: false }, 'runbook', /no model configured/],
  ])('%s', (_, facts, choice, reason) => {
    const route = chooseRoute({ ...base, ...facts });
    expect(route.choice).toBe(choice);
    expect(route.reason).toMatch(reason);
  });

  it('scores each document by its best chunk', () => {
    expect(documentScores([hit(1, 'a.md', '', 0.4), hit(2, 'a.md', '', 0.9), hit(3, 'b.md', '', 0.5)])).toEqual([0.9, 0.5]);
  });
});

describe('namedRunbook', () => {
  const ws = () => {
    const dir = tempDir('rba-route-');
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 'disk-full.md'), '# Disk full\n');
    return dir;
  };
  const alert = (annotations: Record<string, string>, labels: Record<string, string> = {}) => AlertRequest.parse({ source: 't', title: 't', annotations, labels });

  it('finds the file a runbook_url points at by the tail of its path', () => {
    const dir = ws();
    expect(namedRunbook(alert({ runbook_url: 'https://github.com/acme/ops/blob/main/runbooks/disk-full.md#mitigation' }), dir)).toBe('runbooks/disk-full.md');
    expect(namedRunbook(alert({ runbook: 'runbooks/disk-full' }), dir)).toBe('runbooks/disk-full.md');
  });

  it('matches a bare runbook label by file name, and ignores names outside the workspace', () => {
    const dir = ws();
    expect(namedRunbook(alert({}, { runbook: 'disk-full.md' }), dir)).toBe('runbooks/disk-full.md');
    expect(namedRunbook(alert({ runbook_url: 'https://wiki.example.com/Disk_Full' }), dir)).toBeNull();
    expect(namedRunbook(alert({ runbook: '../../etc/passwd' }), dir)).toBeNull();
  });
});

class StubPlanner implements Planner {
  calls = 0;
  constructor(
    readonly name: string,
    private readonly answer: PlanResult | Error,
    readonly provider = name,
  ) {}
  async plan(_: PlanRequest): Promise<PlanResult> {
    this.calls++;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

const result = (name: string): PlanResult => ({ plan: { summary: name, steps: [] }, trace: { model: name } });

describe('RoutingPlanner', () => {
  const clear = [hit(1, 'runbooks/disk-full.md', '', 1), hit(2, 'runbooks/other.md', '', 0.3)];
  const close = [hit(1, 'runbooks/a.md', '', 1), hit(2, 'runbooks/b.md', '', 0.97)];
  const signal = new AbortController().signal;

  it('sends a routine alert with a clear match to the runbook planner and records why', async () => {
    const runbook = new StubPlanner('runbook', result('runbook'));
    const strong = new StubPlanner('strong', result('strong'));
    const r = new RoutingPlanner({ runbook, strong, context: context([], clear) });
    const out = await r.plan(planRequest(), signal);
    expect([runbook.calls, strong.calls]).toEqual([1, 0]);
    expect(out.trace).toEqual({ model: 'runbook', route: { choice: 'runbook:runbook', reason: 'routine alert with a clear best runbook' } });
  });

  it('sends a critical alert or an ambiguous retrieval to the strong model', async () => {
    const strong = new StubPlanner('strong', result('strong'));
    const r = new RoutingPlanner({ runbook: new StubPlanner('runbook', result('runbook')), strong, context: context([], close) });
    expect((await r.plan(planRequest(), signal)).trace?.route?.reason).toMatch(/^ambiguous retrieval/);
    const critical = planRequest({}, { source: 't', title: 'db down', severity: 'critical' });
    const r2 = new RoutingPlanner({ runbook: new StubPlanner('runbook', result('runbook')), strong, context: context([], clear) });
    expect((await r2.plan(critical, signal)).trace?.route).toEqual({ choice: 'strong:strong', reason: 'critical alert' });
  });

  it('falls back to the fast model when the runbook planner cannot plan', async () => {
    const fast = new StubPlanner('fast', result('fast'));
    const r = new RoutingPlanner({ runbook: new StubPlanner('runbook', new ClassifiedError('validation', 'runbook has no steps')), fast, context: context([], clear) });
    const out = await r.plan(planRequest(), signal);
    expect(out.trace?.route).toEqual({ choice: 'fast:fast', reason: 'runbook planner could not plan (runbook has no steps)' });
  });

  it('does not fall back on a transient failure: the orchestrator retries it', async () => {
    const fast = new StubPlanner('fast', result('fast'));
    const r = new RoutingPlanner({ runbook: new StubPlanner('runbook', new ClassifiedError('transient', 'db busy')), fast, context: context([], clear) });
    await expect(r.plan(planRequest(), signal)).rejects.toThrow('db busy');
    expect(fast.calls).toBe(0);
  });
});
