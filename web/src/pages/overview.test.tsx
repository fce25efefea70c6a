// @vitest-environment happy-dom
import { create, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CheckResultSchema,
  DnsSpecSchema,
  HeartbeatSpecSchema,
  TcpSpecSchema,
} from "../../../gen/pulsar/v1/check_pb";
import { HostService } from "../../../gen/pulsar/v1/host_pb";
import {
  type Monitor,
  MonitorKind,
  MonitorSchema,
  MonitorService,
  MonitorStatus,
  RegionStateSchema,
} from "../../../gen/pulsar/v1/monitor_pb";
import { type StreamEvent, StreamEventSchema } from "../../../gen/pulsar/v1/stream_pb";
import { LiveStream } from "../api/stream";
import { StreamContext } from "../api/use-stream";
import { Overview } from "./overview";

afterEach(cleanup);

function monitorId(n: number): string {
  return `7f3c0c8e-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

function monitor(n: number, fields: Partial<Pick<Monitor, "name" | "url" | "status">> = {}) {
  const status = fields.status ?? MonitorStatus.UP;
  return create(MonitorSchema, {
    id: monitorId(n),
    name: fields.name ?? `Monitor ${String(n).padStart(4, "0")}`,
    url: fields.url ?? `https://m${n}.example/health`,
    enabled: status !== MonitorStatus.PAUSED,
    status,
    lastResult:
      status === MonitorStatus.PENDING || status === MonitorStatus.PAUSED
        ? undefined
        : {
            monitorId: monitorId(n),
            up: status === MonitorStatus.UP,
            checkedAt: timestampFromMs(Date.now() - 42_000),
          },
  });
}

/** In-memory MonitorService and HostService, paging like the server, recording requests. */
function fakeApi(monitors: Monitor[], options: { listError?: ConnectError } = {}) {
  const summaryRequests: string[][] = [];
  const transport = createRouterTransport(({ service }) => {
    service(MonitorService, {
      listMonitors(req) {
        if (options.listError) throw options.listError;
        const start = req.pageToken === "" ? 0 : Number(req.pageToken);
        const end = start + req.pageSize;
        return {
          monitors: monitors.slice(start, end),
          nextPageToken: end < monitors.length ? String(end) : "",
        };
      },
      getMonitorSummaries(req) {
        summaryRequests.push(req.monitorIds);
        return {
          summaries: req.monitorIds.map((id) => ({
            monitorId: id,
            uptimeRatio24h: 0.9995,
            checks24h: 1440,
            hourlyAvgTotalMs: Array.from({ length: 24 }, (_, i) => 100 + i),
          })),
        };
      },
    });
    service(HostService, {
      listHosts: () => ({
        hosts: [{ id: "h1", hostname: "db-1", online: true, memoryBytes: 8 * 2 ** 30 }],
      }),
    });
  });
  return {
    monitors: createClient(MonitorService, transport),
    hosts: createClient(HostService, transport),
    summaryRequests,
  };
}

/** A LiveStream over a fake socket: the test pushes frames as the server would. */
function fakeStream() {
  const socket = {
    readyState: 1,
    send() {},
    close() {},
    onopen: null as null | (() => void),
    onmessage: null as null | ((message: { data: string }) => void),
    onclose: null as null | (() => void),
  };
  const stream = new LiveStream({ createSocket: () => socket as unknown as WebSocket });
  const push = (event: StreamEvent) =>
    act(() => socket.onmessage?.({ data: JSON.stringify(toJson(StreamEventSchema, event)) }));
  return { stream, push };
}

function renderOverview(api: ReturnType<typeof fakeApi>, stream?: LiveStream, onUnauth = () => {}) {
  return render(
    <StreamContext.Provider value={stream}>
      <Overview monitors={api.monitors} hosts={api.hosts} onUnauthenticated={onUnauth} />
    </StreamContext.Provider>,
  );
}

function rows(): HTMLElement[] {
  return within(screen.getByRole("list", { name: "Monitors" })).getAllByRole("listitem");
}

function rowNames(): string[] {
  return rows().map((row) => within(row).getByRole("link").textContent ?? "");
}

describe("Overview", () => {
  it("narrows the list with the status filters and the search box", async () => {
    const api = fakeApi([
      monitor(1, { name: "Checkout", url: "https://shop.example/health" }),
      monitor(2, { name: "Search", status: MonitorStatus.DOWN }),
      monitor(3, { name: "Billing", status: MonitorStatus.PAUSED }),
      monitor(4, { name: "Blog", url: "https://blog.example/", status: MonitorStatus.DOWN }),
    ]);
    renderOverview(api);
    await screen.findByRole("list", { name: "Monitors" });
    expect(rowNames()).toEqual(["Billing", "Blog", "Checkout", "Search"]);
    // Each status filter shows its count; All is on.
    const filters = within(screen.getByRole("group", { name: "Filter by status" })).getAllByRole(
      "button",
    );
    expect(filters.map((b) => `${b.textContent}:${b.getAttribute("aria-pressed")}`)).toEqual([
      "All 4:true",
      "Up 1:false",
      "Down 2:false",
      "Paused 1:false",
    ]);

    fireEvent.click(screen.getByRole("button", { name: /^Down/ }));
    expect(screen.getByRole("button", { name: /^Down/ }).getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByRole("button", { name: /^All/ }).getAttribute("aria-pressed")).toBe("false");
    expect(rowNames()).toEqual(["Blog", "Search"]);

    fireEvent.change(screen.getByLabelText("Search monitors"), {
      target: { value: "BLOG.example" },
    });
    expect(rowNames()).toEqual(["Blog"]);

    fireEvent.click(screen.getByRole("button", { name: /^Paused/ }));
    expect(screen.queryByRole("list", { name: "Monitors" })).toBeNull();
    screen.getByText("No monitors match");
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(rowNames()).toHaveLength(4);
  });

  it("flips a row to down when a live check result says so, and back up", async () => {
    const { stream, push } = fakeStream();
    const api = fakeApi([monitor(1, { name: "Checkout" }), monitor(2, { name: "Search" })]);
    renderOverview(api, stream);
    await screen.findByRole("list", { name: "Monitors" });
    const checkout = () => rows()[0] as HTMLElement;
    within(checkout()).getByText("Up");

    const result = (up: boolean, atMs: number) =>
      create(StreamEventSchema, {
        topic: "monitors",
        payload: {
          case: "checkResult",
          value: create(CheckResultSchema, {
            monitorId: monitorId(1),
            up,
            error: up ? "" : "connection refused",
            checkedAt: timestampFromMs(atMs),
          }),
        },
      });
    push(result(false, Date.now()));
    await waitFor(() => within(checkout()).getByText("Down"));
    within(checkout()).getByText("just now");
    expect(screen.getByRole("button", { name: /^Down/ }).textContent).toBe("Down 1");
    within(rows()[1] as HTMLElement).getByText("Up");

    // A replayed result older than the one shown changes nothing.
    push(result(true, Date.now() - 3_600_000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    within(checkout()).getByText("Down");

    push(result(true, Date.now()));
    await waitFor(() => within(checkout()).getByText("Up"));
  });

  it("renders only the rows in view of 1,200 monitors and asks summaries for those alone", async () => {
    const all = Array.from({ length: 1200 }, (_, i) => monitor(i));
    const api = fakeApi(all);
    renderOverview(api);
    // Both pages of ListMonitors (1000 + 200) are loaded.
    await screen.findByText("1200 monitors");
    const rendered = rows();
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(60);
    expect(rendered[0]?.getAttribute("aria-setsize")).toBe("1200");

    await waitFor(() => expect(api.summaryRequests.length).toBeGreaterThan(0));
    const asked = api.summaryRequests.flat();
    expect(asked.length).toBeLessThanOrEqual(rendered.length);
    expect(asked).toContain(monitorId(0));
    expect(asked).not.toContain(monitorId(1199));
    await waitFor(() => within(rows()[0] as HTMLElement).getByText("99.95 %"));
    within(rows()[0] as HTMLElement).getByRole("img", { name: /Latency over the last 24 h/ });
  });

  it("offers to add the first monitor when there are none", async () => {
    renderOverview(fakeApi([]));
    await screen.findByRole("heading", { name: "No monitors yet" });
    const add = screen.getByRole("link", { name: "Add monitor" });
    expect(add.getAttribute("href")).toBe("/monitors/new");
  });

  it("shows the server's words when the monitors cannot be loaded", async () => {
    const onUnauth = vi.fn();
    renderOverview(
      fakeApi([], { listError: new ConnectError("database is unavailable", Code.Unavailable) }),
      undefined,
      onUnauth,
    );
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("database is unavailable");
    screen.getByRole("button", { name: "Try again" });
    expect(onUnauth).not.toHaveBeenCalled();
  });

  it("hands an expired session back to sign-in", async () => {
    const onUnauth = vi.fn();
    renderOverview(
      fakeApi([], { listError: new ConnectError("session expired", Code.Unauthenticated) }),
      undefined,
      onUnauth,
    );
    await waitFor(() => expect(onUnauth).toHaveBeenCalled());
  });

  it("shows each host's name in the host strip", async () => {
    renderOverview(fakeApi([monitor(1)]));
    const strip = await screen.findByRole("region", { name: "Hosts" });
    await within(strip).findByText("db-1");
    within(strip).getByText("Online");
  });

  it("filters by kind, says what each row checks in its kind's words, and never shows a ping URL", async () => {
    const pingUrl = "https://pulsar.example/ping/0123456789abcdefSECRET";
    const api = fakeApi([
      monitor(1, { name: "Checkout", url: "https://shop.example/health" }),
      {
        ...monitor(2, { name: "Postgres", status: MonitorStatus.DOWN }),
        kind: MonitorKind.TCP,
        url: "",
        tcp: create(TcpSpecSchema, { host: "db.internal", port: 5432 }),
      },
      {
        ...monitor(3, { name: "Mail" }),
        kind: MonitorKind.DNS,
        url: "",
        dns: create(DnsSpecSchema, { name: "example.com", recordType: "MX" }),
      },
      {
        ...monitor(4, { name: "Backup", status: MonitorStatus.PENDING }),
        kind: MonitorKind.HEARTBEAT,
        url: "",
        heartbeat: create(HeartbeatSpecSchema, { periodSeconds: 3600, graceSeconds: 300 }),
        pingUrl,
      },
    ]);
    renderOverview(api);
    await screen.findByRole("list", { name: "Monitors" });
    const targets = rows().map((row) => row.textContent ?? "");
    expect(targets[0]).toContain("Heartbeata ping every 1 h");
    expect(targets[0]).toContain("no ping yet");
    expect(targets[1]).toContain("HTTPhttps://shop.example/health");
    expect(targets[2]).toContain("DNSMX example.com");
    expect(targets[3]).toContain("TCPdb.internal:5432");
    expect(document.body.innerHTML).not.toContain("SECRET");

    const kinds = within(screen.getByRole("group", { name: "Filter by kind" })).getAllByRole(
      "button",
    );
    expect(kinds.map((b) => b.textContent)).toEqual([
      "All kinds 4",
      "HTTP 1",
      "TCP 1",
      "DNS 1",
      "Heartbeat 1",
    ]);
    fireEvent.click(screen.getByRole("button", { name: /^TCP/ }));
    expect(rowNames()).toEqual(["Postgres"]);
    // The status counts are the chosen kind's.
    expect(screen.getByRole("button", { name: /^Down/ }).textContent).toBe("Down 1");
    expect(screen.getByRole("button", { name: /^Up/ }).textContent).toBe("Up 0");

    fireEvent.click(screen.getByRole("button", { name: /^All kinds/ }));
    fireEvent.change(screen.getByLabelText("Search monitors"), { target: { value: "db.inter" } });
    expect(rowNames()).toEqual(["Postgres"]);
  });

  it("shows no kind filter when every monitor is of one kind", async () => {
    renderOverview(fakeApi([monitor(1), monitor(2)]));
    await screen.findByRole("list", { name: "Monitors" });
    expect(screen.queryByRole("group", { name: "Filter by kind" })).toBeNull();
  });

  it("says how many regions check a monitor of several, naming them, and keeps its status on one region's failure", async () => {
    const { stream, push } = fakeStream();
    const api = fakeApi([
      { ...monitor(1, { name: "Checkout" }), regions: ["eu-west", "us-east", "ap-south"] },
      { ...monitor(2, { name: "Search" }), regions: ["local"] },
    ]);
    renderOverview(api, stream);
    await screen.findByRole("list", { name: "Monitors" });
    const [checkout, search] = rows() as [HTMLElement, HTMLElement];
    const label = within(checkout).getByText("3 regions");
    expect(label.getAttribute("title")).toBe("Checked from eu-west, us-east, ap-south");
    expect(label.textContent).toBe("3 regions: eu-west, us-east, ap-south");
    expect(search.textContent).not.toContain("region");

    // One region's failure is not the regions' verdict: the row stays up.
    push(
      create(StreamEventSchema, {
        topic: "monitors",
        payload: {
          case: "checkResult",
          value: create(CheckResultSchema, {
            monitorId: monitorId(1),
            region: "eu-west",
            up: false,
            error: "HTTP 503",
            checkedAt: timestampFromMs(Date.now()),
          }),
        },
      }),
    );
    await waitFor(() => within(rows()[0] as HTMLElement).getByText("just now"));
    within(rows()[0] as HTMLElement).getByText("Up");
  });

  it("shows a dot per region, up, down or silent, and moves one region's dot on its live result", async () => {
    const { stream, push } = fakeStream();
    const t0 = Date.now();
    const regionState = (region: string, up: boolean, silent: boolean, atMs?: number) =>
      create(RegionStateSchema, {
        region,
        up,
        silent,
        checkedAt: atMs === undefined ? undefined : timestampFromMs(atMs),
      });
    const api = fakeApi([
      {
        ...monitor(1, { name: "Checkout" }),
        intervalSeconds: 60,
        regions: ["eu-west", "us-east", "ap-south", "sa-east"],
        regionStates: [
          regionState("eu-west", true, false, t0 - 20_000),
          regionState("us-east", false, false, t0 - 20_000),
          regionState("ap-south", false, true),
          // Fresh when the server answered, but past two intervals by the page's clock.
          regionState("sa-east", true, false, t0 - 130_000),
        ],
      },
      { ...monitor(2, { name: "Search" }), regions: ["local"] },
    ]);
    renderOverview(api, stream);
    await screen.findByRole("list", { name: "Monitors" });
    const checkout = () => rows()[0] as HTMLElement;
    const dots = () =>
      within(checkout())
        .getAllByRole("img", { name: /: (up|down|silent)$/ })
        .map((dot) => dot.getAttribute("aria-label"));
    expect(dots()).toEqual(["eu-west: up", "us-east: down", "ap-south: silent", "sa-east: silent"]);
    const usEast = within(checkout()).getByRole("img", { name: "us-east: down" });
    expect(usEast.getAttribute("title")).toBe("us-east: down (last result 20 s ago)");
    expect(usEast.className).toContain("bg-down");
    expect(within(checkout()).getByRole("img", { name: "eu-west: up" }).className).toContain(
      "bg-up",
    );
    expect(within(checkout()).getByRole("img", { name: "ap-south: silent" }).title).toBe(
      "ap-south: silent (no result yet)",
    );
    // The dots say the regions: no "4 regions" label besides; one region has neither.
    expect(checkout().textContent).not.toContain("regions");
    expect(
      within(rows()[1] as HTMLElement).queryAllByRole("img", { name: /: (up|down|silent)$/ }),
    ).toEqual([]);

    const fromRegion = (region: string, up: boolean, atMs: number) =>
      push(
        create(StreamEventSchema, {
          topic: "monitors",
          monitorStatus: MonitorStatus.UP,
          payload: {
            case: "checkResult",
            value: create(CheckResultSchema, {
              monitorId: monitorId(1),
              region,
              up,
              checkedAt: timestampFromMs(atMs),
            }),
          },
        }),
      );
    // us-east recovers, the silent ap-south reports down: only their dots move.
    fromRegion("us-east", true, Date.now());
    fromRegion("ap-south", false, Date.now());
    await waitFor(() =>
      expect(dots()).toEqual(["eu-west: up", "us-east: up", "ap-south: down", "sa-east: silent"]),
    );
    // A region's result older than another region's last one still moves its own dot; one
    // older than its own last does not.
    fromRegion("eu-west", false, Date.now() - 5_000);
    fromRegion("us-east", false, Date.now() - 60_000);
    await waitFor(() =>
      expect(dots()).toEqual(["eu-west: down", "us-east: up", "ap-south: down", "sa-east: silent"]),
    );
    within(checkout()).getByText("Up");
  });
});
