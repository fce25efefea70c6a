import { describe, expect, it } from "vitest";
import { OrgSlots } from "./org-slots.js";

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe("OrgSlots", () => {
  it("gives one organization at most its maximum, and others their own", () => {
    const slots = new OrgSlots<string>({ maxPerOrg: 2 });
    const a1 = slots.tryAcquire("a", 10);
    const a2 = slots.tryAcquire("a", 20);
    expect(a1).toBeDefined();
    expect(a2).toBeDefined();
    expect(slots.tryAcquire("a", 30)).toBeUndefined();
    expect(slots.tryAcquire("b", 30)).toBeDefined();
    expect(slots.inFlight("a")).toBe(2);
    a1?.release();
    expect(slots.inFlight("a")).toBe(1);
    expect(slots.tryAcquire("a", 40)).toBeDefined();
  });

  it("frees a slot once however often it is released", () => {
    const slots = new OrgSlots<string>({ maxPerOrg: 2 });
    const first = slots.tryAcquire("a", 10);
    slots.tryAcquire("a", 20);
    first?.release();
    first?.release();
    expect(slots.inFlight("a")).toBe(1);
  });

  it("tells when the soonest of an organization's slots must be free", () => {
    const slots = new OrgSlots<string>({ maxPerOrg: 3 });
    expect(slots.soonestDeadline("a")).toBeUndefined();
    slots.tryAcquire("a", 300);
    const soonest = slots.tryAcquire("a", 100);
    slots.tryAcquire("a", 200);
    expect(slots.soonestDeadline("a")).toBe(100);
    soonest?.release();
    expect(slots.soonestDeadline("a")).toBe(200);
  });

  it("hands back waiters oldest first, a returning one ahead, and skips expired ones", () => {
    const time = clock();
    const slots = new OrgSlots<string>({ maxPerOrg: 1, now: time.now });
    slots.tryAcquire("a", time.now() + 1000);
    slots.wait("a", "expires soon", time.now() + 10);
    slots.wait("a", "second", time.now() + 5000);
    slots.wait("a", "third", time.now() + 5000);
    slots.wait("a", "back again", time.now() + 5000, true);
    expect(slots.takeWaiter("a")).toBe("back again");
    time.advance(20);
    expect(slots.takeWaiter("a")).toBe("second");
    expect(slots.takeWaiter("a")).toBe("third");
    expect(slots.takeWaiter("a")).toBeUndefined();
    expect(slots.takeWaiter("nobody")).toBeUndefined();
  });

  it("remembers a bounded number of waiters per organization, making room from expired ones", () => {
    const time = clock();
    const slots = new OrgSlots<number>({ maxPerOrg: 1, maxWaitersPerOrg: 3, now: time.now });
    expect(slots.wait("a", 1, time.now() + 10)).toBe(true);
    expect(slots.wait("a", 2, time.now() + 1000)).toBe(true);
    expect(slots.wait("a", 3, time.now() + 1000)).toBe(true);
    expect(slots.canWait("a")).toBe(false);
    expect(slots.wait("a", 4, time.now() + 1000)).toBe(false);
    // Another organization's list is its own.
    expect(slots.wait("b", 1, time.now() + 1000)).toBe(true);
    time.advance(20);
    expect(slots.canWait("a")).toBe(true);
    expect(slots.wait("a", 5, time.now() + 1000)).toBe(true);
    expect(slots.waiting()).toBe(4);
  });

  it("forgets an organization with nothing in flight and nobody waiting", () => {
    const time = clock();
    const slots = new OrgSlots<string>({ maxPerOrg: 1, now: time.now });
    for (let i = 0; i < 1000; i++) slots.tryAcquire(`org ${i}`, 10)?.release();
    expect(slots.organizations()).toBe(0);
    const slot = slots.tryAcquire("a", 10);
    slots.wait("a", "waiter", time.now() + 100);
    slot?.release();
    expect(slots.organizations()).toBe(1);
    expect(slots.takeWaiter("a")).toBe("waiter");
    expect(slots.organizations()).toBe(0);
    // A stale slot released after its organization was forgotten leaves the new entry alone.
    const again = slots.tryAcquire("a", 10);
    slot?.release();
    expect(slots.inFlight("a")).toBe(1);
    again?.release();
  });

  it("refuses a maximum that is not a positive integer", () => {
    expect(() => new OrgSlots({ maxPerOrg: 0 })).toThrow(RangeError);
    expect(() => new OrgSlots({ maxPerOrg: 1.5 })).toThrow(RangeError);
  });
});
