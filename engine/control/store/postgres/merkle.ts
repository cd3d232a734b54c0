// Merkle checkpoints over chain heads. A chain's head hash covers every event of that chain, so a root over
// all heads commits to every event committed before the checkpoint, without any commit ever waiting for it.
import { canonicalJson, sha256 } from '../../workflow/canonical';

export interface Head {
  readonly chain: string;
  readonly seq: number;
  readonly hash: string;
}

/** Leaves in code-unit order of the chain name (never a database collation, so any verifier gets the same root). */
export function sortHeads(heads: Iterable<Head>): Head[] {
  return [...heads].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
}

export function leafHash(h: Head): string {
  return sha256(`leaf\n${canonicalJson([h.chain, h.seq, h.hash])}`);
}

/** Pairs hashed level by level; an odd node goes up unchanged. Leaves and nodes are domain-separated. */
export function merkleRoot(sorted: readonly Head[]): string {
  if (sorted.length === 0) return sha256('empty');
  let level = sorted.map(leafHash);
  while (level.length > 1) {
    const up: string[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(i + 1 < level.length ? sha256(`node\n${level[i]}${level[i + 1]}`) : level[i]!);
    level = up;
  }
  return level[0]!;
}

export interface CheckpointFields {
  readonly id: number;
  readonly at: number;
  readonly prevHash: string;
  readonly root: string;
  readonly chains: number;
  readonly events: number;
}

/** Each checkpoint hashes the previous one: the checkpoints form their own chain, the audit's global order. */
export function checkpointHash(c: CheckpointFields): string {
  return sha256(canonicalJson([c.id, c.at, c.prevHash, c.root, c.chains, c.events]));
}
