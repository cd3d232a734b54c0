/** A serialized index that cannot be loaded: wrong magic, unsupported version, truncated, or checksum mismatch. */
export class VectorIndexFormatError extends Error {
  override readonly name = 'VectorIndexFormatError';
}
