import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CheckJobSchema } from "../../gen/pulsar/v1/check_pb.js";
import { eventually } from "../../test/support/eventually.js";
import { createCheckRunner } from "../checks/run-target.js";
import { createLogger } from "../core/logger.js";
import { createProbe, type Probe, type ProbeDeps } from "./probe.js";
import { createProbeClient } from "./probe-client.js";
import { type CheckApiStandIn, startCheckApiStandIn } from "./testing/check-api-stand-in.js";

/** A local target that records each request: its path, User-Agent and when it arrived. */
interface Target {
  url: string;
  hits: { path: string; userAgent: string; at: number }[];
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  const hits: Target["hits"] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ path: req.url ?? "", userAgent: req.headers["user-agent"] ?? "", at: Date.now() });
    const delay = Number(new URL(req.url ?? "/", "http://x").searchParams.get("ms") ?? 0);
    setTimeout(() => res.end("ok"), delay);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let api: CheckApiStandIn;
let target: Target;
let probe: Probe | undefined;
let lines: string[];

beforeEach(async () => {
  api = await startCheckApiStandIn();
  target = await startTarget();
  lines = [];
});

afterEach(async () => {
  await probe?.stop({ checksMs: 2000, flushMs: 500 });
  probe = undefined;
  await api.close();
  await target.close();
});

const FAST_RETRY = { baseMs: 50, maxMs: 200 };

function startProbe(overrides: Partial<ProbeDeps["config"]> = {}): Probe {
  const log = createLogger("probe", "debug", { write: (line: string) => lines.push(line) });
  probe = createProbe({
    config: {
      PULSAR_URL: api.baseUrl,
      REGION: "label-x",
      PROBE_CONCURRENCY: 10,
      PROBE_BUFFER_MAX: 1000,
      ...overrides,
    },
    client: createProbeClient({ url: api.baseUrl, token: api.token }),
    runCheckFor: (region) => createCheckRunner({ identity: { region, version: "1.2.3" } }),
    version: "1.2.3",
    log,
    retry: FAST_RETRY,
    reportIntervalMs: 50,
    waitMs: 200,
  });
  probe.start();
  return probe;
}

/** check is a check job of monitor `id` against the target's `path`, due at `atMs` (API clock). */
function check(
  id: string,
  path: string,
  atMs: number,
  intervalSeconds = 60,
): MessageInitShape<typeof CheckJobSchema> {
  return {
    monitorId: id,
    intervalSeconds,
    scheduledAtMs: atMs,
    target: { url: `${target.url}${path}`, timeoutMs: 5000 },
  };
}

const reported = () => api.reports.flatMap((report) => report.results);
const finished = () => api.reports.flatMap((report) => report.finishedLeaseIds);
const logged = (level: string) => lines.filter((line) => line.includes(`"level":"${level}"`));

describe("the probe", () => {
  it("starts each check at its slot on the API's clock, with the region's User-Agent, and reports it with its lease", async () => {
    // The API's clock runs 5 s ahead of this one: a probe that ignored it would start 5 s late.
    api.clockOffsetMs = 5000;
    startProbe();
    await eventually(() => api.takes.length > 0, { what: "a first TakeChecks" });
    const slot = api.serverNow() + 400;
    api.offer("lease-1", [check("m1", "/a", slot), check("m2", "/b", slot)]);
    await eventually(() => finished().includes("lease-1"), { what: "lease-1 reported finished" });

    expect(target.hits.map((hit) => hit.path).sort()).toEqual(["/a", "/b"]);
    for (const hit of target.hits) {
      // The region the API named, not the REGION the probe was started with.
      expect(hit.userAgent).toBe("Pulsar/1.2.3 (+region d)");
      const startedOnApiClock = hit.at + api.clockOffsetMs;
      expect(startedOnApiClock).toBeGreaterThanOrEqual(slot - 50);
      expect(startedOnApiClock).toBeLessThan(slot + 500);
    }
    const results = reported();
    expect(results.map((r) => r.monitorId).sort()).toEqual(["m1", "m2"]);
    for (const result of results) {
      expect(result.region).toBe("d");
      expect(result.up).toBe(true);
      expect(result.maintenance).toBe(false);
      expect(result.scheduledAt && timestampMs(result.scheduledAt)).toBe(slot);
    }
    // The lease is named finished in the same call as its results or after them.
    const leaseCall = api.reports.findIndex((r) => r.finishedLeaseIds.includes("lease-1"));
    const lastResultCall = Math.max(...api.reports.map((r, i) => (r.results.length > 0 ? i : -1)));
    expect(leaseCall).toBeGreaterThanOrEqual(lastResultCall);
    const stats = api.takes.at(-1)?.stats;
    expect(stats).toMatchObject({ version: "1.2.3", regionLabel: "label-x" });
    expect(stats?.sentAt).toBeDefined();
    expect(api.takes.every((take) => take.maxChecks >= 1 && take.maxChecks <= 10)).toBe(true);
  });

  it("drops a check already a whole interval late and still finishes its lease", async () => {
    startProbe();
    api.offer("stale", [check("m1", "/stale", api.serverNow() - 61_000, 60)]);
    await eventually(() => finished().includes("stale"), { what: "the stale lease finished" });
    expect(target.hits).toEqual([]);
    expect(reported()).toEqual([]);
  });

  it("extends a lease while its slow check runs", async () => {
    api.leaseMs = 300;
    startProbe();
    api.offer("slow", [check("m1", "/slow?ms=1000", api.serverNow())]);
    await eventually(() => finished().includes("slow"), {
      what: "the slow lease finished",
      timeoutMs: 5000,
    });
    const extended = api.extensions.filter((e) => e.leaseIds.includes("slow")).length;
    // Every 100 ms over a check of 1 s.
    expect(extended).toBeGreaterThanOrEqual(5);
    expect(reported().map((r) => r.monitorId)).toEqual(["m1"]);
  });

  it("drops the checks not started of a lease the API says is lost, and does not finish it", async () => {
    api.leaseMs = 300;
    api.lostLeases.add("lost");
    startProbe();
    api.offer("lost", [check("m1", "/never", api.serverNow() + 1500)]);
    await eventually(() => api.extensions.some((e) => e.leaseIds.includes("lost")), {
      what: "an extension of the lost lease",
    });
    await new Promise((resolve) => setTimeout(resolve, 1800));
    expect(target.hits).toEqual([]);
    expect(finished()).not.toContain("lost");
    expect(logged("warn").some((line) => line.includes("lease lost"))).toBe(true);
  });

  it("keeps results while reports fail, takes nothing new meanwhile, and delivers them all, oldest first, once the API is back", async () => {
    api.faults.reportResults = Code.Unavailable;
    startProbe();
    api.offer("l1", [check("m1", "/1", api.serverNow())]);
    await eventually(() => api.reportCalls() >= 2, { what: "failed reports" });
    // A long poll (200 ms here) already in flight when reports began to fail may still end.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const takesWhileFailing = api.takes.length;
    api.offer("l2", [check("m2", "/2", api.serverNow())]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Nothing is taken while results cannot be reported: l2 waits at the API.
    expect(api.takes.length).toBe(takesWhileFailing);
    expect(target.hits.map((hit) => hit.path)).toEqual(["/1"]);

    delete api.faults.reportResults;
    await eventually(() => finished().includes("l2"), { what: "both leases delivered" });
    expect(reported().map((r) => r.monitorId)).toEqual(["m1", "m2"]);
    expect(finished()).toEqual(["l1", "l2"]);
    expect(logged("warn").filter((l) => l.includes("cannot report results"))).toHaveLength(1);
    expect(lines.some((l) => l.includes("the API takes results again"))).toBe(true);
  });

  it("keeps results while the API is stopped and delivers them once it listens again", async () => {
    startProbe();
    api.offer("l1", [check("m1", "/slow?ms=600", api.serverNow())]);
    await eventually(() => target.hits.length === 1, { what: "the check to start" });
    await api.stop();
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(api.reports).toEqual([]);
    await api.start();
    await eventually(() => finished().includes("l1"), {
      what: "the result after the API came back",
      timeoutMs: 5000,
    });
    expect(reported().map((r) => r.monitorId)).toEqual(["m1"]);
  });

  it("keeps at most PROBE_BUFFER_MAX results, dropping the oldest with one warning", async () => {
    api.faults.reportResults = Code.Internal;
    startProbe({ PROBE_BUFFER_MAX: 2 });
    const now = api.serverNow();
    api.offer("l1", [check("m1", "/1", now), check("m2", "/2", now), check("m3", "/3", now)]);
    api.offer("l2", [check("m4", "/4", now)]);
    await eventually(() => target.hits.length === 4, { what: "four checks" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    delete api.faults.reportResults;
    await eventually(() => finished().includes("l2"), { what: "l2 delivered" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The two newest results (l1's last to finish, then m4); l1 is still finished at the API
    // (its job completes; checks that old are stale anyway).
    expect(reported()).toHaveLength(2);
    expect(reported().at(-1)?.monitorId).toBe("m4");
    expect(finished()).toEqual(["l1", "l2"]);
    expect(logged("warn").filter((l) => l.includes("result buffer is full"))).toHaveLength(1);
  });

  it("drops a batch the API calls invalid and goes on with the next", async () => {
    api.faults.reportResults = Code.InvalidArgument;
    startProbe();
    api.offer("bad", [check("m1", "/1", api.serverNow())]);
    await eventually(() => logged("error").some((l) => l.includes("refused results as invalid")), {
      what: "the invalid batch logged",
    });
    delete api.faults.reportResults;
    api.offer("good", [check("m2", "/2", api.serverNow())]);
    await eventually(() => finished().includes("good"), { what: "the next batch delivered" });
    expect(reported().map((r) => r.monitorId)).toEqual(["m2"]);
  });

  it("ends at once with one clear log line when the API refuses the token", async () => {
    const refused = createProbe({
      config: { PULSAR_URL: api.baseUrl, REGION: "", PROBE_CONCURRENCY: 10, PROBE_BUFFER_MAX: 100 },
      client: createProbeClient({ url: api.baseUrl, token: `pulsar_probe_${"R".repeat(43)}` }),
      runCheckFor: (region) => createCheckRunner({ identity: { region, version: "1.2.3" } }),
      version: "1.2.3",
      log: createLogger("probe", "debug", { write: (line: string) => lines.push(line) }),
      retry: FAST_RETRY,
      waitMs: 200,
    });
    refused.start();
    const end = await refused.ended;
    expect(end).toMatchObject({ reason: "refused" });
    expect(logged("error")).toHaveLength(1);
    expect(logged("error")[0]).toContain("the probe token was revoked or is unknown");
    expect(logged("error")[0]).toContain("ProbeService.CreateProbeToken");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // No retry after the refusal.
    expect(api.takes).toEqual([]);
    expect(await refused.stop()).toMatchObject({ reason: "refused" });
  });

  it("on stop lets the check in flight finish and reports it before resolving", async () => {
    const running = startProbe();
    api.offer("l1", [check("m1", "/slow?ms=700", api.serverNow())]);
    await eventually(() => target.hits.length === 1, { what: "the check to start" });
    const end = await running.stop({ checksMs: 5000, flushMs: 2000 });
    probe = undefined;
    expect(end).toEqual({ reason: "stopped", unsent: 0 });
    expect(reported().map((r) => r.monitorId)).toEqual(["m1"]);
    expect(finished()).toEqual(["l1"]);
  });
});
