import { checkTypes } from "./check-types.js";
import {
  Cursor,
  codePointsBefore,
  isBareChar,
  isDigit,
  isWordChar,
  isWordStart,
} from "./cursor.js";
import { parseOperand, parseString } from "./parse-operand.js";
import { quote } from "./quote.js";
import { ConditionSyntaxError } from "./syntax-error.js";
import { type Condition, type Literal, MAX_CONDITION_LENGTH, type Operator } from "./types.js";

const QUOTE = 0x22;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const DOLLAR = 0x24;
const OPEN_BRACKET = 0x5b;
const OPEN_PAREN = 0x28;

/** Characters no condition may hold: C0 and C1 controls but tab, DEL, line separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/u;

const SYMBOL_OPERATORS: readonly Operator[] = ["==", "!=", "<=", ">=", "<", ">"];
/** The word operators, plain and negated with `!`. */
const WORD_OPERATORS: Readonly<Record<string, readonly [Operator, Operator]>> = {
  contains: ["contains", "!contains"],
  startswith: ["startswith", "!startswith"],
  endswith: ["endswith", "!endswith"],
};
const ALL_OPERATORS = "==, !=, <, <=, >, >=, contains, startswith, endswith";

/** Words that name an operand: as a bare value they are almost surely a mistake. */
const OPERAND_WORDS = new Set([
  "status",
  "response_time",
  "body_size",
  "cert_days",
  "body",
  "header",
]);

/**
 * parseCondition parses one condition, `<operand> <operator> <value>` (docs/conditions.md),
 * or throws a {@link ConditionSyntaxError} saying what is wrong and where. It reads the text
 * once, left to right, and refuses anything longer than {@link MAX_CONDITION_LENGTH}
 * characters before reading it.
 */
export function parseCondition(text: string): Condition {
  if (tooLong(text)) {
    throw new ConditionSyntaxError(
      `a condition is at most ${MAX_CONDITION_LENGTH} characters`,
      MAX_CONDITION_LENGTH,
    );
  }
  const control = CONTROL.exec(text);
  if (control !== null) {
    throw new ConditionSyntaxError(
      "control characters (line breaks included) are not allowed",
      codePointsBefore(text, control.index),
    );
  }
  const c = new Cursor(text);
  c.skipSpace();
  if (c.atEnd) throw c.error("empty condition; write one comparison, such as status == 200");
  const start = c.i;
  const operand = parseOperand(c);
  const operandText = text.slice(start, c.i);
  c.skipSpace();
  const operatorAt = c.i;
  const operator = parseOperator(c, operandText);
  c.skipSpace();
  const valueAt = c.i;
  const { value, valueText } = parseValue(c, operator);
  const end = c.i;
  c.skipSpace();
  if (!c.atEnd) throw trailing(c);
  checkTypes({ c, operand, operandText, operator, operatorAt, value, valueText, valueAt });
  return { source: text.slice(start, end), operand, operator, value, valueText };
}

/** tooLong tells whether `text` has more than MAX_CONDITION_LENGTH code points. */
function tooLong(text: string): boolean {
  if (text.length <= MAX_CONDITION_LENGTH) return false;
  // Two UTF-16 units per character at most: anything longer is over without counting.
  if (text.length > MAX_CONDITION_LENGTH * 2) return true;
  return codePointsBefore(text, text.length) > MAX_CONDITION_LENGTH;
}

function parseOperator(c: Cursor, operandText: string): Operator {
  for (const symbol of SYMBOL_OPERATORS) if (c.take(symbol)) return symbol;
  const at = c.i;
  if (c.take("=~")) throw c.error("regular expressions are not supported", at);
  if (c.code() === 0x3d) throw c.error('"=" is not an operator; write ==', at);
  const negated = c.take("!");
  if (isWordStart(c.code())) {
    const word = c.takeWhile(isWordChar);
    const forms = Object.hasOwn(WORD_OPERATORS, word) ? WORD_OPERATORS[word] : undefined;
    if (forms !== undefined) return negated ? forms[1] : forms[0];
    throw c.error(`unknown operator ${quote(word, 40)}; use ${ALL_OPERATORS}`, at);
  }
  throw c.error(`expected an operator after ${quote(operandText, 60)}`, at);
}

function parseValue(c: Cursor, operator: Operator): { value: Literal; valueText: string } {
  const at = c.i;
  const code = c.code();
  if (code === QUOTE) {
    const text = parseString(c);
    return { value: text, valueText: text };
  }
  if (code === MINUS || isDigit(code)) return parseNumber(c);
  if (isWordStart(code)) {
    const word = c.takeWhile(isBareChar);
    if (c.code() === OPEN_PAREN) {
      throw c.error(
        `${word}() is not supported; a value is a number, text, true, false or null`,
        at,
      );
    }
    if (word === "true" || word === "false") return { value: word === "true", valueText: word };
    if (word === "null") return { value: null, valueText: word };
    if (OPERAND_WORDS.has(word)) {
      throw c.error(
        `${word} is an operand; a condition compares one operand with a fixed value (write "${word}" for the text)`,
        at,
      );
    }
    return { value: word, valueText: word };
  }
  if (code === DOLLAR || code === OPEN_BRACKET) {
    throw c.error("a condition compares one operand with a fixed value, not with another operand");
  }
  if (c.atEnd) throw c.error(`expected a value after ${operator}`);
  throw c.error(`expected a value after ${operator}: a number, a "string", true, false or null`);
}

/** parseNumber reads a number as JSON writes them: -12, 0.5, 1e3. */
function parseNumber(c: Cursor): { value: number; valueText: string } {
  const at = c.i;
  c.take("-");
  if (c.code() === ZERO) c.i += 1;
  else if (c.takeWhile(isDigit) === "") throw c.error("expected a digit");
  if (c.code() === DOT) {
    c.i += 1;
    if (c.takeWhile(isDigit) === "") throw c.error('expected a digit after "."');
  }
  if (c.code() === 0x65 || c.code() === 0x45) {
    c.i += 1;
    if (!c.take("+")) c.take("-");
    if (c.takeWhile(isDigit) === "") throw c.error("expected the exponent's digits");
  }
  const valueText = c.text.slice(at, c.i);
  if (isWordStart(c.code())) {
    throw c.error(
      `unexpected ${quote(c.text.charAt(c.i))} after ${valueText}: numbers have no units (response_time is in ms, cert_days in days)`,
    );
  }
  if (isDigit(c.code()) || c.code() === DOT) {
    throw c.error(`unexpected ${quote(c.text.charAt(c.i))} after ${valueText}`);
  }
  const value = Number(valueText);
  if (!Number.isFinite(value)) throw c.error("number out of range", at);
  return { value, valueText };
}

/** trailing is the error for text after a complete condition. */
function trailing(c: Cursor): ConditionSyntaxError {
  const rest = c.text.slice(c.i, c.i + 4).toLowerCase();
  if (/^(&&|\|\||and\b|or\b)/.test(rest)) {
    return c.error("a condition is one comparison; write each comparison as its own condition");
  }
  return c.error(`unexpected ${quote(c.text.charAt(c.i))} after the value`);
}
