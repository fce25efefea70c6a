import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckTiming } from "../../../gen/pulsar/v1/check_pb.js";
import { quietly } from "../../../test/support/check-timings.js";
import {
  checkTarget,
  startHttpsTarget,
  startHttpTarget,
  type TestTarget,
} from "../../../test/support/targets.js";
import { runCheck } from "./run-check.js";

const run = promisify(execFile);
const CURL = "/usr/bin/curl";
const ROUTE = "/delay?headers=80&body=40&chunks=4";

let http: TestTarget;
let https: TestTarget;

beforeAll(async () => {
  [http, https] = await Promise.all([startHttpTarget(), startHttpsTarget()]);
  // The first getaddrinfo of a process loads NSS (~10 ms); curl resolves localhost itself.
  await runCheck(checkTarget(`${http.localhostUrl}/ok`));
});

afterAll(async () => {
  await Promise.all([http.close(), https.close()]);
});

/** startTransfer is our TTFB counted from the start, as curl's is: ours are phases. */
function startTransfer(t: CheckTiming | undefined): number {
  return t === undefined ? 0 : t.dnsMs + t.connectMs + t.tlsMs + t.ttfbMs;
}

/** curl's own waterfall, cumulative from the start, in ms. */
async function curlTimes(url: string) {
  const format =
    "%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}";
  const { stdout } = await run(CURL, ["-s", "-k", "-o", "/dev/null", "-w", format, url]);
  const [lookup, connect, appconnect, starttransfer, total] = stdout
    .split(" ")
    .map((s) => Number(s) * 1000);
  return { lookup, connect, appconnect, starttransfer, total } as Record<string, number>;
}

describe("agreement with curl", () => {
  it.each([
    ["HTTP", () => http.localhostUrl],
    ["HTTPS", () => https.localhostUrl],
  ])("measures %s the way curl does", async (_, base) => {
    const url = `${base()}${ROUTE}`;
    // Two processes timing two requests: a busy machine (other test files on both cores) can
    // delay either one by more than the tolerance. Noise only ever adds, a measuring error
    // would not go away: up to three pairs, until one is within every tolerance.
    let curl: Record<string, number> = {};
    let result: Awaited<ReturnType<typeof runCheck>> | undefined;
    let t: CheckTiming | undefined;
    // Every figure held under 10 ms below: the gaps between the two, and the short phases
    // (a localhost lookup or connect took 16 ms once, on a machine running two test runs).
    const worst = () =>
      Math.max(
        Math.abs(startTransfer(t) - (curl.starttransfer ?? 0)),
        Math.abs((t?.totalMs ?? 0) - (curl.total ?? 0)),
        t?.dnsMs ?? 0,
        t?.connectMs ?? 0,
        curl.lookup ?? 0,
        (curl.connect ?? 0) - (curl.lookup ?? 0),
        // curl is a process of its own: starved, it shows in its loopback handshake (2–5 ms when
        // quiet, 21–28 ms seen under a load of 9 on 2 cores), which our loop delay cannot see.
        (curl.appconnect ?? 0) - (curl.connect ?? 0),
      );
    for (let attempt = 0; attempt < 3 && (t === undefined || worst() >= 10); attempt++) {
      result = await quietly(async () => {
        curl = await curlTimes(url);
        return runCheck(checkTarget(url, { ignoreTlsErrors: true }));
      });
      t = result.timing;
    }
    expect(result?.up, result?.error).toBe(true);
    if (t === undefined) throw new Error("no timing");
    const ourStartTransfer = startTransfer(t);
    const context = JSON.stringify({ curl, ours: t });
    expect(Math.abs(ourStartTransfer - (curl.starttransfer ?? 0)), context).toBeLessThan(10);
    expect(Math.abs(t.totalMs - (curl.total ?? 0)), context).toBeLessThan(10);
    expect(t.dnsMs, context).toBeGreaterThan(0);
    expect(t.dnsMs, context).toBeLessThan(10);
    expect(curl.lookup, context).toBeLessThan(10);
    expect(t.connectMs, context).toBeLessThan(10);
    expect((curl.connect ?? 0) - (curl.lookup ?? 0), context).toBeLessThan(10);
  });
});
