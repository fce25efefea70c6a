/** KEYWORD_WINDOW_BYTES is how much of a body is searched for a keyword: the first 1 MiB. */
export const KEYWORD_WINDOW_BYTES = 1024 * 1024;

/**
 * MAX_BODY_BYTES is how much of a body a check reads: past it the check stops reading and
 * judges what it read (the status, and the keyword in its first MiB). Read at loopback speed
 * for a whole timeout, an endless body would otherwise cost a worker a core; 10 MiB covers any
 * page a status check should fetch, and takes a few ms of CPU.
 */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * KeywordScanner looks for a keyword in the first {@link KEYWORD_WINDOW_BYTES} of a body as
 * chunks arrive, without keeping them: each chunk is searched in place and only the last
 * `keyword.length - 1` bytes are carried over, to catch a match split across two chunks.
 * Matching is on UTF-8 bytes and case-sensitive, so no chunk is ever decoded to a string.
 */
export class KeywordScanner {
  readonly #needle: Buffer;
  /** Tail of the bytes searched so far, for matches that straddle a chunk boundary. */
  readonly #carry: Buffer;
  #carryLength = 0;
  #scanned = 0;
  #found = false;

  constructor(keyword: string) {
    this.#needle = Buffer.from(keyword, "utf8");
    this.#carry = Buffer.allocUnsafe(Math.max(0, this.#needle.length - 1));
  }

  /** found tells whether the keyword occurred, entirely, within the window. */
  get found(): boolean {
    return this.#found;
  }

  /** push searches the part of `chunk` that falls inside the window. */
  push(chunk: Buffer): void {
    if (this.#found || this.#scanned >= KEYWORD_WINDOW_BYTES) return;
    const room = KEYWORD_WINDOW_BYTES - this.#scanned;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#scanned += part.length;
    const needle = this.#needle;
    if (this.#carryLength > 0 && this.#straddles(part)) {
      this.#found = true;
      return;
    }
    if (part.indexOf(needle) !== -1) {
      this.#found = true;
      return;
    }
    this.#keepTail(part);
  }

  /** #straddles searches carry + the head of part, the only place a split match can be. */
  #straddles(part: Buffer): boolean {
    const head = part.subarray(0, this.#needle.length - 1);
    const joined = Buffer.concat([this.#carry.subarray(0, this.#carryLength), head]);
    return joined.indexOf(this.#needle) !== -1;
  }

  #keepTail(part: Buffer): void {
    const keep = this.#carry.length;
    if (keep === 0) return;
    if (part.length >= keep) {
      part.copy(this.#carry, 0, part.length - keep);
      this.#carryLength = keep;
      return;
    }
    // A chunk shorter than the carry: shift the old tail left and append the chunk.
    const fromOld = Math.min(this.#carryLength, keep - part.length);
    this.#carry.copy(this.#carry, 0, this.#carryLength - fromOld, this.#carryLength);
    part.copy(this.#carry, fromOld);
    this.#carryLength = fromOld + part.length;
  }
}
