/**
 * BodyWindow keeps the first `limit` bytes of a body, for conditions that read it. Chunks are
 * copied as they arrive (undici hands out views of its socket buffer) and joined once, when
 * the body is read; bytes past the limit are only counted as `truncated`.
 */
export class BodyWindow {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #length = 0;
  #truncated = false;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** truncated tells whether the body went on past the window. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** push keeps the part of `chunk` that falls inside the window. */
  push(chunk: Buffer): void {
    const room = this.#limit - this.#length;
    if (chunk.length > room) this.#truncated = true;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#chunks.push(Buffer.from(part));
    this.#length += part.length;
  }

  /** bytes returns the kept bytes as one buffer. */
  bytes(): Buffer {
    if (this.#chunks.length !== 1) this.#chunks = [Buffer.concat(this.#chunks, this.#length)];
    return this.#chunks[0] as Buffer; // exactly one chunk after the line above
  }
}
