import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { HostSchema } from "../../../../gen/pulsar/v1/host_pb";
import { applyEdits } from "./host-edits";

const a = create(HostSchema, { id: "a", hostname: "a" });
const b = create(HostSchema, { id: "b", hostname: "b" });
const renamed = create(HostSchema, { id: "a", hostname: "a", name: "Alpha" });

describe("applyEdits", () => {
  it("lays a rename and a delete made after the list was asked for over it", () => {
    const hosts = applyEdits({ hosts: [a, b], startedMs: 1000 }, [
      { atMs: 1500, id: "a", host: renamed },
      { atMs: 1600, id: "b" },
    ]);
    expect(hosts).toEqual([renamed]);
  });

  it("lets a list asked for after the edit win", () => {
    const hosts = applyEdits({ hosts: [a, b], startedMs: 2000 }, [{ atMs: 1600, id: "b" }]);
    expect(hosts).toEqual([a, b]);
  });
});
