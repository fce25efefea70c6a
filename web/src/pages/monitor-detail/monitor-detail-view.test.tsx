// @vitest-environment happy-dom
import { create, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AlertEvent,
  AlertEventSchema,
  AlertKind,
  AlertService,
  type Incident,
  IncidentSchema,
} from "../../../../gen/pulsar/v1/alert_pb";
import {
  type CheckResult,
  CheckResultSchema,
  HeartbeatSpecSchema,
} from "../../../../gen/pulsar/v1/check_pb";
import {
  type Monitor,
  MonitorKind,
  MonitorSchema,
  MonitorService,
  MonitorStatus,
  RegionResultSchema,
  RegionRule,
  type RegionStats,
  RegionStatsSchema,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { StreamEventSchema } from "../../../../gen/pulsar/v1/stream_pb";
import { LiveStream } from "../../api/stream";
import { StreamContext } from "../../api/use-stream";
import { MonitorDetail } from "./monitor-detail-view";

afterEach(cleanup);

const ID = "7f3c0c8e-0000-4000-8000-000000000001";

function checkResult(
  secondsAgo: number,
  fields: { up?: boolean; statusCode?: number; error?: string } = {},
): CheckResult {
  return create(CheckResultSchema, {
    monitorId: ID,
    checkedAt: timestampFromMs(Math.floor(Date.now() / 1000 - secondsAgo) * 1000),
    up: fields.up ?? true,
    statusCode: fields.statusCode ?? 200,
    error: fields.error ?? "",
    timing: { dnsMs: 2, connectMs: 10, tlsMs: 20, ttfbMs: 30, downloadMs: 5, totalMs: 67 },
  });
}

/**
 * An in-memory MonitorService holding one monitor, recording what was asked of it, and an
 * AlertService with its incidents and alerts.
 */
function fakeApi(
  options: {
    missing?: boolean;
    noChecks?: boolean;
    incidents?: Incident[];
    alerts?: AlertEvent[];
    /** What PauseMonitor answers instead of pausing. */
    pauseError?: ConnectError;
    publicBadges?: boolean;
    /** A heartbeat monitor, hourly, due at this time (ms). */
    heartbeatDueMs?: number;
    /** What GetMonitorStats answers in regions for a window. */
    regionStats?: (window: string) => RegionStats[];
  } = {},
) {
  const calls = { deleted: [] as string[], reads: 0 };
  let monitor: Monitor = create(MonitorSchema, {
    id: ID,
    name: "Checkout API",
    url: "https://shop.example/health",
    method: "GET",
    intervalSeconds: 60,
    enabled: true,
    status: MonitorStatus.UP,
    publicBadges: options.publicBadges ?? false,
    publicId: "0123456789abcdef0123456789abcdef",
  });
  if (options.heartbeatDueMs !== undefined) {
    monitor.kind = MonitorKind.HEARTBEAT;
    monitor.heartbeat = create(HeartbeatSpecSchema, { periodSeconds: 3600, graceSeconds: 300 });
    monitor.heartbeatDueAt = timestampFromMs(options.heartbeatDueMs);
  }
  const results = options.noChecks ? [] : [checkResult(60)];
  monitor.lastResult = results[0];
  if (options.noChecks) monitor.status = MonitorStatus.PENDING;
  const transport = createRouterTransport(({ service }) => {
    service(AlertService, {
      listIncidents: (req) => ({
        incidents: (options.incidents ?? []).filter((i) => i.monitorId === req.monitorId),
      }),
      listAlertEvents: (req) => ({
        events: (options.alerts ?? []).filter((e) => e.monitorId === req.monitorId),
      }),
    });
    service(MonitorService, {
      getMonitor() {
        calls.reads++;
        if (options.missing) throw new ConnectError("monitor not found", Code.NotFound);
        return { monitor };
      },
      listCheckResults: () => ({ results }),
      getMonitorStats: (req) => ({
        stats: { window: req.window },
        regions: options.regionStats?.(req.window) ?? [],
      }),
      getMonitorTimings: () => ({ points: [], stepSeconds: 60 }),
      pauseMonitor() {
        if (options.pauseError) throw options.pauseError;
        monitor = { ...monitor, enabled: false, status: MonitorStatus.PAUSED };
        return { monitor };
      },
      deleteMonitor(req) {
        calls.deleted.push(req.id);
        return {};
      },
    });
  });
  return {
    client: createClient(MonitorService, transport),
    alerts: createClient(AlertService, transport),
    calls,
    results,
    /** A change the server made to the monitor (a ping moved its deadline on). */
    change(fields: Partial<Monitor>) {
      monitor = { ...monitor, ...fields };
    },
  };
}

/** A LiveStream over a fake socket: the test pushes frames as the server would. */
function fakeStream() {
  const socket = {
    readyState: 1,
    sent: [] as string[],
    send(frame: string) {
      this.sent.push(frame);
    },
    close() {},
    onopen: null as null | (() => void),
    onmessage: null as null | ((message: { data: string }) => void),
    onclose: null as null | (() => void),
  };
  const stream = new LiveStream({ createSocket: () => socket as unknown as WebSocket });
  const pushAlert = (alert: AlertEvent) =>
    socket.onmessage?.({
      data: JSON.stringify(
        toJson(
          StreamEventSchema,
          create(StreamEventSchema, {
            topic: "alerts",
            payload: { case: "alertEvent", value: alert },
          }),
        ),
      ),
    });
  const push = (result: CheckResult) =>
    socket.onmessage?.({
      data: JSON.stringify(
        toJson(
          StreamEventSchema,
          create(StreamEventSchema, {
            topic: `monitor:${ID}`,
            payload: { case: "checkResult", value: result },
          }),
        ),
      ),
    });
  return { stream, socket, push, pushAlert };
}

function renderPage(api: ReturnType<typeof fakeApi>, stream?: LiveStream) {
  return render(
    <StreamContext.Provider value={stream}>
      <MonitorDetail id={ID} client={api.client} alerts={api.alerts} onUnauthenticated={() => {}} />
    </StreamContext.Provider>,
  );
}

/** The table's checks (a phone-only line with the error under a check is not one). */
function tableRows(): HTMLElement[] {
  const table = screen.getByRole("table", { name: "Recent checks, newest first" });
  return within(table)
    .getAllByRole("row")
    .filter((row) => row.querySelector("time"));
}

beforeEach(() => window.history.replaceState(null, "", `/monitors/${ID}`));

describe("MonitorDetail", () => {
  it("shows the Badges section, with this origin's URLs, only for a monitor with public badges", async () => {
    renderPage(fakeApi());
    await screen.findByRole("heading", { name: "Latest check" });
    expect(screen.queryByRole("heading", { name: "Badges" })).toBeNull();
    cleanup();
    renderPage(fakeApi({ publicBadges: true }));
    await screen.findByRole("heading", { name: "Badges" });
    expect((screen.getByLabelText("Markdown (status)") as HTMLInputElement).value).toBe(
      `![status](${window.location.origin}/badge/0123456789abcdef0123456789abcdef/status.svg)`,
    );
  });

  it("deletes the monitor only after the person confirms, then goes to the overview", async () => {
    const api = fakeApi();
    renderPage(api);
    await screen.findByRole("heading", { name: "Checkout API", level: 1 });

    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete Checkout API?" });
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Cancel" }));
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByRole("button", { name: "Delete monitor" })).toBeNull();
    expect(api.calls.deleted).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(api.calls.deleted).toEqual([]);
    expect(window.location.pathname).toBe(`/monitors/${ID}`);

    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete monitor" }));
    await waitFor(() => expect(window.location.pathname).toBe("/"));
    expect(api.calls.deleted).toEqual([ID]);
  });

  it("turns the status down and puts a live check result at the top of the table", async () => {
    const api = fakeApi();
    const { stream, socket, push } = fakeStream();
    renderPage(api, stream);
    await screen.findByRole("heading", { name: "Checkout API", level: 1 });
    await waitFor(() => expect(tableRows()).toHaveLength(1));
    const status = screen.getByRole("status", { name: "Monitor status" });
    expect(status.textContent).toBe("Up");

    act(() => socket.onopen?.());
    expect(socket.sent).toContain(JSON.stringify({ subscribe: [`monitor:${ID}`] }));
    act(() =>
      push(
        checkResult(0, {
          up: false,
          statusCode: 503,
          error: "expected status 200–399, got 503 Service Unavailable",
        }),
      ),
    );

    expect(status.textContent).toBe("Down");
    const rows = tableRows();
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("503");
    expect(rows[0]?.textContent).toContain("expected status 200–399, got 503 Service Unavailable");
    expect(rows[1]?.textContent).toContain("200");
    // A replayed copy of a check already listed does not add a row.
    act(() => push(create(CheckResultSchema, api.results[0])));
    expect(tableRows()).toHaveLength(2);
    stream.close();
  });

  it("reads a heartbeat monitor again when a ping arrives live, so its deadline moves on", async () => {
    const dueMs = Date.now() + 20 * 60_000;
    const api = fakeApi({ heartbeatDueMs: dueMs });
    const { stream, socket, push } = fakeStream();
    renderPage(api, stream);
    const latest = await screen.findByRole("region", { name: "Latest ping" });
    await within(latest).findByText(/^in 20 min /);
    act(() => socket.onopen?.());
    // The replay repeats the ping the monitor knows of: nothing to read again.
    act(() => push(create(CheckResultSchema, api.results[0])));
    expect(api.calls.reads).toBe(1);

    const ping = checkResult(0);
    api.change({ lastResult: ping, heartbeatDueAt: timestampFromMs(Date.now() + 65 * 60_000) });
    act(() => push(ping));
    await within(latest).findByText("in 1 h 5 min (every 1 h + 5 min grace)");
    expect(api.calls.reads).toBe(2);
    stream.close();
  });

  it("shows each region of a monitor checked from several, a region's live failure in its row and not as the monitor's status", async () => {
    const api = fakeApi();
    const inRegion = (region: string, result: CheckResult) => ({ ...result, region });
    api.change({
      regions: ["a", "b", "c"],
      regionRule: RegionRule.MAJORITY,
      regionResults: ["a", "b", "c"].map((region) =>
        create(RegionResultSchema, { region, result: inRegion(region, checkResult(20)) }),
      ),
    });
    const { stream, socket, push } = fakeStream();
    renderPage(api, stream);
    const section = await screen.findByRole("region", { name: "Regions" });
    expect(within(section).getByText(/^DOWN when most regions fail/)).toBeTruthy();
    // The region cards (the waterfalls' legends are lists of their own).
    const rows = () => [...within(section).getByRole("list", { name: "Regions" }).children];
    ["a", "b", "c"].forEach((region, i) => {
      expect(within(rows()[i] as HTMLElement).getByText(region)).toBeTruthy();
    });
    const status = screen.getByRole("status", { name: "Monitor status" });
    act(() => socket.onopen?.());

    const failed = inRegion("a", checkResult(0, { up: false, statusCode: 503, error: "HTTP 503" }));
    act(() => push(create(CheckResultSchema, failed)));
    expect(rows()[0]?.textContent).toContain("HTTP 503");
    expect(status.textContent).toBe("Up");
    // The server's verdict is read again rather than guessed from one region's result.
    await waitFor(() => expect(api.calls.reads).toBe(2));
    stream.close();
  });

  it("shows each region's uptime and percentiles over the chart's range, and its latest waterfall", async () => {
    // Region a's figures differ by window, so the one on screen says which window was read.
    const windowUptime: Record<string, number> = { "1h": 1, "24h": 0.98, "7d": 0.9, "30d": 0.5 };
    const api = fakeApi({
      regionStats: (window) =>
        ["a", "b"].map((region) =>
          create(RegionStatsSchema, {
            region,
            stats: {
              window,
              checks: region === "a" ? 100n : 0n,
              failures:
                region === "a" ? BigInt(Math.round(100 * (1 - (windowUptime[window] ?? 0)))) : 0n,
              uptimeRatio: region === "a" ? windowUptime[window] : 0,
              totalMs: { p50: 42, p95: 420, p99: 1200 },
            },
          }),
        ),
    });
    api.change({
      regions: ["a", "b"],
      regionResults: ["a", "b"].map((region) =>
        create(RegionResultSchema, { region, result: { ...checkResult(20), region } }),
      ),
    });
    renderPage(api);
    const section = await screen.findByRole("region", { name: "Regions" });
    const card = (i: number) =>
      within(section).getByRole("list", { name: "Regions" }).children[i] as HTMLElement;
    const value = (i: number, term: string) =>
      within(card(i)).getByText(term).nextElementSibling?.textContent;
    await waitFor(() => expect(value(0, "Uptime 24 h")).toBe("98.00 %"));
    expect(card(0).textContent).toContain("2 of 100 failed");
    expect([value(0, "p50"), value(0, "p95"), value(0, "p99")]).toEqual([
      "42 ms",
      "420 ms",
      "1.20 s",
    ]);
    // b had no checks in the window: no figures, whatever percentiles came with them.
    expect(value(1, "Uptime 24 h")).toBe("—");
    expect(value(1, "p95")).toBe("—");
    for (const region of ["a", "b"]) {
      const waterfall = within(section).getByRole("figure", {
        name: `Timing of the latest check from ${region}`,
      });
      expect(within(waterfall).getByText("TLS").nextElementSibling?.textContent).toBe("20 ms");
    }

    fireEvent.click(screen.getByRole("button", { name: "7 d" }));
    expect(value(0, "Uptime 7 d")).toBe("90.00 %");
    expect(card(0).textContent).toContain("10 of 100 failed");
  });

  it("shows no Regions section for a monitor checked from one region", async () => {
    const api = fakeApi();
    api.change({ regions: ["local"], regionRule: RegionRule.MAJORITY });
    renderPage(api);
    await screen.findByRole("heading", { name: "Latest check" });
    expect(screen.queryByRole("region", { name: "Regions" })).toBeNull();
  });

  it("pauses, then offers Resume", async () => {
    const api = fakeApi();
    renderPage(api);
    fireEvent.click(await screen.findByRole("button", { name: "Pause" }));
    await screen.findByRole("button", { name: "Resume" });
    expect(screen.getByRole("status", { name: "Monitor status" }).textContent).toBe("Paused");
  });

  it("shows why a pause was refused, in the server's words, and stays running", async () => {
    const message =
      "this organization has reached its limit of 600 writes per minute (PULSAR_ORG_WRITES_PER_MINUTE); try again in 7 s";
    renderPage(fakeApi({ pauseError: new ConnectError(message, Code.ResourceExhausted) }));
    fireEvent.click(await screen.findByRole("button", { name: "Pause" }));
    expect((await screen.findByRole("alert")).textContent).toBe(message);
    expect(screen.getByRole("status", { name: "Monitor status" }).textContent).toBe("Up");
    // Still running: Pause can be tried again, and nothing offers to resume.
    expect((screen.getByRole("button", { name: "Pause" }) as HTMLButtonElement).disabled).toBe(
      false,
    );
    expect(screen.queryByRole("button", { name: "Resume" })).toBeNull();
  });

  it("says when the monitor has no checks yet", async () => {
    renderPage(fakeApi({ noChecks: true }));
    await screen.findByText("No checks yet — the first one runs within seconds.");
    expect(screen.getByRole("status", { name: "Monitor status" }).textContent).toBe("Pending");
  });

  it("shows an ongoing incident with how long it has lasted so far", async () => {
    const startedMs = Date.now() - (3600 + 125) * 1000;
    const ongoing = create(IncidentSchema, {
      id: "i2",
      monitorId: ID,
      startedAt: timestampFromMs(startedMs),
      // As of an answer long ago: the page counts on from the start.
      durationSeconds: 10,
      cause: "connect ECONNREFUSED 10.0.0.7:443",
    });
    const past = create(IncidentSchema, {
      id: "i1",
      monitorId: ID,
      startedAt: timestampFromMs(startedMs - 86_400_000),
      endedAt: timestampFromMs(startedMs - 86_400_000 + 45_000),
      durationSeconds: 45,
      cause: "timeout after 10000 ms",
    });
    renderPage(fakeApi({ incidents: [ongoing, past] }));
    const table = await screen.findByRole("table", { name: "Incidents, newest first" });
    // Ended, duration and cause of each row (the start is a locale-formatted time).
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((row) => [...(row as HTMLTableRowElement).cells].slice(1).map((c) => c.textContent));
    expect(rows[0]).toEqual(["ongoing", "1 h 2 min", "connect ECONNREFUSED 10.0.0.7:443"]);
    expect(rows[1]?.slice(1)).toEqual(["45 s", "timeout after 10000 ms"]);
    expect(rows[1]?.[0]).not.toBe("ongoing");
    expect(rows).toHaveLength(2);
  });

  it("lists this monitor's alerts and puts its live ones on top, ignoring other monitors'", async () => {
    const alert = (id: string, monitorId: string, title: string, secondsAgo: number) =>
      create(AlertEventSchema, {
        id,
        monitorId,
        kind: AlertKind.MONITOR_DOWN,
        title,
        createdAt: timestampFromMs(Date.now() - secondsAgo * 1000),
      });
    const api = fakeApi({ alerts: [alert("a1", ID, "Checkout API is down", 600)] });
    const { stream, socket, pushAlert } = fakeStream();
    renderPage(api, stream);
    const log = await screen.findByRole("log", { name: "Recent alerts of this monitor" });
    await within(log).findByText("Checkout API is down");
    act(() => socket.onopen?.());

    act(() => pushAlert(alert("b1", "another-monitor", "Blog is down", 0)));
    act(() => pushAlert(alert("a2", ID, "Checkout API is down again", 0)));
    const items = within(log)
      .getAllByRole("listitem")
      .filter((li) => li.closest("ol"));
    const titles = items.map((li) => li.textContent ?? "");
    expect(titles[0]).toContain("Checkout API is down again");
    expect(titles.join()).not.toContain("Blog is down");
    stream.close();
  });

  it("says the monitor is not found, with a way back", async () => {
    renderPage(fakeApi({ missing: true }));
    await screen.findByRole("heading", { name: "Monitor not found" });
    expect(screen.getByRole("link", { name: "Back to monitors" }).getAttribute("href")).toBe("/");
  });
});
