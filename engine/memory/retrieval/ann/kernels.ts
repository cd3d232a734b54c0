// The index's hot loops as kernels over one linear memory (an Arena): WebAssembly SIMD where the runtime
// has it (wasm/kernels.wat, assembled into wasm/kernels-bytes.ts), otherwise the plain-TypeScript twins
// below. Each twin performs the same float32 operations in the same order (Math.fround after every
// multiply and add; float32 sums of float32 values rounded from float64 are exact IEEE float32 results),
// so both backends give bit-identical results: the same data and seed build the same index on both, and
// test/unit/ann/kernels.test.ts checks it on random data.
//
// Pointers are byte offsets into the arena, 4-byte aligned for float and int data (the arena hands out
// 16-byte aligned blocks). Matrices the kernels multiply by (centroids, codebooks, projections) are
// "panel-major": d x kp with kp a multiple of 16, stored as kp/16 panels of d x 16 contiguous floats, so
// column c of row j sits at ((c >> 4) * d + j) * 16 + (c & 15) and a panel is read sequentially
// (padding columns are zero).

import { KERNELS_WASM_BASE64 } from './wasm/kernels-bytes';

export interface KernelFns {
  dot(a: number, b: number, d: number): number;
  dot_rows(q: number, rows: number, n: number, d: number, out: number): void;
  dot_idx(q: number, base: number, idx: number, n: number, d: number, out: number): void;
  gemv_dm(x: number, mat: number, d: number, kp: number, out: number): void;
  gemv_dm_multi(x: number, mat: number, d: number, kp: number, blocks: number, out: number): void;
  argmax_sub(s: number, h: number, k: number, outScore: number): number;
  assign_batch(x: number, n: number, d: number, mat: number, half: number, k: number, kp: number, scratch: number, outIdx: number, outScore: number): void;
  pq_encode(r: number, mat: number, half: number, dsub: number, m: number, scratch: number, codes: number): number;
  lut_quantize(lut: number, m: number, out: number, meta: number): void;
  adc_u16(lut: number, codes: number, n: number, m: number, out: number): void;
}

export type KernelBackend = 'wasm-simd' | 'typescript';

const PAGE = 65536;

// The WebAssembly API the kernels use. Node has it at run time; TypeScript declares it only in the DOM library,
// which the engine does not compile against (tsconfig.engine.json), so it is typed here, as narrowly as used.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: WasmModule, imports: { env: { mem: WasmMemory } }) => { readonly exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let wasmModule: WasmModule | null | undefined;

function loadModule(): WasmModule | null {
  if (wasmModule !== undefined) return wasmModule;
  try {
    const bytes = Uint8Array.from(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    wasmModule = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  } catch {
    wasmModule = null;
  }
  return wasmModule;
}

let forced: KernelBackend | null = process.env.RUNBOOK_ANN_KERNELS === 'typescript' ? 'typescript' : null;

/** The backend new arenas use: WebAssembly SIMD when this runtime validates the module. */
export function kernelBackend(): KernelBackend {
  if (forced) return forced;
  return loadModule() ? 'wasm-simd' : 'typescript';
}

/** For tests and benchmarks: force a backend (null: automatic). RUNBOOK_ANN_KERNELS=typescript does the same. */
export function setKernelBackend(b: KernelBackend | null): void {
  if (b === 'wasm-simd' && !loadModule()) throw new Error('WebAssembly SIMD is not available in this runtime');
  forced = b;
}

/**
 * A growable linear memory with a bump allocator and the kernels bound to it. Views are refreshed after
 * growth, so never keep them across a call that may allocate.
 */
export class Arena {
  readonly backend: KernelBackend;
  readonly k: KernelFns;
  private mem: WasmMemory | null;
  private buf: ArrayBuffer;
  f32!: Float32Array;
  u8!: Uint8Array;
  u16!: Uint16Array;
  i32!: Int32Array;
  u32!: Uint32Array;
  private top = 16;

  constructor(initialBytes = PAGE, backend: KernelBackend = kernelBackend()) {
    this.backend = backend;
    const pages = Math.max(1, Math.ceil(initialBytes / PAGE));
    if (backend === 'wasm-simd') {
      const mod = loadModule();
      if (!mod) throw new Error('WebAssembly SIMD is not available in this runtime');
      this.mem = new wasm.Memory({ initial: pages });
      const inst = new wasm.Instance(mod, { env: { mem: this.mem } });
      this.k = inst.exports as unknown as KernelFns;
      this.buf = this.mem.buffer;
    } else {
      this.mem = null;
      this.buf = new ArrayBuffer(pages * PAGE);
      this.k = tsKernels(this);
    }
    this.refresh();
  }

  private refresh(): void {
    if (this.mem) this.buf = this.mem.buffer;
    this.f32 = new Float32Array(this.buf);
    this.u8 = new Uint8Array(this.buf);
    this.u16 = new Uint16Array(this.buf);
    this.i32 = new Int32Array(this.buf);
    this.u32 = new Uint32Array(this.buf);
  }

  get byteLength(): number {
    return this.buf.byteLength;
  }

  /** Makes the memory at least `bytes` long. */
  ensure(bytes: number): void {
    if (bytes <= this.buf.byteLength) return;
    const want = Math.max(bytes, Math.min(this.buf.byteLength * 2, this.buf.byteLength + 256 * PAGE));
    const pages = Math.ceil((want - this.buf.byteLength) / PAGE);
    if (this.mem) this.mem.grow(pages);
    else {
      const nb = new ArrayBuffer(this.buf.byteLength + pages * PAGE);
      new Uint8Array(nb).set(new Uint8Array(this.buf));
      this.buf = nb;
    }
    this.refresh();
  }

  /** Reserves `bytes` (16-byte aligned) and returns its byte offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = (at + bytes + 15) & ~15;
    this.ensure(this.top);
    return at;
  }

  /** The current allocation mark; `release(mark)` frees everything allocated after it (scratch). */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Copies a float array in at byte offset p. */
  putF32(p: number, src: Float32Array): void {
    this.f32.set(src, p >> 2);
  }
}

/** Rounds up to a multiple of 16 (column padding of dimension-major matrices). */
export function pad16(k: number): number {
  return (k + 15) & ~15;
}

/** Offset of column c, row j in a panel-major matrix of d rows (see the header). */
export function panelIndex(c: number, j: number, d: number): number {
  return ((c >> 4) * d + j) * 16 + (c & 15);
}

/** rows (n x d, row-major: one column per row) -> panel-major d x pad16(n), zero padding. */
export function toDimMajor(rows: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(d * pad16(n));
  for (let c = 0; c < n; c++) for (let j = 0; j < d; j++) out[panelIndex(c, j, d)] = rows[c * d + j]!;
  return out;
}

const f = Math.fround;

/** The plain-TypeScript twins of wasm/kernels.wat, over the arena's views (see the header). */
function tsKernels(a: Arena): KernelFns {
  const dot = (pa: number, pb: number, d: number): number => {
    const F = a.f32;
    let x = pa >> 2;
    let y = pb >> 2;
    const e16 = x + (d & ~15);
    const e4 = x + (d & ~3);
    const e = x + d;
    const p = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (; x < e16; x += 16, y += 16) for (let i = 0; i < 16; i++) p[i] = f(p[i]! + f(F[x + i]! * F[y + i]!));
    let l0 = f(f(p[0]! + p[4]!) + f(p[8]! + p[12]!));
    let l1 = f(f(p[1]! + p[5]!) + f(p[9]! + p[13]!));
    let l2 = f(f(p[2]! + p[6]!) + f(p[10]! + p[14]!));
    let l3 = f(f(p[3]! + p[7]!) + f(p[11]! + p[15]!));
    for (; x < e4; x += 4, y += 4) {
      l0 = f(l0 + f(F[x]! * F[y]!));
      l1 = f(l1 + f(F[x + 1]! * F[y + 1]!));
      l2 = f(l2 + f(F[x + 2]! * F[y + 2]!));
      l3 = f(l3 + f(F[x + 3]! * F[y + 3]!));
    }
    let s = f(f(l0 + l1) + f(l2 + l3));
    for (; x < e; x++, y++) s = f(s + f(F[x]! * F[y]!));
    return s;
  };
  const gemv = (x: number, mat: number, d: number, kp: number, out: number): void => {
    const F = a.f32;
    const xo = x >> 2;
    const mo = mat >> 2;
    const oo = out >> 2;
    for (let c = 0; c < kp; c++) {
      let s = 0;
      const po = mo + (c >> 4) * d * 16 + (c & 15);
      for (let j = 0; j < d; j++) s = f(s + f(F[xo + j]! * F[po + j * 16]!));
      F[oo + c] = s;
    }
  };
  const argmax = (s: number, h: number, k: number, outScore: number): number => {
    const F = a.f32;
    const so = s >> 2;
    const ho = h >> 2;
    let best = -Infinity;
    let bi = 0;
    for (let c = 0; c < k; c++) {
      const v = f(F[so + c]! - F[ho + c]!);
      if (v > best) {
        best = v;
        bi = c;
      }
    }
    F[outScore >> 2] = best;
    return bi;
  };
  return {
    dot,
    dot_rows(q, rows, n, d, out) {
      for (let i = 0; i < n; i++) a.f32[(out >> 2) + i] = dot(q, rows + i * d * 4, d);
    },
    dot_idx(q, base, idx, n, d, out) {
      for (let i = 0; i < n; i++) a.f32[(out >> 2) + i] = dot(q, base + a.i32[(idx >> 2) + i]! * d * 4, d);
    },
    gemv_dm: gemv,
    gemv_dm_multi(x, mat, d, kp, blocks, out) {
      for (let b = 0; b < blocks; b++) gemv(x + b * d * 4, mat + b * d * kp * 4, d, kp, out + b * kp * 4);
    },
    argmax_sub: argmax,
    assign_batch(x, n, d, mat, half, k, kp, scratch, outIdx, outScore) {
      for (let i = 0; i < n; i++) a.i32[(outIdx >> 2) + i] = (gemv(x + i * d * 4, mat, d, kp, scratch), argmax(scratch, half, k, outScore + i * 4));
    },
    pq_encode(r, mat, half, dsub, m, scratch, codes) {
      let err = 0;
      for (let q = 0; q < m; q++) {
        gemv(r, mat, dsub, 256, scratch);
        a.u8[codes + q] = argmax(scratch, half, 256, scratch + 1024);
        const F = a.f32;
        let rn = 0;
        for (let j = 0; j < dsub; j++) rn = f(rn + f(F[(r >> 2) + j]! * F[(r >> 2) + j]!));
        const e = f(rn - f(2 * F[(scratch >> 2) + 256]!));
        if (e > 0) err = f(err + e);
        r += dsub * 4;
        mat += dsub * 1024;
        half += 1024;
      }
      return err;
    },
    lut_quantize(lut, m, out, meta) {
      const F = a.f32;
      const lo = lut >> 2;
      const mo = meta >> 2;
      const pmin = (x: number, y: number) => (y < x ? y : x);
      const pmax = (x: number, y: number) => (x < y ? y : x);
      let maxr = 0;
      let bias = 0;
      for (let j = 0; j < m; j++) {
        const b = lo + j * 256;
        const mn = [F[b]!, F[b + 1]!, F[b + 2]!, F[b + 3]!];
        const mx = mn.slice();
        for (let c = 4; c < 256; c += 4) {
          for (let i = 0; i < 4; i++) {
            mn[i] = pmin(mn[i]!, F[b + c + i]!);
            mx[i] = pmax(mx[i]!, F[b + c + i]!);
          }
        }
        const mnf = pmin(pmin(mn[0]!, mn[1]!), pmin(mn[2]!, mn[3]!));
        const mxf = pmax(pmax(mx[0]!, mx[1]!), pmax(mx[2]!, mx[3]!));
        F[mo + 2 + j] = mnf;
        maxr = pmax(maxr, f(mxf - mnf));
        bias = f(bias + mnf);
      }
      const inv = maxr > 0 ? f(65535 / maxr) : 0;
      F[mo] = bias;
      F[mo + 1] = f(maxr / 65535);
      const U = a.u16;
      const uo = out >> 1;
      for (let j = 0; j < m; j++) {
        const mn = F[mo + 2 + j]!;
        for (let c = 0; c < 256; c++) {
          const t = pmin(f(f(f(F[lo + j * 256 + c]! - mn) * inv) + 0.5), 65535);
          // i32x4.trunc_sat_f32x4_s then i16x8.narrow_i32x4_u: NaN and negatives -> 0, above 65535 -> 65535
          U[uo + j * 256 + c] = t > 0 ? Math.min(Math.trunc(t), 65535) : 0;
        }
      }
    },
    adc_u16(lut, codes, n, m, out) {
      const U = a.u16;
      const B = a.u8;
      const O = a.u32;
      const lo = lut >> 1;
      for (let i = 0; i < n; i++) {
        let s = 0;
        const co = codes + i * m;
        for (let j = 0; j < m; j++) s += U[lo + j * 256 + B[co + j]!]!;
        O[(out >> 2) + i] = s;
      }
    },
  };
}
