import {
  type Cursor,
  isDigit,
  isHeaderNameChar,
  isKeyChar,
  isUpperWord,
  isWordChar,
  isWordStart,
} from "./cursor.js";
import { quote } from "./quote.js";
import { MAX_PATH_STEPS, type Operand, type PathStep } from "./types.js";

const DOLLAR = 0x24;
const DOT = 0x2e;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_PAREN = 0x28;
const MINUS = 0x2d;

/** What a condition may read, for messages. */
const OPERANDS =
  'status, response_time, body_size, cert_days, header["name"], body or a JSON path such as $.status';

/** Operands named by one word. */
const SIMPLE: Readonly<Record<string, Operand>> = {
  status: { kind: "status" },
  response_time: { kind: "response_time" },
  body_size: { kind: "body_size" },
  cert_days: { kind: "cert_days" },
  body: { kind: "body" },
};

/** The longest array index accepted: 9 digits, well inside a safe integer. */
const MAX_INDEX_DIGITS = 9;

/** parseOperand reads the operand at the cursor. */
export function parseOperand(c: Cursor): Operand {
  const at = c.i;
  const code = c.code();
  if (code === DOLLAR) {
    c.i += 1;
    return { kind: "json", root: "$", steps: parseSteps(c) };
  }
  if (code === OPEN_BRACKET) return parsePlaceholder(c);
  if (!isWordStart(code)) throw c.error(`expected an operand: ${OPERANDS}`);
  const word = c.takeWhile(isWordChar);
  const simple = Object.hasOwn(SIMPLE, word) ? SIMPLE[word] : undefined;
  if (simple !== undefined) return simple;
  if (word === "header") return parseHeader(c);
  if (word === "len") return parseLen(c, at);
  if (c.code() === OPEN_PAREN) {
    throw c.error(`${word}() is not supported; the one function is len(), as in len($.items)`, at);
  }
  throw c.error(`unknown operand ${quote(word, 40)}; expected ${OPERANDS}`, at);
}

/** parsePlaceholder reads a Gatus spelling: [STATUS], [RESPONSE_TIME], [BODY], [BODY].path. */
function parsePlaceholder(c: Cursor): Operand {
  const at = c.i;
  c.i += 1;
  const name = c.takeWhile(isUpperWord);
  if (name === "" || !c.take("]")) {
    throw c.error("expected [STATUS], [RESPONSE_TIME], [BODY] or [BODY].path", at);
  }
  switch (name) {
    case "STATUS":
      return { kind: "status" };
    case "RESPONSE_TIME":
      return { kind: "response_time" };
    case "BODY":
      if (c.code() === DOT || c.code() === OPEN_BRACKET) {
        return { kind: "json", root: "[BODY]", steps: parseSteps(c) };
      }
      return { kind: "body" };
    case "CERTIFICATE_EXPIRATION":
      throw c.error("[CERTIFICATE_EXPIRATION] is not supported; use cert_days (whole days)", at);
    default:
      throw c.error(
        `unknown placeholder [${name}]; expected [STATUS], [RESPONSE_TIME] or [BODY]`,
        at,
      );
  }
}

/** parseSteps reads the steps of a JSON path after its root (`$` or `[BODY]`). */
function parseSteps(c: Cursor): PathStep[] {
  const steps: PathStep[] = [];
  for (;;) {
    const at = c.i;
    let step: PathStep;
    if (c.code() === DOT) {
      c.i += 1;
      const key = c.takeWhile(isKeyChar);
      if (key === "") {
        throw c.error('expected a key after "."; write a key with other characters as ["a key"]');
      }
      step = { kind: "key", key };
    } else if (c.code() === OPEN_BRACKET) {
      c.i += 1;
      step = parseBracket(c);
    } else {
      return steps;
    }
    if (steps.length === MAX_PATH_STEPS) {
      throw c.error(`a JSON path has at most ${MAX_PATH_STEPS} steps`, at);
    }
    steps.push(step);
  }
}

/** parseBracket reads `0]` or `"key"]`, the opening bracket already taken. */
function parseBracket(c: Cursor): PathStep {
  let step: PathStep;
  if (isDigit(c.code())) {
    const at = c.i;
    const digits = c.takeWhile(isDigit);
    if (digits.length > MAX_INDEX_DIGITS) throw c.error("array index too large", at);
    step = { kind: "index", index: Number(digits) };
  } else if (c.code() === QUOTE) {
    step = { kind: "key", key: parseString(c) };
  } else if (c.code() === MINUS) {
    throw c.error("negative array indexes are not supported");
  } else {
    throw c.error('expected an array index such as [0] or a quoted key such as ["a key"]');
  }
  if (!c.take("]")) throw c.error('expected "]"');
  return step;
}

/** parseHeader reads `["name"]` after `header`; the name comes back lower-case. */
function parseHeader(c: Cursor): Operand {
  if (!c.take('["')) throw c.error('expected ["name"] after header, as in header["content-type"]');
  const name = c.takeWhile(isHeaderNameChar);
  if (c.code() !== QUOTE) {
    throw c.atEnd
      ? c.error('expected a closing " after the header name')
      : c.error("a header name holds letters, digits and !#$%&'*+-.^_`|~ only");
  }
  if (name === "") throw c.error("expected a header name");
  c.i += 1;
  if (!c.take("]")) throw c.error('expected "]" after the header name');
  return { kind: "header", name: name.toLowerCase() };
}

/** parseLen reads `($.path)` after `len` (Gatus' spelling of `$.path.length`). */
function parseLen(c: Cursor, at: number): Operand {
  if (!c.take("(")) throw c.error(`unknown operand "len"; expected ${OPERANDS}`, at);
  c.skipSpace();
  const inner = parseOperand(c);
  if (inner.kind !== "json") throw c.error("len() takes a JSON path, as in len($.items)", at);
  c.skipSpace();
  if (!c.take(")")) throw c.error('expected ")"');
  return { ...inner, steps: [...inner.steps, { kind: "length" }] };
}

/**
 * parseString reads a double-quoted string at the cursor. The only escapes are \" and \\;
 * anything else after a backslash is an error, so that more escapes can be added later
 * without changing what an existing condition means.
 */
export function parseString(c: Cursor): string {
  const open = c.i;
  c.i += 1;
  let out = "";
  let from = c.i;
  for (;;) {
    if (c.atEnd) throw c.error('unterminated string: the closing " is missing', open);
    const code = c.code();
    if (code === QUOTE) {
      out += c.text.slice(from, c.i);
      c.i += 1;
      return out;
    }
    if (code === BACKSLASH) {
      const next = c.code(1);
      if (next !== QUOTE && next !== BACKSLASH) {
        const shown = Number.isNaN(next) ? "" : String.fromCharCode(next);
        throw c.error(`unknown escape \\${shown}; a string escapes only \\" and \\\\`);
      }
      out += c.text.slice(from, c.i) + String.fromCharCode(next);
      c.i += 2;
      from = c.i;
      continue;
    }
    c.i += 1;
  }
}
