import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SHARED_SCOPE, scopedTopic, scopeOfScopedTopic } from "./topics.js";

describe("scopeOfScopedTopic", () => {
  it("reads back the scope a topic key was built with, for every kind of topic", () => {
    const orgId = randomUUID();
    for (const scope of [orgId, SHARED_SCOPE]) {
      // A host id may hold ':' and '.': they belong to the name, not the scope.
      const names = ["hosts", "monitors", "alerts", `monitor:${randomUUID()}`, "host:db-1.eu:5432"];
      for (const name of names) {
        expect(scopeOfScopedTopic(scopedTopic(scope, name))).toBe(scope);
      }
    }
  });

  it("throws on a key scopedTopic did not build, instead of guessing a scope", () => {
    expect(() => scopeOfScopedTopic("hosts")).toThrow('not a scoped topic: "hosts"');
  });
});
