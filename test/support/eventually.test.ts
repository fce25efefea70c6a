import { describe, expect, it } from "vitest";
import { eventually } from "./eventually.js";

describe("eventually", () => {
  it("resolves with the probe's first answer that is not false, undefined or null", async () => {
    const answers = [false, undefined, null, 0, 7];
    const value = await eventually(() => answers.shift(), { what: "an answer", intervalMs: 1 });
    expect(value).toBe(0);
    expect(answers).toEqual([7]);
  });

  it("keeps trying while the probe throws, so an expect inside it waits", async () => {
    let tries = 0;
    await eventually(
      () => {
        tries++;
        expect(tries).toBe(3);
        return true;
      },
      { what: "the third try", intervalMs: 1 },
    );
    expect(tries).toBe(3);
  });

  it("fails naming what it waited for and the last value the probe gave", async () => {
    const stored = new Set<string>();
    const waiting = eventually(() => stored.has("s-1"), {
      what: "the sample to be stored",
      timeoutMs: 60,
      intervalMs: 5,
    });
    await expect(waiting).rejects.toThrow(
      /^timed out after 60 ms waiting for the sample to be stored; the last try gave false$/,
    );
  });

  it("fails with the last error the probe threw, kept as the cause", async () => {
    const refused = new Error("connect ECONNREFUSED 127.0.0.1:9");
    const error = await eventually(
      () => {
        throw refused;
      },
      { what: "the API to listen", timeoutMs: 30, intervalMs: 5 },
    ).catch((e: unknown) => e as Error);
    expect(error.message).toBe(
      "timed out after 30 ms waiting for the API to listen; the last try threw Error: connect ECONNREFUSED 127.0.0.1:9",
    );
    expect(error.cause).toBe(refused);
  });

  it("gives up at once when giveUp names a reason, adding the detail", async () => {
    const started = Date.now();
    const waiting = eventually(() => false, {
      what: "the launcher to be ready",
      timeoutMs: 10_000,
      giveUp: () => "it exited with code 1",
      detail: () => "launcher output:\nboom",
    });
    await expect(waiting).rejects.toThrow(
      "gave up waiting for the launcher to be ready: it exited with code 1; the last try gave false\nlauncher output:\nboom",
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
