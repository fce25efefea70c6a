import { describe, expect, it } from "vitest";
import { parseCondition } from "./parse.js";
import { ConditionSyntaxError } from "./syntax-error.js";
import type { Condition, Operand, PathStep } from "./types.js";

const key = (k: string): PathStep => ({ kind: "key", key: k });
const index = (i: number): PathStep => ({ kind: "index", index: i });
const LENGTH: PathStep = { kind: "length" };
const json = (...steps: PathStep[]): Operand => ({ kind: "json", root: "$", steps });
const body = (...steps: PathStep[]): Operand => ({ kind: "json", root: "[BODY]", steps });

/** [text, operand, operator, value, valueText (default: the value as written)] */
const GOOD: [string, Operand, Condition["operator"], Condition["value"], string?][] = [
  ["status == 200", { kind: "status" }, "==", 200],
  ["status==200", { kind: "status" }, "==", 200],
  ["\t status  !=  404 ", { kind: "status" }, "!=", 404],
  ["response_time < 300", { kind: "response_time" }, "<", 300],
  ["response_time <= 299.5", { kind: "response_time" }, "<=", 299.5],
  ["body_size >= 1e3", { kind: "body_size" }, ">=", 1000, "1e3"],
  ["cert_days > 14", { kind: "cert_days" }, ">", 14],
  ["cert_days >= -1", { kind: "cert_days" }, ">=", -1],
  ["cert_days != null", { kind: "cert_days" }, "!=", null, "null"],
  [
    'header["content-type"] contains "json"',
    { kind: "header", name: "content-type" },
    "contains",
    "json",
  ],
  ['header["X-Request-ID"] != null', { kind: "header", name: "x-request-id" }, "!=", null, "null"],
  ['header["x-count"] > 5', { kind: "header", name: "x-count" }, ">", 5],
  ['body contains "ok"', { kind: "body" }, "contains", "ok"],
  ['body !contains "error"', { kind: "body" }, "!contains", "error"],
  ['body startswith "<!doctype"', { kind: "body" }, "startswith", "<!doctype"],
  ['body !endswith "</html>"', { kind: "body" }, "!endswith", "</html>"],
  ["body contains 1.50", { kind: "body" }, "contains", 1.5, "1.50"],
  ['$.status == "UP"', json(key("status")), "==", "UP"],
  ["$.items.length > 0", json(key("items"), key("length")), ">", 0],
  ["$.items[0].id == 1", json(key("items"), index(0), key("id")), "==", 1],
  ["$.m[0][12] == 2", json(key("m"), index(0), index(12)), "==", 2],
  ['$["a key"] == true', json(key("a key")), "==", true, "true"],
  ['$["say \\"hi\\""] == "a\\\\b"', json(key('say "hi"')), "==", "a\\b"],
  ["$.a-b_c.d2 == false", json(key("a-b_c"), key("d2")), "==", false, "false"],
  ["$.error == null", json(key("error")), "==", null, "null"],
  ["$ != null", json(), "!=", null, "null"],
  ["$.n == -0.5", json(key("n")), "==", -0.5],
  ["$.n > 1E-3", json(key("n")), ">", 0.001, "1E-3"],
  ['$.name == "héllo 😀"', json(key("name")), "==", "héllo 😀"],
  ['$.date >= "2024-01-01"', json(key("date")), ">=", "2024-01-01"],
  ['$.tags contains "prod"', json(key("tags")), "contains", "prod"],
  ['$.s !startswith "x"', json(key("s")), "!startswith", "x"],
  ["$.version == v1.2-rc", json(key("version")), "==", "v1.2-rc"],
  ["len($.items) > 0", json(key("items"), LENGTH), ">", 0],
  ["len( $.items ) > 0", json(key("items"), LENGTH), ">", 0],
  // Gatus' spellings.
  ["[STATUS] == 200", { kind: "status" }, "==", 200],
  ["[RESPONSE_TIME] < 300", { kind: "response_time" }, "<", 300],
  ['[BODY] contains "ok"', { kind: "body" }, "contains", "ok"],
  ["[BODY].status == UP", body(key("status")), "==", "UP"],
  ["[BODY].data[0].id == 1", body(key("data"), index(0), key("id")), "==", 1],
  ["[BODY][0] == 1", body(index(0)), "==", 1],
  ["len([BODY].data) == 3", body(key("data"), LENGTH), "==", 3],
];

describe("parseCondition", () => {
  it.each(GOOD)("parses %s", (text, operand, operator, value, valueText) => {
    expect(parseCondition(text)).toEqual({
      source: text.trim(),
      operand,
      operator,
      value,
      valueText: valueText ?? String(value),
    });
  });

  it("accepts a JSON path of 32 steps and a condition of 500 characters", () => {
    expect(parseCondition(`$${".a".repeat(32)} == 1`).operand).toEqual(
      json(...Array.from({ length: 32 }, () => key("a"))),
    );
    const text = `$.a == "${"x".repeat(491)}"`;
    expect(text).toHaveLength(500);
    expect(parseCondition(text).value).toBe("x".repeat(491));
  });
});

/** [text, position, words the message contains] */
const BAD: [string, number, string][] = [
  ["", 0, "empty condition"],
  ["   ", 3, "empty condition"],
  ["status", 6, 'expected an operator after "status"'],
  ["status 200", 7, 'expected an operator after "status"'],
  ["status = 200", 7, '"=" is not an operator; write =='],
  ["status === 200", 9, "expected a value after =="],
  ["status ==", 9, "expected a value after =="],
  ["status == )", 10, 'expected a value after ==: a number, a "string", true, false or null'],
  ['status == "200"', 10, "status is a number; compare it with a number, such as 200"],
  ["status == OK", 10, "status is a number"],
  ["status == null", 10, "status is a number"],
  ['status contains "2"', 7, "status is a number; contains works on text"],
  ['cert_days == "14"', 13, "cert_days is a number"],
  ["cert_days < null", 12, "cert_days is a number"],
  ["cert_days > 14d", 14, 'unexpected "d" after 14: numbers have no units'],
  ["response_time < 300ms", 19, "numbers have no units"],
  ["status == 01", 11, 'unexpected "1" after 0'],
  ["status == 2.", 12, 'expected a digit after "."'],
  ["status == 2e", 12, "exponent"],
  ["status == -", 11, "expected a digit"],
  ["status == 1e999", 10, "number out of range"],
  ["status == 200 && response_time < 300", 14, "one comparison"],
  ["status == 200 || status == 204", 14, "one comparison"],
  ["status == 200 and", 14, "one comparison"],
  ["status == 200 200", 14, 'unexpected "2" after the value'],
  ["foo == 1", 0, 'unknown operand "foo"'],
  ["Status == 200", 0, 'unknown operand "Status"'],
  ["has($.a) == true", 0, "has() is not supported"],
  ["len(status) > 0", 0, "len() takes a JSON path"],
  ["len($.a > 0", 8, 'expected ")"'],
  ["len == 1", 0, 'unknown operand "len"'],
  ["== 200", 0, "expected an operand"],
  ["$. == 1", 2, 'expected a key after "."'],
  ["$.a. == 1", 4, 'expected a key after "."'],
  ["$.é == 1", 2, 'expected a key after "."'],
  ["$[0 == 1", 3, 'expected "]"'],
  ["$[-1] == 1", 2, "negative array indexes are not supported"],
  ["$[x] == 1", 2, "expected an array index"],
  ["$[1234567890] == 1", 2, "array index too large"],
  [`$${".a".repeat(33)} == 1`, 65, "at most 32 steps"],
  ['$.a == "unterminated', 7, "unterminated string"],
  ['$.a == "bad \\n"', 12, "unknown escape \\n"],
  ['$.a == "end\\', 11, "unknown escape"],
  ['$.a =~ "x"', 4, "regular expressions are not supported"],
  ['$.a matches "x"', 4, 'unknown operator "matches"'],
  ["$.a ! contains 1", 4, 'expected an operator after "$.a"'],
  ['$.a containsx "x"', 4, 'unknown operator "containsx"'],
  ["$.a == $.b", 7, "not with another operand"],
  ["$.a == [STATUS]", 7, "not with another operand"],
  ["$.a == status", 7, "status is an operand"],
  ["$.a == any(1, 2)", 7, "any() is not supported"],
  ["$.a < true", 6, "< compares numbers or text, not true"],
  ["$.a >= null", 7, ">= compares numbers or text, not null"],
  ["body contains null", 14, "contains looks for text or a number, not null"],
  ["$.a endswith false", 13, "endswith looks for text or a number, not false"],
  ['header["x"] == true', 15, 'header["x"] is text; write "true"'],
  ["body == null", 8, "body is text, never null"],
  ['header[content-type] == "x"', 6, 'expected ["name"] after header'],
  ['header ["x"] == "y"', 6, 'expected ["name"] after header'],
  ['header["content type"] == "x"', 15, "a header name holds letters, digits"],
  ['header["é"] == "x"', 8, "a header name holds"],
  ['header[""] == "x"', 8, "expected a header name"],
  ['header["x', 9, 'expected a closing "'],
  ['header["x" == 1', 10, 'expected "]" after the header name'],
  ["[CERTIFICATE_EXPIRATION] > 48h", 0, "use cert_days"],
  ["[STATUS == 200", 0, "expected [STATUS], [RESPONSE_TIME], [BODY]"],
  ["[status] == 200", 0, "expected [STATUS]"],
  ["[CONNECTED] == true", 0, "unknown placeholder [CONNECTED]"],
  ["status == 200\n", 13, "control characters"],
  ['$.a == "x\u0000"', 9, "control characters"],
  ["status\r\n== 200", 6, "control characters"],
  // Positions count characters, not UTF-16 units: 😀 is one.
  ['$["😀"] == 1 2', 12, 'unexpected "2" after the value'],
  [`$.a == "${"x".repeat(492)}"`, 500, "at most 500 characters"],
  ["x".repeat(100_000), 500, "at most 500 characters"],
];

describe("parseCondition errors", () => {
  it.each(BAD)("refuses %j at position %i", (text, position, words) => {
    let caught: unknown;
    try {
      parseCondition(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConditionSyntaxError);
    const error = caught as ConditionSyntaxError; // checked just above
    expect(error.message).toContain(words);
    expect(error.position).toBe(position);
    expect(error.message).not.toContain("position");
  });

  it("counts 500 characters, not UTF-16 units, against the limit", () => {
    const emoji = "😀".repeat(246);
    const text = `$.a == "${emoji}"`;
    expect(text.length).toBeGreaterThan(500);
    expect(parseCondition(text).value).toBe(emoji);
  });

  it("parses a long hostile condition in linear time", () => {
    // Patterns that make backtracking parsers explode: each must fail fast.
    const texts = [
      `$${"[0]".repeat(166)}`,
      `$.a == "${"\\\\".repeat(240)}`,
      `${"$".repeat(500)}`,
      `status == ${"9".repeat(489)}`,
      `$.a == ${"a".repeat(493)}(`,
    ];
    const started = performance.now();
    for (let i = 0; i < 200; i += 1) {
      for (const text of texts) {
        try {
          parseCondition(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ConditionSyntaxError);
        }
      }
    }
    // 1,000 parses of 500 characters: a few ms; a generous bound for a loaded machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
