// Little-endian byte writer/reader for the index file. Typed arrays are written as raw bytes, padded
// to 4-byte boundaries; the reader copies them into fresh, aligned arrays and never reads past the end.

import { VectorIndexFormatError } from './errors';

export class ByteWriter {
  private chunks: Uint8Array[] = [];
  length = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.byteLength;
    const pad = (4 - (b.byteLength % 4)) % 4;
    if (pad) {
      this.chunks.push(new Uint8Array(pad));
      this.length += pad;
    }
  }

  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.push(b);
  }

  f64(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.push(b);
  }

  bytes(a: Uint8Array): void {
    this.push(a);
  }

  typed(a: Float32Array | Int32Array | Uint32Array): void {
    this.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  json(v: unknown): void {
    const b = new TextEncoder().encode(JSON.stringify(v));
    this.u32(b.byteLength);
    this.push(b);
  }

  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.byteLength;
    }
    return out;
  }
}

export class ByteReader {
  private off: number;

  constructor(
    private readonly buf: Uint8Array,
    start: number,
  ) {
    this.off = start;
  }

  get offset(): number {
    return this.off;
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.off + n > this.buf.byteLength) throw new VectorIndexFormatError(`vector index data is truncated (wanted ${n} bytes at offset ${this.off} of ${this.buf.byteLength})`);
    const out = this.buf.slice(this.off, this.off + n);
    this.off += n + ((4 - (n % 4)) % 4);
    return out;
  }

  u32(): number {
    return new DataView(this.take(4).buffer).getUint32(0, true);
  }

  f64(): number {
    return new DataView(this.take(8).buffer).getFloat64(0, true);
  }

  bytes(n: number): Uint8Array {
    return this.take(n);
  }

  f32(n: number): Float32Array {
    return new Float32Array(this.take(n * 4).buffer, 0, n);
  }

  i32(n: number): Int32Array {
    return new Int32Array(this.take(n * 4).buffer, 0, n);
  }

  u32s(n: number): Uint32Array {
    return new Uint32Array(this.take(n * 4).buffer, 0, n);
  }

  json<T>(): T {
    const n = this.u32();
    try {
      return JSON.parse(new TextDecoder().decode(this.take(n))) as T;
    } catch (e) {
      if (e instanceof VectorIndexFormatError) throw e;
      throw new VectorIndexFormatError('vector index metadata is not valid JSON');
    }
  }
}
