// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { cleanup, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../../../gen/pulsar/v1/check_pb";
import {
  type Monitor,
  MonitorKind,
  MonitorSchema,
  MonitorStatus,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { newerMonitor } from "./live-results";
import { type HeartbeatRereadDeps, useHeartbeatReread } from "./use-heartbeat-reread";

afterEach(cleanup);

const T0 = Date.parse("2026-12-06T12:00:00Z");

function heartbeat(fields: Partial<Monitor> = {}): Monitor {
  return {
    ...create(MonitorSchema, {
      id: "m1",
      kind: MonitorKind.HEARTBEAT,
      enabled: true,
      status: MonitorStatus.UP,
      lastResult: create(CheckResultSchema, { checkedAt: timestampFromMs(T0) }),
    }),
    ...fields,
  };
}

/** A GetMonitor that answers with the given monitor and counts the reads (or fails). */
function fakeDeps(answer: Monitor, overrides: Partial<HeartbeatRereadDeps> = {}) {
  const read: Monitor[] = [];
  const state = { reads: 0, expired: 0, fail: undefined as ConnectError | undefined };
  const deps: HeartbeatRereadDeps = {
    client: {
      getMonitor: async () => {
        state.reads++;
        if (state.fail) throw state.fail;
        return { $typeName: "pulsar.v1.GetMonitorResponse", monitor: answer };
      },
    },
    onUnauthenticated: () => state.expired++,
    onRead: (monitor) => read.push(monitor),
    ...overrides,
  };
  return { deps, read, state };
}

describe("useHeartbeatReread", () => {
  it("reads a heartbeat again for a result newer than its own last, not for one it knows", async () => {
    const answer = heartbeat({ heartbeatDueAt: timestampFromMs(T0 + 3_900_000) });
    const { deps, read, state } = fakeDeps(answer);
    const { rerender } = renderHook(({ newest }) => useHeartbeatReread(heartbeat(), newest, deps), {
      initialProps: { newest: T0 },
    });
    rerender({ newest: T0 - 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.reads).toBe(0);

    rerender({ newest: T0 + 1000 });
    await waitFor(() => expect(read).toEqual([answer]));
    expect(state.reads).toBe(1);
  });

  it("reads at most once per gap, and reads once more after a burst for its last result", async () => {
    const { deps, state } = fakeDeps(heartbeat(), { minGapMs: 300 });
    const { rerender } = renderHook(({ newest }) => useHeartbeatReread(heartbeat(), newest, deps), {
      initialProps: { newest: T0 },
    });
    for (let i = 1; i <= 5; i++) rerender({ newest: T0 + i * 1000 });
    // The first result is read at once (the read starts within the render).
    expect(state.reads).toBe(1);
    // The burst's later results wait for the gap, then cost one read between them.
    await waitFor(() => expect(state.reads).toBe(2), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(state.reads).toBe(2);
  });

  it("reads a running heartbeat every poll, for a /start publishes no result", async () => {
    const { deps, state } = fakeDeps(heartbeat(), { pollMs: 50, minGapMs: 10 });
    renderHook(() => useHeartbeatReread(heartbeat(), T0, deps));
    await waitFor(() => expect(state.reads).toBeGreaterThanOrEqual(2), { timeout: 5000 });
  });

  it("leaves a paused heartbeat and other kinds alone", async () => {
    const { deps, state } = fakeDeps(heartbeat(), { pollMs: 20 });
    const { rerender } = renderHook(({ monitor }) => useHeartbeatReread(monitor, T0 + 5000, deps), {
      initialProps: { monitor: heartbeat({ enabled: false, status: MonitorStatus.PAUSED }) },
    });
    rerender({ monitor: heartbeat({ kind: MonitorKind.HTTP }) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(state.reads).toBe(0);
  });

  it("tells the page when a read finds the session gone", async () => {
    const { deps, state } = fakeDeps(heartbeat());
    state.fail = new ConnectError("session expired", Code.Unauthenticated);
    renderHook(() => useHeartbeatReread(heartbeat(), T0 + 1000, deps));
    await waitFor(() => expect(state.expired).toBe(1));
  });
});

describe("newerMonitor", () => {
  it("keeps a pause when a read begun before it lands after it", () => {
    const paused = heartbeat({ enabled: false, updatedAt: timestampFromMs(T0 + 2000) });
    const stale = heartbeat({ updatedAt: timestampFromMs(T0) });
    expect(newerMonitor(paused, stale)).toBe(paused);
    const fresh = heartbeat({ enabled: false, updatedAt: timestampFromMs(T0 + 2000) });
    expect(newerMonitor(paused, fresh)).toBe(fresh);
    expect(newerMonitor(undefined, stale)).toBe(stale);
    expect(newerMonitor(paused, { ...stale, id: "m2" }).id).toBe("m2");
  });
});
