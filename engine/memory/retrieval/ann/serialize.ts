// File format (version 2; version 1, before the coarse lists' residual scales, is refused: rebuild):
//   0  4 bytes  magic "RBVI"
//   4  u32      format version
//   8  u32      byte-order marker 0x01020304 written in host order (typed arrays are raw host-order bytes)
//  12  u32      CRC-32 of every byte from offset 16 to the end
//  16  body: JSON metadata (u32 length + UTF-8), then the typed arrays it describes, each 4-byte aligned.
// Readers refuse a wrong magic, another version, another byte order, a bad checksum or truncated data.

import zlib from 'node:zlib';
import { ByteReader, ByteWriter } from './binary-io';
import { CoarseQuantizer } from './coarse-quantizer';
import { DRIFT_WINDOW, type DriftState } from './drift-monitor';
import { VectorIndexFormatError } from './errors';
import { FlatIndex } from './flat-index';
import { IvfPqIndex } from './ivfpq-index';
import { KSUB, ProductQuantizer } from './product-quantizer';
import { Projection } from './projection';

export const FORMAT_VERSION = 2;
const MAGIC = [0x52, 0x42, 0x56, 0x49]; // "RBVI"
const HEADER = 16;

export interface StoredOptions {
  dim: number;
  seed: number;
  flatThreshold: number;
  nlist: number | null;
  m: number;
  nprobe: number | null;
  refine: number;
  autoTrain: boolean;
  normalize: boolean;
}

interface Meta {
  kind: 'flat' | 'ivfpq';
  options: StoredOptions;
  size: number;
  nlist?: number;
  projectionRank?: number;
  coarseMetric?: 'l2' | 'ip';
  m?: number;
  drift?: { trainError: number; trainedOn: number; recentCount: number; recentNext: number };
}

function byteOrderMarker(): Uint8Array {
  return new Uint8Array(new Uint32Array([0x01020304]).buffer);
}

function writeLists(w: ByteWriter, lists: FlatIndex['store']): void {
  w.typed(lists.sizes);
  for (let l = 0; l < lists.nlist; l++) {
    const n = lists.sizes[l]!;
    w.typed(lists.ids[l]!.subarray(0, n));
    if (lists.codeSize > 0) w.bytes(lists.codes[l]!.subarray(0, n * lists.codeSize));
    w.typed(lists.vecs[l]!.subarray(0, n * lists.dim));
  }
}

function readLists(r: ByteReader, lists: FlatIndex['store']): void {
  const sizes = r.i32(lists.nlist);
  for (let l = 0; l < lists.nlist; l++) {
    const n = sizes[l]!;
    if (n < 0) throw new VectorIndexFormatError(`negative list size in vector index data`);
    lists.ids[l] = r.u32s(n);
    if (lists.codeSize > 0) lists.codes[l] = r.bytes(n * lists.codeSize);
    lists.vecs[l] = r.f32(n * lists.dim);
    lists.sizes[l] = n;
  }
  try {
    lists.reindex();
  } catch (e) {
    throw new VectorIndexFormatError((e as Error).message);
  }
}

export function serializeIndex(options: StoredOptions, inner: FlatIndex | IvfPqIndex): Uint8Array {
  const w = new ByteWriter();
  if (inner instanceof FlatIndex) {
    w.json({ kind: 'flat', options, size: inner.size } satisfies Meta);
    writeLists(w, inner.store);
  } else {
    const c = inner.coarse;
    const dr = inner.drift;
    w.json({
      kind: 'ivfpq', options, size: inner.size, nlist: c.nlist, projectionRank: c.projection?.rank ?? 0, coarseMetric: c.metric, m: inner.m,
      drift: { trainError: dr.trainError, trainedOn: dr.trainedOn, recentCount: dr.recentCount, recentNext: dr.recentNext },
    } satisfies Meta);
    w.typed(c.centroids);
    w.typed(c.scales);
    if (c.projection) w.typed(c.projection.rows);
    w.typed(inner.pq.centroids);
    w.typed(dr.recent);
    writeLists(w, inner.lists);
  }
  const body = w.concat();
  const out = new Uint8Array(HEADER + body.byteLength);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, FORMAT_VERSION, true);
  out.set(byteOrderMarker(), 8);
  out.set(body, HEADER);
  dv.setUint32(12, zlib.crc32(body) >>> 0, true);
  return out;
}

export function deserializeIndex(bytes: Uint8Array): { options: StoredOptions; inner: FlatIndex | IvfPqIndex } {
  if (!(bytes instanceof Uint8Array)) throw new VectorIndexFormatError('vector index data must be a Uint8Array');
  if (bytes.byteLength < HEADER) throw new VectorIndexFormatError(`vector index data is too short (${bytes.byteLength} bytes)`);
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) throw new VectorIndexFormatError('not a vector index (bad magic bytes)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new VectorIndexFormatError(`vector index format version ${version} is not supported (this build reads version ${FORMAT_VERSION}); rebuild the index`);
  const bom = byteOrderMarker();
  for (let i = 0; i < 4; i++) if (bytes[8 + i] !== bom[i]) throw new VectorIndexFormatError('vector index was written on a machine with another byte order');
  const body = bytes.subarray(HEADER);
  const want = dv.getUint32(12, true);
  const got = zlib.crc32(body) >>> 0;
  if (want !== got) throw new VectorIndexFormatError(`vector index data is corrupt (checksum ${got.toString(16)} != ${want.toString(16)})`);
  const r = new ByteReader(bytes, HEADER);
  const meta = r.json<Meta>();
  const o = meta.options;
  if (!o || !Number.isInteger(o.dim) || o.dim <= 0) throw new VectorIndexFormatError('vector index metadata has no valid dim');
  const d = o.dim;
  let inner: FlatIndex | IvfPqIndex;
  if (meta.kind === 'flat') {
    const flat = new FlatIndex(d);
    readLists(r, flat.store);
    inner = flat;
  } else if (meta.kind === 'ivfpq' && meta.nlist && meta.m && meta.drift) {
    const centroids = r.f32(meta.nlist * d);
    const scales = r.f32(meta.nlist);
    const rank = meta.projectionRank ?? 0;
    const projection = rank > 0 ? new Projection(d, rank, r.f32(rank * d)) : null;
    const pqc = r.f32(meta.m * KSUB * (d / meta.m));
    const recent = r.f32(DRIFT_WINDOW);
    const drift: DriftState = { ...meta.drift, recent };
    const ivf = new IvfPqIndex(d, new CoarseQuantizer(d, meta.nlist, centroids, projection, meta.coarseMetric === 'ip' ? 'ip' : 'l2', scales), new ProductQuantizer(d, meta.m, pqc), drift);
    readLists(r, ivf.lists);
    inner = ivf;
  } else {
    throw new VectorIndexFormatError(`vector index metadata names an unknown kind ${JSON.stringify(meta.kind)}`);
  }
  if (inner.size !== meta.size) throw new VectorIndexFormatError(`vector index holds ${inner.size} vectors, metadata says ${meta.size}`);
  if (r.offset !== bytes.byteLength) throw new VectorIndexFormatError('vector index data has trailing bytes');
  return { options: o, inner };
}
