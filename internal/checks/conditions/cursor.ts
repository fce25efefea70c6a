import { ConditionSyntaxError } from "./syntax-error.js";

/**
 * Cursor walks a condition's text once, left to right, never stepping back: parsing is linear
 * in the text's length. Indexes are UTF-16 offsets; errors convert them to code points.
 */
export class Cursor {
  i = 0;
  constructor(readonly text: string) {}

  get atEnd(): boolean {
    return this.i >= this.text.length;
  }

  /** code is the UTF-16 code of the character at the cursor (NaN at the end). */
  code(offset = 0): number {
    return this.text.charCodeAt(this.i + offset);
  }

  skipSpace(): void {
    while (this.code() === SPACE || this.code() === TAB) this.i += 1;
  }

  /** take steps over `s` when the text continues with it. */
  take(s: string): boolean {
    if (!this.text.startsWith(s, this.i)) return false;
    this.i += s.length;
    return true;
  }

  /** takeWhile steps over the characters `accepts` and returns them. */
  takeWhile(accepts: (code: number) => boolean): string {
    const start = this.i;
    while (accepts(this.code())) this.i += 1;
    return this.text.slice(start, this.i);
  }

  /** error makes a syntax error found at UTF-16 index `at` (default: the cursor). */
  error(message: string, at = this.i): ConditionSyntaxError {
    return new ConditionSyntaxError(message, codePointsBefore(this.text, at));
  }
}

const SPACE = 0x20;
const TAB = 0x09;

/** codePointsBefore counts the characters (code points) before UTF-16 index `at`. */
export function codePointsBefore(text: string, at: number): number {
  let count = 0;
  for (let i = 0; i < at && i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < at) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

/** isDigit: 0-9. */
export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** isWordStart: a letter or `_`, the start of a name, an operator word or a bare value. */
export function isWordStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}

/** isWordChar: letters, digits and `_`: operand names and operator words. */
export function isWordChar(code: number): boolean {
  return isWordStart(code) || isDigit(code);
}

/** isKeyChar: what a dotted JSON key (`$.a-b_2`) may hold; others need `["…"]`. */
export function isKeyChar(code: number): boolean {
  return isWordChar(code) || code === 0x2d;
}

/** isBareChar: what a bare-word value (`UP`, `v1.2-rc`) may hold after its first letter. */
export function isBareChar(code: number): boolean {
  return isKeyChar(code) || code === 0x2e;
}

/** isUpperWord: what a Gatus placeholder (`[RESPONSE_TIME]`) holds. */
export function isUpperWord(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}

const TCHAR_SYMBOLS = new Set([..."!#$%&'*+-.^_`|~"].map((c) => c.charCodeAt(0)));

/** isHeaderNameChar: an HTTP token character (RFC 9110 tchar). */
export function isHeaderNameChar(code: number): boolean {
  return isWordChar(code) || TCHAR_SYMBOLS.has(code);
}
