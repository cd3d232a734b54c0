import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Arena, kernelBackend, pad16, panelIndex, setKernelBackend, toDimMajor, type KernelBackend } from '../../../engine/memory/retrieval/ann/kernels';
import { createRng } from '../../../engine/memory/retrieval/ann/prng';

// Every kernel is run on the same random memory by the WebAssembly SIMD module and by its plain-TypeScript
// twin; the results must agree bit for bit (floats compared as their 32-bit patterns).

const WASM = kernelBackend() === 'wasm-simd';

/** Two arenas, one per backend, holding the same bytes. */
function pair(bytes: number, fill: (a: Arena) => void): [Arena, Arena] {
  const w = new Arena(bytes, 'wasm-simd');
  const t = new Arena(bytes, 'typescript');
  for (const a of [w, t]) {
    a.alloc(bytes);
    fill(a);
  }
  return [w, t];
}

function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.gaussian();
  return out;
}

function bits(a: Arena, ptr: number, n: number): number[] {
  return Array.from(a.u32.subarray(ptr >> 2, (ptr >> 2) + n));
}

describe.runIf(WASM)('ann kernels: WebAssembly SIMD and TypeScript agree bit for bit', () => {
  for (const d of [1, 3, 4, 8, 15, 16, 17, 63, 64, 100, 256, 384]) {
    it(`dot_rows / dot_idx, d=${d}`, () => {
      const n = 37;
      const data = randomFloats((n + 1) * d, d);
      const [w, t] = pair(4 * ((n + 1) * d + 2 * n + 64), (a) => a.putF32(16, data));
      const rows = 16 + 4 * d;
      const out = 16 + 4 * (n + 1) * d;
      const idx = out + 4 * n;
      for (const a of [w, t]) {
        for (let i = 0; i < n; i++) a.i32[(idx >> 2) + i] = (i * 7) % n;
        a.k.dot_rows(16, rows, n, d, out);
      }
      expect(bits(w, out, n)).toEqual(bits(t, out, n));
      for (const a of [w, t]) a.k.dot_idx(16, rows, idx, n, d, out);
      expect(bits(w, out, n)).toEqual(bits(t, out, n));
      expect(w.k.dot(16, rows, d)).toBe(t.k.dot(16, rows, d));
    });
  }

  for (const [d, k] of [[8, 256], [64, 1024], [384, 64], [12, 40], [1, 16]] as const) {
    it(`gemv_dm and argmax_sub, d=${d} k=${k}`, () => {
      const kp = pad16(k);
      const mat = toDimMajor(randomFloats(k * d, 100 + d), k, d);
      const x = randomFloats(d, 200 + k);
      const half = randomFloats(kp, 300, 0.1);
      const pm = 16;
      const px = pm + mat.byteLength;
      const ph = px + 4 * d;
      const po = ph + 4 * kp;
      const [w, t] = pair(po + 4 * (kp + 16), (a) => {
        a.putF32(pm, mat);
        a.putF32(px, x);
        a.putF32(ph, half);
      });
      for (const a of [w, t]) a.k.gemv_dm(px, pm, d, kp, po);
      expect(bits(w, po, kp)).toEqual(bits(t, po, kp));
      const bw = w.k.argmax_sub(po, ph, k, po + 4 * kp);
      const bt = t.k.argmax_sub(po, ph, k, po + 4 * kp);
      expect(bw).toBe(bt);
      expect(bits(w, po + 4 * kp, 1)).toEqual(bits(t, po + 4 * kp, 1));
    });
  }

  it('argmax_sub and assign_batch: first maximum on ties, any k', () => {
    for (const k of [1, 3, 4, 13, 16, 255, 256, 1024]) {
      const kp = pad16(k);
      const rng = createRng(k);
      // Few distinct values, so ties are common; one row all -Infinity.
      const s = new Float32Array(kp + 16);
      for (let c = 0; c < k; c++) s[c] = rng.int(5) - 2;
      const h = new Float32Array(kp);
      for (let c = 0; c < k; c++) h[c] = rng.int(2) * 0.5;
      const [w, t] = pair(4 * (3 * kp + 64), (a) => {
        a.putF32(16, s);
        a.putF32(16 + 4 * (kp + 16), h);
      });
      const ph = 16 + 4 * (kp + 16);
      const po = ph + 4 * kp;
      expect(w.k.argmax_sub(16, ph, k, po)).toBe(t.k.argmax_sub(16, ph, k, po));
      expect(bits(w, po, 1)).toEqual(bits(t, po, 1));
      for (const a of [w, t]) a.putF32(16, new Float32Array(kp).fill(-Infinity));
      expect(w.k.argmax_sub(16, ph, k, po)).toBe(0);
      expect(t.k.argmax_sub(16, ph, k, po)).toBe(0);
    }
    const d = 8;
    const k = 200;
    const n = 97;
    const kp = pad16(k);
    const mat = toDimMajor(randomFloats(k * d, 5), k, d);
    const xs = randomFloats(n * d, 6);
    const half = randomFloats(kp, 8, 0.2);
    let o = 16;
    const pm = o; o += mat.byteLength;
    const px = o; o += xs.byteLength;
    const ph = o; o += half.byteLength;
    const ps = o; o += 4 * (kp + 16);
    const pi = o; o += 4 * n + 16 - ((4 * n) % 16);
    const pb = o; o += 4 * n + 16 - ((4 * n) % 16);
    const [w, t] = pair(o, (a) => {
      a.putF32(pm, mat);
      a.putF32(px, xs);
      a.putF32(ph, half);
    });
    for (const a of [w, t]) a.k.assign_batch(px, n, d, pm, ph, k, kp, ps, pi, pb);
    expect(bits(w, pi, n)).toEqual(bits(t, pi, n));
    expect(bits(w, pb, n)).toEqual(bits(t, pb, n));
  });

  for (const [m, dsub] of [[48, 8], [32, 8], [16, 24], [7, 4]] as const) {
    it(`pq_encode, gemv_dm_multi, lut_quantize and adc_u16, m=${m} dsub=${dsub}`, () => {
      const cb = randomFloats(m * dsub * 256, m);
      const half = new Float32Array(m * 256);
      for (let i = 0; i < m * 256; i++) {
        let s = 0;
        for (let j = 0; j < dsub; j++) {
          const v = cb[Math.floor(i / 256) * dsub * 256 + panelIndex(i % 256, j, dsub)]!;
          s += v * v;
        }
        half[i] = 0.5 * s;
      }
      const r = randomFloats(m * dsub, 7 + m);
      const nCodes = 301;
      const rng = createRng(m);
      const codes = new Uint8Array(nCodes * m);
      for (let i = 0; i < codes.length; i++) codes[i] = rng.int(256);
      let o = 16;
      const pm = o; o += cb.byteLength;
      const ph = o; o += half.byteLength;
      const pr = o; o += r.byteLength;
      const ps = o; o += 4 * 272;
      const pc = o; o += m + 16 - (m % 16);
      const pl = o; o += 4 * m * 256;
      const p16 = o; o += 2 * m * 256;
      const pmeta = o; o += 4 * (m + 2) + 16 - ((4 * (m + 2)) % 16);
      const pcodes = o; o += codes.length + 16 - (codes.length % 16);
      const psums = o; o += 4 * nCodes;
      const [w, t] = pair(o + 64, (a) => {
        a.putF32(pm, cb);
        a.putF32(ph, half);
        a.putF32(pr, r);
        a.u8.set(codes, pcodes);
      });
      const ew = w.k.pq_encode(pr, pm, ph, dsub, m, ps, pc);
      const et = t.k.pq_encode(pr, pm, ph, dsub, m, ps, pc);
      expect(ew).toBe(et);
      expect(Array.from(w.u8.subarray(pc, pc + m))).toEqual(Array.from(t.u8.subarray(pc, pc + m)));
      for (const a of [w, t]) {
        a.k.gemv_dm_multi(pr, pm, dsub, 256, m, pl);
        a.k.lut_quantize(pl, m, p16, pmeta);
        a.k.adc_u16(p16, pcodes, nCodes, m, psums);
      }
      expect(bits(w, pl, m * 256)).toEqual(bits(t, pl, m * 256));
      expect(bits(w, pmeta, m + 2)).toEqual(bits(t, pmeta, m + 2));
      expect(Array.from(w.u16.subarray(p16 >> 1, (p16 >> 1) + m * 256))).toEqual(Array.from(t.u16.subarray(p16 >> 1, (p16 >> 1) + m * 256)));
      expect(bits(w, psums, nCodes)).toEqual(bits(t, psums, nCodes));
      // The quantized table tracks the float one: each entry within half a step, each sum within m/2 steps.
      const step = w.f32[(pmeta >> 2) + 1]!;
      const mins = w.f32.subarray((pmeta >> 2) + 2, (pmeta >> 2) + 2 + m);
      for (let i = 0; i < m * 256; i++) {
        const approx = mins[Math.floor(i / 256)]! + step * w.u16[(p16 >> 1) + i]!;
        expect(Math.abs(approx - w.f32[(pl >> 2) + i]!)).toBeLessThanOrEqual(0.51 * step);
      }
    });
  }

  it('arenas grow without losing their contents', () => {
    for (const b of ['wasm-simd', 'typescript'] as KernelBackend[]) {
      const a = new Arena(1024, b);
      const p = a.alloc(64);
      a.f32[p >> 2] = 1.5;
      a.alloc(5 * 65536);
      expect(a.f32[p >> 2]).toBe(1.5);
      expect(a.byteLength).toBeGreaterThanOrEqual(5 * 65536);
    }
  });
});

describe('ann kernels: build', () => {
  it('the committed module bytes are kernels.wat assembled (node engine/memory/retrieval/ann/wasm/assemble.mjs)', async () => {
    const dir = path.join(__dirname, '../../../engine/memory/retrieval/ann/wasm');
    const { assembleKernels, renderBytesModule } = (await import(path.join(dir, 'assemble.mjs'))) as {
      assembleKernels: () => Promise<Buffer>;
      renderBytesModule: (b: Buffer) => string;
    };
    expect(fs.readFileSync(path.join(dir, 'kernels-bytes.ts'), 'utf8')).toBe(renderBytesModule(await assembleKernels()));
  });

  it('a forced TypeScript backend is used by new arenas', () => {
    setKernelBackend('typescript');
    expect(new Arena(1024).backend).toBe('typescript');
  });
});

afterEach(() => setKernelBackend(null));
