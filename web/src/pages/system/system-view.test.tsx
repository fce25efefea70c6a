// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { GetSystemStatsResponseSchema, SystemService } from "../../../../gen/pulsar/v1/system_pb";
import { SystemView } from "./system-view";

afterEach(cleanup);

const NOW = Date.now();

/** The answers an in-memory SystemService gives, one per call (the last one repeated). */
function setup(answers: ((windowSeconds: number) => unknown)[]) {
  const windows: number[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(SystemService, {
      getSystemStats: (req) => {
        windows.push(req.windowSeconds);
        const answer = answers[Math.min(windows.length, answers.length) - 1];
        return answer?.(req.windowSeconds) as ReturnType<
          typeof create<typeof GetSystemStatsResponseSchema>
        >;
      },
    });
  });
  render(
    <SystemView
      client={createClient(SystemService, transport)}
      onUnauthenticated={() => {}}
      pollMs={50}
    />,
  );
  return { windows };
}

const stats = (checksPerSecond: number, atMs: number) =>
  create(GetSystemStatsResponseSchema, {
    observedAt: timestampFromMs(atMs),
    windowSeconds: 60,
    checksPerSecond,
    checkOutcomes: [
      { label: "up", perSecond: checksPerSecond - 0.02 },
      { label: "down", perSecond: 0.02 },
      { label: "skipped", perSecond: 0 },
    ],
    latenessP50Ms: 4.2,
    latenessP99Ms: 230,
    queues: [
      { queue: "checks", state: "waiting", jobs: 3 },
      { queue: "checks", state: "delayed", jobs: 40 },
      { queue: "checks", state: "completed", jobs: 900 },
    ],
    rpcs: [
      {
        method: "pulsar.v1.MonitorService/ListMonitors",
        perSecond: 2.5,
        errorsPerSecond: 0,
        p50Ms: 3,
        p99Ms: 48,
      },
      {
        method: "pulsar.v1.AuthService/SignIn",
        perSecond: 0.05,
        errorsPerSecond: 0.01,
        p50Ms: 120,
        p99Ms: 300,
      },
    ],
    streamClients: 7,
    workers: 2,
    apiProcesses: 1,
    processes: [
      {
        kind: "api",
        id: "web-1:4127",
        publishedAt: timestampFromMs(atMs - 12_000),
        cpuPercent: 12.5,
        residentBytes: 150 * 2 ** 20,
        eventLoopLagP99Ms: 11,
      },
      {
        kind: "worker",
        id: "worker-1:88",
        publishedAt: timestampFromMs(atMs - 40_000),
        cpuPercent: 40,
        residentBytes: 300 * 2 ** 20,
        eventLoopLagP99Ms: 250,
      },
    ],
  });

const card = (label: string) => screen.getByText(label, { selector: "dt" }).parentElement;

describe("SystemView", () => {
  it("shows checks per second, their outcomes, lateness, queue, clients and processes", async () => {
    const { windows } = setup([() => stats(0.1, NOW)]);
    await waitFor(() => expect(card("Checks per second")?.textContent).toContain("0.10/s"));
    expect(windows[0]).toBe(60);
    expect(card("Checks per second")?.textContent).toContain("up 0.080/s · down 0.020/s");
    expect(card("Lateness p50")?.textContent).toContain("4.2 ms");
    expect(card("Lateness p99")?.textContent).toContain("230 ms");
    // Waiting and delayed jobs; completed ones are history.
    expect(card("Check queue")?.textContent).toContain("43");
    expect(card("Stream clients")?.textContent).toContain("7");
    expect(card("Processes")?.textContent).toContain("2 workers, 1 API");

    const rpcs = within(screen.getByRole("table", { name: "RPCs by method" }));
    const rows = rpcs.getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      "pulsar.v1.MonitorService/ListMonitors2.50/s0/s3.0 ms48 ms",
      "pulsar.v1.AuthService/SignIn0.050/s0.010/s120 ms300 ms",
    ]);
    const processes = within(screen.getByRole("table", { name: "Processes" }));
    expect(
      processes
        .getAllByRole("row")
        .slice(1)
        .map((r) => r.textContent),
    ).toEqual([
      "APIweb-1:412712.5 %150 MiB11 ms12 s ago",
      "Workerworker-1:8840.0 %300 MiB250 ms40 s ago",
    ]);
  });

  it("asks again and charts every new observation while the page is open", async () => {
    let at = NOW;
    const { windows } = setup([
      () => {
        at += 5000;
        return stats(0.5, at);
      },
    ]);
    await waitFor(
      () =>
        expect(
          screen.getByRole("figure", { name: "Checks per second since the page opened" }),
        ).toBeTruthy(),
      { timeout: 2000 },
    );
    expect(
      screen.getByRole("figure", { name: "Scheduling lateness since the page opened" }),
    ).toBeTruthy();
    expect(windows.length).toBeGreaterThanOrEqual(2);
  });

  it("says what the server said when it refuses", async () => {
    setup([
      () => {
        throw new ConnectError(
          "only a signed-in admin of the operator organization (the first one created) may see the system's figures",
          Code.PermissionDenied,
        );
      },
    ]);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("only a signed-in admin of the operator organization");
    expect(screen.queryByText("Checks per second", { selector: "dt" })).toBeNull();
  });
});
