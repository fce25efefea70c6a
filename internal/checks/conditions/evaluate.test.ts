import { afterEach, describe, expect, it, vi } from "vitest";
import { evaluateConditions, needsBody, needsHeaders } from "./evaluate.js";
import { MAX_JSON_CONTAINERS } from "./json-budget.js";
import { parseCondition } from "./parse.js";
import type { ConditionFacts } from "./types.js";

const DOCUMENT = {
  status: "UP",
  items: [{ id: 1, name: "a" }, { id: 2 }],
  count: "42",
  version: 1.5,
  ok: true,
  error: null,
  tags: ["prod", "eu"],
  nested: { length: 7 },
  name: "héllo 😀",
  date: "2024-05-01",
  "a key": 1,
};

const FACTS: ConditionFacts = {
  status: 200,
  responseTimeMs: 123.456,
  bodySize: 321,
  certDays: 30,
  headers: {
    "content-type": "application/json; charset=utf-8",
    "content-length": " 321 ",
    "set-cookie": ["a=1", "b=2"],
  },
  body: Buffer.from(JSON.stringify(DOCUMENT)),
};

/** [condition, failure description or null when it holds, facts overriding FACTS] */
const CASES: [string, string | null, Partial<ConditionFacts>?][] = [
  ["status == 200", null],
  ["status != 200", "status != 200 (got 200)"],
  ["status >= 500", "status >= 500 (got 200)"],
  ["[STATUS] < 300", null],
  ["response_time < 300", null],
  ["response_time < 100", "response_time < 100 (got 123.5 ms)"],
  ["body_size == 321", null],
  ["cert_days > 14", null],
  ["cert_days > 60", "cert_days > 60 (got 30)"],
  ["cert_days > 14", "cert_days > 14 (no certificate: plain HTTP)", { certDays: null }],
  ["cert_days == null", null, { certDays: null }],
  ["cert_days != null", "cert_days != null (no certificate: plain HTTP)", { certDays: null }],
  ["cert_days > -1", "cert_days > -1 (got -3)", { certDays: -3 }],
  // Headers: names case-insensitive, repeated ones joined, absent ones null.
  ['header["content-type"] contains "json"', null],
  ['header["Content-Type"] startswith "application/"', null],
  [
    'header["content-type"] == "application/json"',
    'header["content-type"] == "application/json" (got "application/json; charset=utf-8")',
  ],
  ['header["set-cookie"] == "a=1, b=2"', null],
  ['header["content-length"] > 300', null],
  ['header["content-length"] == 321', null],
  ['header["x-missing"] == null', null],
  ['header["x-missing"] != null', 'header["x-missing"] != null (no x-missing header)'],
  ['header["x-missing"] == "a"', 'header["x-missing"] == "a" (no x-missing header)'],
  ['header["x-missing"] !contains "a"', 'header["x-missing"] !contains "a" (no x-missing header)'],
  ['header["constructor"] == null', null],
  // JSON paths.
  ['$.status == "UP"', null],
  ["$.status == UP", null],
  ["[BODY].status == UP", null],
  ['$.status == "DOWN"', '$.status == "DOWN" (got "UP")'],
  ['$.status != "DOWN"', null],
  ["$.items.length > 0", null],
  ["$.items.length == 3", "$.items.length == 3 (got 2)"],
  ["len($.items) == 2", null],
  ["$.items[0].id == 1", null],
  ["$.items[1].name == b", '$.items[1].name == b ($.items[1] has no key "name")'],
  ["$.items[5].id == 1", "$.items[5].id == 1 ($.items has 2 items, no [5])"],
  ["[BODY].items[5].id == 1", "[BODY].items[5].id == 1 ([BODY].items has 2 items, no [5])"],
  ["$.status.code == 1", "$.status.code == 1 ($.status is a string, not an object)"],
  ["$.items.first == 1", "$.items.first == 1 ($.items is an array, not an object)"],
  ["$.status[0] == 1", "$.status[0] == 1 ($.status is a string, not an array)"],
  ["len($.ok) > 0", "len($.ok) > 0 ($.ok is a boolean, which has no length)"],
  ['$["a key"] == 1', null],
  ['$["no such"].x == 1', '$["no such"].x == 1 ($ has no key "no such")'],
  ["$.constructor == null", '$.constructor == null ($ has no key "constructor")'],
  ["$.nested.length == 7", null],
  ["$.name.length == 7", null],
  ['$.name startswith "hé"', null],
  ['$.name endswith "😀"', null],
  ['$.name !endswith "😀"', '$.name !endswith "😀" (got "héllo 😀")'],
  // Numbers and text: a string that reads as a number compares as one.
  ["$.count == 42", null],
  ["$.count > 41.5", null],
  ['$.count == "42"', null],
  ['$.version == "1.50"', null],
  ["$.version == 1.5", null],
  ["$.version >= 2", "$.version >= 2 (got 1.5)"],
  ['$.version > "1.2"', null],
  ["$.status > 1", '$.status > 1 (got "UP")'],
  ["$.status != 1", null],
  ['$.date >= "2024-01-01"', null],
  ['$.date < "2024-01-01"', '$.date < "2024-01-01" (got "2024-05-01")'],
  // true, false, null and structures.
  ["$.ok == true", null],
  ['$.ok == "true"', '$.ok == "true" (got true)'],
  ["$.error == null", null],
  ["$.error != null", "$.error != null (got null)"],
  ["$.items == 1", "$.items == 1 (got an array of 2 items)"],
  ["$.items[0] == 1", "$.items[0] == 1 (got an object)"],
  ['$.items[0] contains "a"', '$.items[0] contains "a" (got an object)'],
  ['$.items[0] !contains "a"', '$.items[0] !contains "a" (got an object)'],
  ["$ != null", null],
  // contains: text in a string, an equal element in an array.
  ['$.tags contains "prod"', null],
  ["$.tags contains prod", null],
  ['$.tags !contains "us"', null],
  ['$.tags contains "us"', '$.tags contains "us" (got an array of 2 items)'],
  ['$.tags startswith "prod"', '$.tags startswith "prod" (got an array of 2 items)'],
  ['body contains "\\"status\\":\\"UP\\""', null],
  ["body contains 42", null],
  ['body startswith "{"', null],
  ['[BODY] !contains "DOWN"', null],
  ['body == "ok"', null, { body: Buffer.from("ok") }],
  // Bodies that are not JSON.
  [
    '$.status == "UP"',
    '$.status == "UP" (the body is not JSON: it begins "<html>oops")',
    {
      body: Buffer.from("<html>oops"),
    },
  ],
  ["$.a == 1", "$.a == 1 (the body is empty, not JSON)", { body: Buffer.alloc(0) }],
  ["$.a == 1", "$.a == 1 (the body is empty, not JSON)", { body: undefined }],
  [
    "$.a == 1",
    "$.a == 1 (the body is over 1 MiB, too long to read as JSON)",
    {
      bodyTruncated: true,
    },
  ],
  ["$.a == 1", null, { body: Buffer.from('\ufeff{"a": 1}') }],
  ["$.__proto__ == 1", null, { body: Buffer.from('{"__proto__": 1}') }],
  ["$.length == 3", null, { body: Buffer.from("[1,2,3]") }],
  ["$ == 5", null, { body: Buffer.from(" 5 ") }],
  [
    '$.s == "é"',
    null,
    { body: Buffer.from([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xc3, 0xa9, 0x22, 0x7d]) },
  ],
  ['body contains "\ufffd"', null, { body: Buffer.from([0x61, 0xff, 0x62]) }],
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("evaluateConditions", () => {
  it.each(CASES)("evaluates %s", (text, expected, facts) => {
    const failures = evaluateConditions([parseCondition(text)], { ...FACTS, ...facts });
    expect(failures).toEqual(expected === null ? [] : [expected]);
  });

  it("describes every failing condition, in order, and none of those that hold", () => {
    const conditions = [
      "status == 200",
      "$.status == DOWN",
      "cert_days > 14",
      "$.items.length > 5",
    ];
    expect(evaluateConditions(conditions.map(parseCondition), FACTS)).toEqual([
      '$.status == DOWN (got "UP")',
      "$.items.length > 5 (got 2)",
    ]);
  });

  it("quotes a long value cut to 80 characters", () => {
    const body = Buffer.from(JSON.stringify({ s: `${"x".repeat(100)}\n${"y".repeat(100)}` }));
    const [failure] = evaluateConditions([parseCondition('$.s == "z"')], { ...FACTS, body });
    const got = failure?.slice('$.s == "z" (got '.length, -1) ?? "";
    expect(got.length).toBeLessThanOrEqual(80);
    expect(got).toMatch(/^"x{70,}…"$/);
  });

  it("escapes control characters in the values it quotes", () => {
    const headers = { "x-a": "one\ttwo\u0000" };
    const [failure] = evaluateConditions([parseCondition('header["x-a"] == "b"')], {
      ...FACTS,
      headers,
    });
    expect(failure).toBe('header["x-a"] == "b" (got "one\\ttwo\\u0000")');
  });

  it("refuses, without parsing, a body of more arrays and objects than it may read", () => {
    const parse = vi.spyOn(JSON, "parse");
    const depth = 200_000;
    const deep = Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`);
    expect(evaluateConditions([parseCondition("$[0][0] == 1")], { ...FACTS, body: deep })).toEqual([
      "$[0][0] == 1 (the body holds over 50,000 JSON arrays and objects, too many to read)",
    ]);
    const wide = Buffer.from(`[${Array(MAX_JSON_CONTAINERS).fill("[]").join(",")}]`);
    expect(evaluateConditions([parseCondition("$.length > 0")], { ...FACTS, body: wide })).toEqual([
      "$.length > 0 (the body holds over 50,000 JSON arrays and objects, too many to read)",
    ]);
    expect(parse).not.toHaveBeenCalled();
    const fits = Buffer.from(
      `[${Array(MAX_JSON_CONTAINERS - 1)
        .fill("[]")
        .join(",")}]`,
    );
    expect(evaluateConditions([parseCondition("$.length > 0")], { ...FACTS, body: fits })).toEqual(
      [],
    );
  });
});

describe("reading the body", () => {
  it("parses the body as JSON once for all conditions, and not at all when none reads it", () => {
    const parse = vi.spyOn(JSON, "parse");
    const paths = ['$.status == "UP"', "$.items.length > 0", "$.ok == true", "$.count == 42"];
    expect(evaluateConditions(paths.map(parseCondition), FACTS)).toEqual([]);
    expect(parse).toHaveBeenCalledTimes(1);
    const others = [
      "status == 200",
      'body contains "UP"',
      'header["content-type"] contains "json"',
    ];
    expect(evaluateConditions(others.map(parseCondition), FACTS)).toEqual([]);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it("does not parse a body that went past the window", () => {
    const parse = vi.spyOn(JSON, "parse");
    const facts = { ...FACTS, bodyTruncated: true };
    expect(evaluateConditions([parseCondition("$.a == 1")], facts)).toHaveLength(1);
    expect(parse).not.toHaveBeenCalled();
  });
});

describe("needsBody and needsHeaders", () => {
  const needs = (texts: string[]) => {
    const conditions = texts.map(parseCondition);
    return [needsBody(conditions), needsHeaders(conditions)];
  };

  it("say which parts of a response the conditions read", () => {
    expect(needs([])).toEqual([false, false]);
    expect(
      needs(["status == 200", "response_time < 300", "cert_days > 14", "body_size > 0"]),
    ).toEqual([false, false]);
    expect(needs(['body contains "ok"'])).toEqual([true, false]);
    expect(needs(["$.a == 1"])).toEqual([true, false]);
    expect(needs(["[BODY].a == 1"])).toEqual([true, false]);
    expect(needs(['header["a"] == null', "status == 200"])).toEqual([false, true]);
    expect(needs(['header["a"] == null', "len($.a) > 1"])).toEqual([true, true]);
  });
});
