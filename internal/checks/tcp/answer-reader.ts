import { KeywordScanner } from "../http/body.js";
import { CONTROL_CHARACTERS } from "./escapes.js";

/**
 * MAX_ANSWER_BYTES is how much of an answer a TCP check reads: its first 64 KiB. Past it the
 * check stops reading and judges what it read, so a peer that streams without end costs a
 * worker neither memory nor a core for the rest of the timeout.
 */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** KEPT_ANSWER_BYTES is how much of the answer a result keeps, as text, in `answer`. */
export const KEPT_ANSWER_BYTES = 1000;

/** Verdict is what one chunk of answer leads to: the expected text, the end of the read, or more. */
export type Verdict = "found" | "full" | "more";

/**
 * AnswerReader takes what a TCP peer sends, chunk by chunk, without keeping the chunks: it
 * copies the first {@link KEPT_ANSWER_BYTES} for the result, counts the rest, and searches
 * the first {@link MAX_ANSWER_BYTES} for `expect` (on UTF-8 bytes, case-sensitive, across
 * chunk boundaries: the scanner carries only the needle's length over).
 */
export class AnswerReader {
  readonly #scanner: KeywordScanner | undefined;
  #kept: Buffer | undefined = undefined;
  #keptLength = 0;
  #bytes = 0;

  /** `expect` undefined or empty: nothing is searched for, push never says "found". */
  constructor(expect: string | undefined) {
    this.#scanner = expect === undefined || expect === "" ? undefined : new KeywordScanner(expect);
  }

  /** bytes is how many bytes were taken, at most {@link MAX_ANSWER_BYTES}. */
  get bytes(): number {
    return this.#bytes;
  }

  /** found tells whether the expected text was seen. */
  get found(): boolean {
    return this.#scanner?.found ?? false;
  }

  /** push takes one chunk (the part of it within the first 64 KiB) and says what it means. */
  push(chunk: Buffer): Verdict {
    const room = MAX_ANSWER_BYTES - this.#bytes;
    if (room <= 0) return "full";
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#keep(part);
    this.#bytes += part.length;
    this.#scanner?.push(part);
    if (this.found) return "found";
    return this.#bytes >= MAX_ANSWER_BYTES ? "full" : "more";
  }

  /**
   * text is the kept answer decoded as UTF-8 (an invalid or cut sequence becomes U+FFFD),
   * with control characters other than tab, LF and CR shown as U+FFFD: safe to store and show.
   */
  text(): string {
    if (this.#kept === undefined) return "";
    const decoded = this.#kept.toString("utf8", 0, this.#keptLength);
    return decoded.replace(CONTROL_CHARACTERS, "\uFFFD");
  }

  #keep(part: Buffer): void {
    const room = KEPT_ANSWER_BYTES - this.#keptLength;
    if (room <= 0) return;
    this.#kept ??= Buffer.allocUnsafe(KEPT_ANSWER_BYTES);
    const copied = part.copy(this.#kept, this.#keptLength, 0, Math.min(room, part.length));
    this.#keptLength += copied;
  }
}
