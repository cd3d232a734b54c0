// Per-list storage: PQ codes (Uint8Array), external ids (Uint32Array) and the float vectors used for
// exact re-ranking (Float32Array), all grown by doubling. Deletion is swap-remove (the last entry of
// the list moves into the hole), so lists stay dense and no tombstones have to be skipped while scanning.
// An id -> (list, position) map makes delete O(1).

const LIST_SPAN = 1 << 20; // positions are packed as pos * LIST_SPAN + list; nlist must stay below this

export class InvertedLists {
  readonly sizes: Int32Array;
  readonly codes: Uint8Array[];
  readonly ids: Uint32Array[];
  readonly vecs: Float32Array[];
  private readonly where = new Map<number, number>();

  constructor(
    readonly nlist: number,
    readonly dim: number,
    readonly codeSize: number,
  ) {
    if (nlist >= LIST_SPAN) throw new RangeError(`nlist ${nlist} too large`);
    this.sizes = new Int32Array(nlist);
    this.codes = [];
    this.ids = [];
    this.vecs = [];
    for (let l = 0; l < nlist; l++) {
      this.codes.push(new Uint8Array(0));
      this.ids.push(new Uint32Array(0));
      this.vecs.push(new Float32Array(0));
    }
  }

  get size(): number {
    return this.where.size;
  }

  has(id: number): boolean {
    return this.where.has(id);
  }

  /** List holding id, or -1. */
  listOf(id: number): number {
    const w = this.where.get(id);
    return w === undefined ? -1 : w % LIST_SPAN;
  }

  /** Makes room for `extra` more entries in list l. */
  reserve(l: number, extra: number): void {
    const need = this.sizes[l]! + extra;
    const cap = this.ids[l]!.length;
    if (need <= cap) return;
    const nc = Math.max(need, cap * 2, 8);
    const ids = new Uint32Array(nc);
    ids.set(this.ids[l]!.subarray(0, this.sizes[l]!));
    this.ids[l] = ids;
    const vecs = new Float32Array(nc * this.dim);
    vecs.set(this.vecs[l]!.subarray(0, this.sizes[l]! * this.dim));
    this.vecs[l] = vecs;
    if (this.codeSize > 0) {
      const codes = new Uint8Array(nc * this.codeSize);
      codes.set(this.codes[l]!.subarray(0, this.sizes[l]! * this.codeSize));
      this.codes[l] = codes;
    }
  }

  /** Appends one entry; the id must not be present. code may be null when codeSize is 0. */
  append(l: number, id: number, vec: Float32Array, vo: number, code: Uint8Array | null, co: number): void {
    this.reserve(l, 1);
    const pos = this.sizes[l]!;
    this.ids[l]![pos] = id;
    this.vecs[l]!.set(vec.subarray(vo, vo + this.dim), pos * this.dim);
    if (this.codeSize > 0 && code) this.codes[l]!.set(code.subarray(co, co + this.codeSize), pos * this.codeSize);
    this.sizes[l] = pos + 1;
    this.where.set(id, pos * LIST_SPAN + l);
  }

  /** Removes id; returns false when absent. */
  remove(id: number): boolean {
    const w = this.where.get(id);
    if (w === undefined) return false;
    const l = w % LIST_SPAN;
    const pos = (w - l) / LIST_SPAN;
    const last = this.sizes[l]! - 1;
    if (pos !== last) {
      const ids = this.ids[l]!;
      const moved = ids[last]!;
      ids[pos] = moved;
      const d = this.dim;
      this.vecs[l]!.copyWithin(pos * d, last * d, last * d + d);
      const cs = this.codeSize;
      if (cs > 0) this.codes[l]!.copyWithin(pos * cs, last * cs, last * cs + cs);
      this.where.set(moved, pos * LIST_SPAN + l);
    }
    this.sizes[l] = last;
    this.where.delete(id);
    return true;
  }

  /** Rebuilds the id map after lists were filled directly (deserialisation). */
  reindex(): void {
    this.where.clear();
    for (let l = 0; l < this.nlist; l++) {
      const ids = this.ids[l]!;
      for (let p = 0; p < this.sizes[l]!; p++) {
        if (this.where.has(ids[p]!)) throw new Error(`duplicate id ${ids[p]} in index data`);
        this.where.set(ids[p]!, p * LIST_SPAN + l);
      }
    }
  }

  /** Calls fn for every stored (id, vector offset) pair, list by list. */
  forEach(fn: (id: number, vecs: Float32Array, offset: number) => void): void {
    for (let l = 0; l < this.nlist; l++) {
      const ids = this.ids[l]!;
      const v = this.vecs[l]!;
      for (let p = 0; p < this.sizes[l]!; p++) fn(ids[p]!, v, p * this.dim);
    }
  }

  /** Bytes held by codes + ids (the per-vector index cost, excluding the float copies). */
  codeAndIdBytes(): number {
    let total = 0;
    for (let l = 0; l < this.nlist; l++) total += this.sizes[l]! * (this.codeSize + 4);
    return total;
  }
}
