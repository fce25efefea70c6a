// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { AlertService } from "../../../gen/pulsar/v1/alert_pb";
import { HostService } from "../../../gen/pulsar/v1/host_pb";
import {
  type Monitor,
  MonitorKind,
  MonitorSchema,
  MonitorService,
  MonitorStatus,
} from "../../../gen/pulsar/v1/monitor_pb";
import { type Region, RegionSchema, RegionService } from "../../../gen/pulsar/v1/region_pb";
import { MonitorDetail } from "./monitor-detail/monitor-detail-view";
import { Overview } from "./overview";

// The flag of a monitor listing a region no worker or probe serves, on the overview and the
// monitor page, from ListRegions as an in-memory RegionService answers it.

afterEach(cleanup);

const REGIONS: Region[] = [
  create(RegionSchema, { name: "eu-central", live: true }),
  create(RegionSchema, { name: "us-east", live: false }),
  create(RegionSchema, { name: "ap-south", live: false }),
];

function monitor(n: number, name: string, regions: string[], kind = MonitorKind.HTTP): Monitor {
  const id = `7f3c0c8e-0000-4000-8000-${String(n).padStart(12, "0")}`;
  return create(MonitorSchema, {
    id,
    name,
    url: `https://m${n}.example/`,
    kind,
    regions,
    enabled: true,
    status: MonitorStatus.UP,
    intervalSeconds: 60,
    lastResult: { monitorId: id, up: true, checkedAt: timestampFromMs(Date.now() - 5_000) },
  });
}

/** In-memory services answering as the server would; listRegions counts its calls. */
function fakeApi(monitors: Monitor[], regions: Region[] = REGIONS) {
  const calls = { listRegions: 0 };
  const transport = createRouterTransport(({ service }) => {
    service(MonitorService, {
      listMonitors: () => ({ monitors, nextPageToken: "" }),
      getMonitorSummaries: () => ({ summaries: [] }),
      getMonitor: (req) => ({ monitor: monitors.find((m) => m.id === req.id) }),
      listCheckResults: () => ({ results: [] }),
      getMonitorStats: (req) => ({ stats: { window: req.window } }),
      getMonitorTimings: () => ({ points: [], stepSeconds: 60 }),
    });
    service(HostService, { listHosts: () => ({ hosts: [] }) });
    service(AlertService, {
      listIncidents: () => ({ incidents: [] }),
      listAlertEvents: () => ({ events: [] }),
    });
    service(RegionService, {
      listRegions: () => {
        calls.listRegions++;
        return { regions, defaultRegion: "eu-central" };
      },
    });
  });
  return {
    monitors: createClient(MonitorService, transport),
    hosts: createClient(HostService, transport),
    alerts: createClient(AlertService, transport),
    regions: createClient(RegionService, transport),
    calls,
  };
}

const FLAG = /No live worker or probe in region/;

describe("the overview", () => {
  it("flags each monitor listing a silent region, naming the regions, and no other", async () => {
    const api = fakeApi([
      monitor(1, "Checkout", ["eu-central"]),
      monitor(2, "Search", ["eu-central", "us-east", "ap-south"]),
      monitor(3, "Nightly job", ["us-east"], MonitorKind.HEARTBEAT),
    ]);
    render(
      <Overview
        monitors={api.monitors}
        hosts={api.hosts}
        regions={api.regions}
        onUnauthenticated={() => {}}
      />,
    );
    const search = (await screen.findByRole("link", { name: "Search" })).closest("li");
    const flag = await within(search as HTMLElement).findByText(FLAG);
    expect(flag.textContent).toBe("No live worker or probe in regions us-east, ap-south");
    const row = (name: string) => screen.getByRole("link", { name }).closest("li") as HTMLElement;
    expect(within(row("Checkout")).queryByText(FLAG)).toBeNull();
    expect(within(row("Nightly job")).queryByText(FLAG)).toBeNull();
    expect(screen.getAllByText(FLAG)).toHaveLength(1);
    expect(api.calls.listRegions).toBe(1);
  });

  it("flags nothing when every region listed is live", async () => {
    const api = fakeApi(
      [monitor(1, "Checkout", ["eu-central", "us-east"])],
      REGIONS.map((r) => create(RegionSchema, { ...r, live: true })),
    );
    render(
      <Overview
        monitors={api.monitors}
        hosts={api.hosts}
        regions={api.regions}
        onUnauthenticated={() => {}}
      />,
    );
    await screen.findByRole("link", { name: "Checkout" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.calls.listRegions).toBe(1);
    expect(screen.queryByText(FLAG)).toBeNull();
  });
});

describe("the monitor page", () => {
  it("flags the monitor's silent region under its header", async () => {
    const search = monitor(2, "Search", ["eu-central", "us-east"]);
    const api = fakeApi([search]);
    render(
      <MonitorDetail
        id={search.id}
        client={api.monitors}
        alerts={api.alerts}
        regions={api.regions}
        onUnauthenticated={() => {}}
      />,
    );
    const flag = await screen.findByText(FLAG);
    expect(flag.textContent).toBe("No live worker or probe in region us-east");
    expect(flag.parentElement?.getAttribute("title")).toBe(
      "No live worker or probe in region us-east: the monitor gets no checks from it.",
    );
  });
});
