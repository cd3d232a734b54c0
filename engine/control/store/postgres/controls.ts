// Tiers, kill switches and circuit breakers: shared rows every engine, the CLI and the panel read, each change an
// event on its own system chain (so a breaker flapping never waits on a tier change, or on any workflow).
import type { BreakerState, KillSwitchName } from '../../../../protocol/workflow';
import { DEFAULT_TIER, Tier } from '../../policy/schema';
import { breakerEventData, breakerStateOf, closedRow } from '../breakerRules';
import { BreakerRowSchema, KillSwitchRowSchema } from '../rows';
import type { BreakerDecision, BreakerRow, KillSwitchRow } from '../types';
import { appendToChain, notifyCommit, SYSTEM_CHAIN } from './chain';
import { transaction, type Pool, type Sql } from './connect';

const systemEvent = (type: string, actor: 'person' | 'engine', at: number, data: Record<string, unknown>) => ({ workflowId: null, type, from: null, to: null, actor, attempt: 0, at, data });

export async function tier(c: Sql, root: string): Promise<Tier> {
  const row = (await c.query('SELECT tier FROM workspace_tiers WHERE root = $1', [root])).rows[0] as { tier: string } | undefined;
  return row ? Tier.parse(row.tier) : DEFAULT_TIER;
}

export async function saveTier(pool: Pool, channel: string, root: string, t: Tier, by: string, now: number): Promise<void> {
  await transaction(pool, async (c) => {
    await c.query(
      `INSERT INTO workspace_tiers (root, tier, changed_by, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (root) DO UPDATE SET tier = excluded.tier, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
      [root, t, by, now],
    );
    const head = await appendToChain(c, SYSTEM_CHAIN.tier, [systemEvent('tier', 'person', now, { root, tier: t, by })]);
    await notifyCommit(c, channel, head, []);
  });
}

/** Views of the workspace's workflows that wait for a person (setTier rechecks the held ones). */
export async function waitingViews(c: Sql, workspace: string): Promise<string[]> {
  const rows = (await c.query(`SELECT view FROM workflows WHERE workspace = $1 AND state = 'WAITING_FOR_PERSON' ORDER BY id`, [workspace])).rows as Array<{ view: string }>;
  return rows.map((r) => r.view);
}

export async function killSwitches(c: Sql): Promise<KillSwitchRow[]> {
  return (await c.query('SELECT name, engaged, changed_by, changed_at, reason FROM kill_switches ORDER BY name')).rows.map((r) => KillSwitchRowSchema.parse(r));
}

export async function setKillSwitch(pool: Pool, channel: string, name: KillSwitchName, engaged: boolean, by: string, reason: string, now: number): Promise<void> {
  await transaction(pool, async (c) => {
    await c.query(
      `INSERT INTO kill_switches (name, engaged, changed_by, changed_at, reason) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET engaged = excluded.engaged, changed_by = excluded.changed_by, changed_at = excluded.changed_at, reason = excluded.reason`,
      [name, engaged, by, now, reason],
    );
    const head = await appendToChain(c, SYSTEM_CHAIN.killSwitch, [systemEvent('kill_switch', 'person', now, { name, engaged, by, reason })]);
    await notifyCommit(c, channel, head, []);
  });
}

async function breakerRow(c: Sql, name: string, lock: boolean): Promise<BreakerRow | null> {
  const row = (await c.query(`SELECT * FROM breakers WHERE name = $1${lock ? ' FOR UPDATE' : ''}`, [name])).rows[0];
  return row === undefined ? null : BreakerRowSchema.parse(row);
}

export async function breaker(c: Sql, name: string): Promise<BreakerRow> {
  return (await breakerRow(c, name, false)) ?? closedRow(name);
}

export async function breakers(c: Sql): Promise<BreakerState[]> {
  const rows = (await c.query('SELECT * FROM breakers ORDER BY name')).rows.map((r) => BreakerRowSchema.parse(r));
  return rows.map(breakerStateOf);
}

/**
 * The row locked, the rule applied, its row stored. A breaker without a row is closed and stays row-less until a
 * rule changes it; then the row is created and locked first, and the rule decides again on it (no lost update).
 */
export async function updateBreaker<T>(pool: Pool, channel: string, name: string, now: number, decide: (row: BreakerRow) => BreakerDecision<T>): Promise<T> {
  return transaction(pool, async (c) => {
    let row = await breakerRow(c, name, true);
    let decision = decide(row ?? closedRow(name));
    if (!decision.next) return decision.result;
    if (!row) {
      await c.query(`INSERT INTO breakers (name, state, consecutive_failures) VALUES ($1, 'closed', 0) ON CONFLICT (name) DO NOTHING`, [name]);
      row = (await breakerRow(c, name, true))!;
      decision = decide(row);
      if (!decision.next) return decision.result;
    }
    const next = decision.next;
    await c.query('UPDATE breakers SET state = $2, consecutive_failures = $3, opened_at = $4, probe_started_at = $5 WHERE name = $1', [
      name,
      next.state,
      next.consecutiveFailures,
      next.openedAt,
      next.probeStartedAt,
    ]);
    if (next.state !== row.state) {
      const head = await appendToChain(c, SYSTEM_CHAIN.breaker(name), [systemEvent('breaker', 'engine', now, breakerEventData(row, next))]);
      await notifyCommit(c, channel, head, []);
    }
    return decision.result;
  });
}
