import { describe, expect, it } from "vitest";
import { parseHosts } from "./hosts-file.js";

describe("parseHosts", () => {
  it("maps every name and alias of a line to its address, by family, in file order", () => {
    const table = parseHosts(
      [
        "# comment line",
        "127.0.0.1\tlocalhost  Loopback.Local.",
        "::1 localhost ip6-localhost # trailing comment",
        "10.0.0.2 db db.internal",
        "10.0.0.3 db",
        "10.0.0.2 db",
        "",
      ].join("\n"),
    );
    expect(table.get("localhost")).toEqual({ v4: ["127.0.0.1"], v6: ["::1"] });
    expect(table.get("loopback.local")).toEqual({ v4: ["127.0.0.1"], v6: [] });
    expect(table.get("ip6-localhost")).toEqual({ v4: [], v6: ["::1"] });
    expect(table.get("db")).toEqual({ v4: ["10.0.0.2", "10.0.0.3"], v6: [] });
    expect(table.get("db.internal")).toEqual({ v4: ["10.0.0.2"], v6: [] });
  });

  it("skips lines without names or whose first field is not an address", () => {
    const table = parseHosts("not-an-ip host\n127.0.0.1\n   \n300.1.1.1 bad\n#127.0.0.1 gone\n");
    expect(table.size).toBe(0);
  });
});
