import { describe, expect, it } from "vitest";
import { ConditionCache, compileConditions } from "./compile.js";
import { ConditionSyntaxError } from "./syntax-error.js";

describe("compileConditions", () => {
  it("parses a target's conditions in order", () => {
    const compiled = compileConditions(["status == 200", '$.status == "UP"'], new ConditionCache());
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.conditions.map((c) => c.source)).toEqual(["status == 200", '$.status == "UP"']);
  });

  it("has nothing to do for a target without conditions", () => {
    const cache = new ConditionCache();
    expect(compileConditions([], cache)).toEqual({ ok: true, conditions: [] });
    expect(cache.size).toBe(0);
  });

  it("names the condition that does not parse, its problem and its position", () => {
    const compiled = compileConditions(["status == 200", "status = 200"], new ConditionCache());
    expect(compiled).toEqual({
      ok: false,
      error: 'conditions[1] does not parse: "=" is not an operator; write == at position 7',
    });
  });

  it("refuses more than 20 conditions", () => {
    const texts = Array.from({ length: 21 }, () => "status == 200");
    expect(compileConditions(texts, new ConditionCache())).toEqual({
      ok: false,
      error: "more than 20 conditions",
    });
  });
});

describe("ConditionCache", () => {
  it("parses a text once and hands the same condition out again", () => {
    const cache = new ConditionCache();
    const first = cache.parse("status == 200");
    // A copy of the text, as each check's job decodes its own strings.
    const again = cache.parse(Buffer.from("status == 200").toString());
    expect(again).toBe(first);
    expect(cache.size).toBe(1);
  });

  it("keeps a syntax error like a condition, without throwing", () => {
    const cache = new ConditionCache();
    const error = cache.parse("status ==");
    expect(error).toBeInstanceOf(ConditionSyntaxError);
    expect(cache.parse("status ==")).toBe(error);
  });

  it("holds at most its capacity, forgetting the oldest text first", () => {
    const cache = new ConditionCache(2);
    const a = cache.parse("status == 1");
    const b = cache.parse("status == 2");
    cache.parse("status == 3");
    expect(cache.size).toBe(2);
    expect(cache.parse("status == 2")).toBe(b);
    // "status == 1" was forgotten: parsed anew, and it pushes out "status == 2".
    expect(cache.parse("status == 1")).not.toBe(a);
    expect(cache.size).toBe(2);
    expect(cache.parse("status == 3")).toBe(cache.parse("status == 3"));
  });
});
