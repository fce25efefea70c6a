import type { Literal, Operator } from "./types.js";

/**
 * holds tells whether `left` (a JSON value read from the response) stands in `operator` to
 * `right` (the condition's value; `rightText` is it as text). The rules (docs/conditions.md):
 * - a number against a number compares numerically;
 * - a number against a string compares numerically when the string reads as a number
 *   (JSON's grammar, surrounding spaces ignored: header values are strings), else they differ;
 * - strings compare exactly, ordered by UTF-16 code units (ISO dates order correctly);
 * - anything else is equal only when it is the same scalar (true, false, null);
 * - `!=` is the negation of `==`; an ordering that cannot compare does not hold;
 * - the text operators look for `rightText` in a string; `contains` also finds an element
 *   equal to `right` in an array; neither form holds on anything else, negated or not.
 */
export function holds(
  operator: Operator,
  left: unknown,
  right: Literal,
  rightText: string,
): boolean {
  switch (operator) {
    case "==":
      return equal(left, right);
    case "!=":
      return !equal(left, right);
    case "<":
      return order(left, right, (d) => d < 0);
    case "<=":
      return order(left, right, (d) => d <= 0);
    case ">":
      return order(left, right, (d) => d > 0);
    case ">=":
      return order(left, right, (d) => d >= 0);
    case "contains":
      return contains(left, right, rightText) === true;
    case "!contains":
      return contains(left, right, rightText) === false;
    case "startswith":
      return typeof left === "string" && left.startsWith(rightText);
    case "!startswith":
      return typeof left === "string" && !left.startsWith(rightText);
    case "endswith":
      return typeof left === "string" && left.endsWith(rightText);
    case "!endswith":
      return typeof left === "string" && !left.endsWith(rightText);
  }
}

/** equal is `==`: see {@link holds}. */
export function equal(left: unknown, right: Literal): boolean {
  if (typeof right === "number") return asNumber(left) === right;
  if (typeof right === "string") {
    if (typeof left === "string") return left === right;
    return typeof left === "number" && readNumber(right) === left;
  }
  return left === right;
}

/** order compares left with right, handing `test` the sign of their difference. */
function order(left: unknown, right: Literal, test: (sign: number) => boolean): boolean {
  if (typeof right === "number") {
    const n = asNumber(left);
    return n !== undefined && test(Math.sign(n - right));
  }
  if (typeof right !== "string") return false;
  if (typeof left === "string") return test(left < right ? -1 : left > right ? 1 : 0);
  const r = readNumber(right);
  return typeof left === "number" && r !== undefined && test(Math.sign(left - r));
}

/** contains: true or false where it applies, undefined where it does not (not text or list). */
function contains(left: unknown, right: Literal, rightText: string): boolean | undefined {
  if (typeof left === "string") return left.includes(rightText);
  if (Array.isArray(left)) return left.some((element) => equal(element, right));
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  return typeof value === "string" ? readNumber(value) : undefined;
}

/** A number as JSON writes it; linear to match, whatever the text. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** readNumber reads text that is a number, spaces and tabs around it ignored. */
export function readNumber(text: string): number | undefined {
  // Only short texts can be numbers worth reading; a megabyte body is not one.
  if (text.length > 400) return undefined;
  const trimmed = trimSpaces(text);
  if (!JSON_NUMBER.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
