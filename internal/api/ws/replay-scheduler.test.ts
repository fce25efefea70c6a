import { describe, expect, it } from "vitest";
import { ReplayScheduler } from "./replay-scheduler.js";

/** controlledRuns is a replay function whose runs finish when the test says so. */
function controlledRuns() {
  const started: string[] = [];
  const finishers = new Map<string, (() => void)[]>();
  const run = (topic: string) =>
    new Promise<void>((resolve) => {
      started.push(topic);
      finishers.set(topic, [...(finishers.get(topic) ?? []), resolve]);
    });
  /** finish ends the oldest unfinished run of topic and lets the scheduler react. */
  const finish = async (topic: string) => {
    finishers.get(topic)?.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { started, run, finish };
}

describe("ReplayScheduler", () => {
  it("runs a topic's replays one at a time, collapsing requests made meanwhile into one", async () => {
    const { started, run, finish } = controlledRuns();
    const scheduler = new ReplayScheduler(run, 4);
    for (let i = 0; i < 50; i++) scheduler.request("monitors");
    expect(started).toEqual(["monitors"]);
    expect(scheduler.inFlight()).toBe(1);
    await finish("monitors");
    expect(started).toEqual(["monitors", "monitors"]);
    await finish("monitors");
    expect(started).toHaveLength(2);
    expect(scheduler.inFlight()).toBe(0);
  });

  it("runs at most `limit` topics at once and starts waiting ones in request order", async () => {
    const { started, run, finish } = controlledRuns();
    const scheduler = new ReplayScheduler(run, 2);
    for (const topic of ["a", "b", "c", "d"]) scheduler.request(topic);
    expect(started).toEqual(["a", "b"]);
    await finish("b");
    expect(started).toEqual(["a", "b", "c"]);
    await finish("a");
    expect(started).toEqual(["a", "b", "c", "d"]);
  });

  it("forgets a cancelled request that had not started", async () => {
    const { started, run, finish } = controlledRuns();
    const scheduler = new ReplayScheduler(run, 1);
    scheduler.request("a");
    scheduler.request("b");
    scheduler.cancel("b");
    await finish("a");
    expect(started).toEqual(["a"]);
    expect(scheduler.inFlight()).toBe(0);
  });

  it("keeps going after a run that rejects", async () => {
    const started: string[] = [];
    const scheduler = new ReplayScheduler(async (topic) => {
      started.push(topic);
      throw new Error("boom");
    }, 1);
    scheduler.request("a");
    scheduler.request("b");
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(["a", "b"]);
  });
});
