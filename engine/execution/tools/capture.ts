/** Keeps the first `cap` bytes of a stream and counts the rest, so a chatty command cannot fill memory. */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.kept;
    if (room <= 0) {
      if (chunk.length > 0) this.truncated = true;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.kept += part.length;
  }

  /** The kept bytes as UTF-8; a character cut in half at the cap is dropped rather than shown as U+FFFD. */
  text(): string {
    const buf = Buffer.concat(this.chunks);
    return buf.subarray(0, this.truncated ? utf8Boundary(buf) : buf.length).toString('utf8');
  }
}

/** The length of `buf` without a trailing, incomplete UTF-8 sequence. */
export function utf8Boundary(buf: Buffer): number {
  let i = buf.length;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let back = 0;
  while (i > 0 && back < 3 && (buf[i - 1]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i === 0) return buf.length;
  const lead = buf[i - 1]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need === back + 1 ? buf.length : need === 1 ? buf.length : i - 1;
}
