import { describe, expect, it } from "vitest";
import { createHashGate, HashingBusyError } from "./hash-gate.js";

/** held is work that runs until release() is called. */
function held() {
  let release = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { done, release };
}

describe("the hashing gate", () => {
  it("runs at most `concurrency` at once, queues up to `maxQueue`, and refuses past it with a retry-after", async () => {
    const gate = createHashGate({ concurrency: 2, maxQueue: 3 });
    let running = 0;
    let most = 0;
    const works = Array.from({ length: 5 }, () => held());
    const results = works.map((work, i) =>
      gate.run(async () => {
        running++;
        most = Math.max(most, running);
        await work.done;
        running--;
        return i;
      }),
    );
    await Promise.resolve();
    expect(gate.active).toBe(2);
    expect(gate.waiting).toBe(3);

    const refused = await gate.run(async () => "never").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HashingBusyError);
    expect((refused as HashingBusyError).message).toMatch(
      /^too many sign-ins in progress; try again in \d+ s$/,
    );
    expect((refused as HashingBusyError).retryAfterSeconds).toBeGreaterThanOrEqual(1);

    for (const work of works) work.release();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(gate.active).toBe(0);
    expect(gate.waiting).toBe(0);
  });

  it("hands a freed slot to the longest waiter, and frees it when the work throws", async () => {
    const gate = createHashGate({ concurrency: 1, maxQueue: 2 });
    const order: string[] = [];
    const first = held();
    const running = gate.run(async () => {
      await first.done;
      throw new Error("scrypt failed");
    });
    const second = gate.run(async () => order.push("second"));
    const third = gate.run(async () => order.push("third"));
    first.release();
    await expect(running).rejects.toThrow("scrypt failed");
    await Promise.all([second, third]);
    expect(order).toEqual(["second", "third"]);
    expect(gate.active).toBe(0);
    expect(await gate.run(async () => "free again")).toBe("free again");
  });
});
