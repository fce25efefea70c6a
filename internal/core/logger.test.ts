import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

function collect() {
  const lines: string[] = [];
  return { sink: { write: (line: string) => lines.push(line) }, lines };
}

describe("createLogger", () => {
  it("writes one JSON object per line with the level as a word, the name and the fields", () => {
    const { sink, lines } = collect();
    createLogger("api", "info", sink).info("api listening", { port: 8080 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("\n")).toBe(true);
    const line = JSON.parse(lines[0] ?? "");
    expect(line).toMatchObject({ level: "info", name: "api", msg: "api listening", port: 8080 });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it("drops lines below its level", () => {
    const { sink, lines } = collect();
    const log = createLogger("worker", "warn", sink);
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["w", "e"]);
  });

  it("serializes an error under `error` with its type, message, stack and cause", () => {
    const { sink, lines } = collect();
    const error = new TypeError("connect refused", { cause: new Error("ECONNREFUSED") });
    createLogger("worker", "info", sink).error("storing a batch failed", { error });
    const logged = JSON.parse(lines[0] ?? "").error;
    expect(logged.type).toBe("TypeError");
    expect(logged.message).toContain("connect refused");
    expect(logged.stack).toContain("caused by: Error: ECONNREFUSED");
  });
});
