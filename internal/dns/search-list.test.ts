import { describe, expect, it } from "vitest";
import { candidateNames, NO_SEARCH, parseResolvConf } from "./search-list.js";

describe("parseResolvConf", () => {
  it("reads the last search or domain line and ndots, as glibc does", () => {
    const conf = parseResolvConf(
      [
        "nameserver 10.96.0.10",
        "domain old.example",
        "search default.svc.cluster.local svc.cluster.local cluster.local. # k8s",
        "options ndots:5 timeout:2",
      ].join("\n"),
    );
    expect(conf).toEqual({
      domains: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"],
      ndots: 5,
    });
    expect(parseResolvConf("options ndots:40").ndots).toBe(15);
    expect(parseResolvConf("")).toEqual(NO_SEARCH);
  });
});

describe("candidateNames", () => {
  const k8s = { domains: ["ns.svc.cluster.local", "svc.cluster.local"], ndots: 2 };

  it("tries a name with fewer dots than ndots under each domain first, then as it is", () => {
    expect(candidateNames("api", k8s)).toEqual([
      "api.ns.svc.cluster.local",
      "api.svc.cluster.local",
      "api",
    ]);
  });

  it("asks for a dotted or absolute name only as it is", () => {
    expect(candidateNames("status.example.com", k8s)).toEqual(["status.example.com"]);
    expect(candidateNames("api.", k8s)).toEqual(["api"]);
    expect(candidateNames("api", NO_SEARCH)).toEqual(["api"]);
  });
});
