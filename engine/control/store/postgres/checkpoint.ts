// Taking a checkpoint: one READ COMMITTED statement reads every chain head (one consistent snapshot, no locks on
// the heads, so commits go on), the Merkle root over them is stored with the heads that moved since the last one.
// Only checkpoint takers wait for each other (EXCLUSIVE lock on the checkpoints table, which commits never touch).
import { z } from 'zod';
import { GENESIS_HASH } from './chain';
import { transaction, type Pool, type Sql } from './connect';
import { checkpointHash, merkleRoot, sortHeads, type Head } from './merkle';
import type { AuditCheckpoint } from '../types';

const int = z.coerce.number().int();
export const CheckpointRow = z
  .object({ id: int, at: int, prev_hash: z.string(), root: z.string(), chains: int, events: int, hash: z.string() })
  .transform((r) => ({ id: r.id, at: r.at, prevHash: r.prev_hash, root: r.root, chains: r.chains, events: r.events, hash: r.hash }));
export const HeadRow = z.object({ chain: z.string(), seq: int, hash: z.string() });
export const CheckpointHeadRow = HeadRow.extend({ checkpoint_id: int });

const toAudit = (c: z.infer<typeof CheckpointRow>): AuditCheckpoint => ({ id: c.id, at: c.at, events: c.events, chains: c.chains, root: c.root, hash: c.hash });

/** The heads each chain had at the newest checkpoint that moved it. */
async function sealedHeads(c: Sql): Promise<Map<string, Head>> {
  const rows = (await c.query('SELECT DISTINCT ON (chain) chain, seq, hash FROM checkpoint_heads ORDER BY chain, checkpoint_id DESC')).rows.map((r) => HeadRow.parse(r));
  return new Map(rows.map((h) => [h.chain, h]));
}

export async function createCheckpoint(pool: Pool, now: number): Promise<AuditCheckpoint | null> {
  return transaction(pool, async (c) => {
    await c.query('LOCK TABLE checkpoints IN EXCLUSIVE MODE');
    const lastRaw = (await c.query('SELECT * FROM checkpoints ORDER BY id DESC LIMIT 1')).rows[0];
    const last = lastRaw === undefined ? null : CheckpointRow.parse(lastRaw);
    const sealed = await sealedHeads(c);
    const heads = (await c.query('SELECT chain, seq, hash FROM chain_heads WHERE seq > 0')).rows.map((r) => HeadRow.parse(r));
    const moved = heads.filter((h) => sealed.get(h.chain)?.seq !== h.seq);
    if (moved.length === 0) return last ? toAudit(last) : null;
    for (const h of moved) sealed.set(h.chain, h);
    const all = sortHeads(sealed.values());
    const fields = {
      id: (last?.id ?? 0) + 1,
      at: now,
      prevHash: last?.hash ?? GENESIS_HASH,
      root: merkleRoot(all),
      chains: all.length,
      events: all.reduce((n, h) => n + h.seq, 0),
    };
    const hash = checkpointHash(fields);
    await c.query('INSERT INTO checkpoints (id, at, prev_hash, root, chains, events, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      fields.id,
      fields.at,
      fields.prevHash,
      fields.root,
      fields.chains,
      fields.events,
      hash,
    ]);
    for (let i = 0; i < moved.length; i += 2000) {
      const batch = moved.slice(i, i + 2000);
      await c.query(
        'INSERT INTO checkpoint_heads (checkpoint_id, chain, seq, hash) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[])',
        [fields.id, batch.map((h) => h.chain), batch.map((h) => h.seq), batch.map((h) => h.hash)],
      );
    }
    return { ...fields, hash };
  });
}
