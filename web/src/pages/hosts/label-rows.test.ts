import { describe, expect, it } from "vitest";
import { checkLabels, sameLabels } from "./label-rows";

describe("checkLabels", () => {
  it("reads the rows into labels, ignoring wholly blank rows and trimming", () => {
    expect(
      checkLabels([
        { key: " env ", value: " prod " },
        { key: "", value: "" },
        { key: "k8s.io_zone-1", value: "" },
      ]),
    ).toEqual({ labels: { env: "prod", "k8s.io_zone-1": "" } });
  });

  it("names the rows whose key is malformed or repeated", () => {
    const checked = checkLabels([
      { key: "env", value: "a" },
      { key: "Env", value: "b" },
      { key: "env", value: "c" },
      { key: "", value: "orphan" },
      { key: "_x", value: "" },
    ]);
    expect(Object.keys("rowErrors" in checked ? checked.rowErrors : {})).toEqual([
      "1",
      "2",
      "3",
      "4",
    ]);
  });

  it("refuses a 21st label", () => {
    const rows = Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, value: "" }));
    expect(checkLabels(rows)).toEqual({ rowErrors: {}, error: "At most 20 labels" });
  });
});

describe("sameLabels", () => {
  it("compares keys and values, not order", () => {
    expect(sameLabels({ a: "1", b: "2" }, { b: "2", a: "1" })).toBe(true);
    expect(sameLabels({ a: "1" }, { a: "1", b: "" })).toBe(false);
    expect(sameLabels({ a: "1" }, { a: "2" })).toBe(false);
  });
});
