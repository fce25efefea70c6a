import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../core/errors.js";
import { labelSetProblem, parseLabelList } from "../../core/labels.js";
import { effectiveLabels, parseLabelSelector } from "./label-selector.js";

const prodDb = { env: "prod", role: "db" };
const stagingWeb = { env: "staging", role: "web", gpu: "" };

describe("parseLabelSelector", () => {
  it("selects every host when empty", () => {
    const selector = parseLabelSelector("  ");
    expect(selector.terms).toEqual([]);
    expect(selector.matches({})).toBe(true);
  });

  it("reads equals, not-equals and has terms, all of which must hold", () => {
    const selector = parseLabelSelector(" env = prod, role!=web ,env");
    expect(selector.terms).toEqual([
      { op: "equals", key: "env", value: "prod" },
      { op: "notEquals", key: "role", value: "web" },
      { op: "exists", key: "env" },
    ]);
    expect(selector.matches(prodDb)).toBe(true);
    expect(selector.matches(stagingWeb)).toBe(false);
    expect(selector.matches({ env: "prod", role: "web" })).toBe(false);
  });

  it("counts a missing label as not equal, and a label with an empty value as present", () => {
    expect(parseLabelSelector("role!=db").matches({ env: "prod" })).toBe(true);
    expect(parseLabelSelector("gpu").matches(stagingWeb)).toBe(true);
    expect(parseLabelSelector("gpu").matches(prodDb)).toBe(false);
  });

  it("never matches a key through the object's prototype", () => {
    expect(parseLabelSelector("constructor").matches({})).toBe(false);
    expect(parseLabelSelector("tostring!=x").matches({})).toBe(true);
  });

  it.each([
    ["env=prod,env=", 'labelSelector term 2 "env=" needs a value after "="'],
    ["env!=", 'labelSelector term 1 "env!=" needs a value after "!="'],
    ["a,,b", 'labelSelector term 2 "" is empty'],
    ["Env=prod", 'labelSelector term 1 "Env=prod" has a key that must be'],
    ["a=b=c", 'labelSelector term 1 "a=b=c" has more than one "="'],
    ["a!=b=c", 'labelSelector term 1 "a!=b=c" has more than one "!="'],
    ["=prod", 'labelSelector term 1 "=prod" has a key that must be'],
    [`a=${"x".repeat(101)}`, "has a value that must be at most 100 characters"],
    // Refused on its length, before it is split or walked.
    ["a".repeat(4001), "labelSelector must be at most 4000 characters"],
    ["a=b\u0007", "has a value that must be printable"],
  ])("refuses %j, naming the field and the term", (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(InvalidArgumentError);
    expect(() => parseLabelSelector(text)).toThrow(message);
  });

  it("refuses more than 20 terms, and names the field it was given", () => {
    const terms = Array.from({ length: 21 }, (_, i) => `k${i}`).join(",");
    expect(() => parseLabelSelector(terms, "rule.hostSelector")).toThrow(
      "rule.hostSelector must have at most 20 terms",
    );
    expect(parseLabelSelector(terms.split(",").slice(0, 20).join(",")).terms).toHaveLength(20);
  });
});

describe("effectiveLabels", () => {
  it("are the edited labels when set, even empty, else the agent's", () => {
    expect(effectiveLabels(null, prodDb)).toBe(prodDb);
    expect(effectiveLabels({}, prodDb)).toEqual({});
  });
});

describe("label sets", () => {
  it("parses AGENT_LABELS' k=v,k2=v2", () => {
    expect(parseLabelList("env=prod, role = db,empty=")).toEqual({
      env: "prod",
      role: "db",
      empty: "",
    });
    expect(parseLabelList("")).toEqual({});
  });

  it("refuses an item without '=', a bad key and too many labels", () => {
    expect(() => parseLabelList("env=prod,db")).toThrow('item 2 "db" is not key=value');
    expect(() => parseLabelList("__proto__=x")).toThrow('item 1: key "__proto__" must be');
    const many = Array.from({ length: 21 }, (_, i) => `k${i}=v`).join(",");
    expect(() => parseLabelList(many)).toThrow("at most 20 labels");
  });

  it("answers the first problem of a set with its key", () => {
    expect(labelSetProblem({ env: "prod" })).toBeUndefined();
    expect(labelSetProblem({ ok: "1", "bad key": "x" })?.[0]).toBe("bad key");
    expect(labelSetProblem({ k: "x".repeat(101) })?.[1]).toMatch(/at most 100 characters/);
  });
});
