// @vitest-environment happy-dom
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AlertService } from "../../../../gen/pulsar/v1/alert_pb";
import {
  CheckErrorKind,
  type CheckResult,
  CheckResultSchema,
  HeartbeatSpecSchema,
} from "../../../../gen/pulsar/v1/check_pb";
import {
  MonitorKind,
  MonitorSchema,
  MonitorService,
  MonitorStatus,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { shortTime } from "../../lib/format";
import { MonitorDetail } from "./monitor-detail-view";
import { PingSection } from "./ping-section";

afterEach(cleanup);

const ID = "7f3c0c8e-0000-4000-8000-000000000002";
const NOW = Date.now();

function result(secondsAgo: number, init: MessageInitShape<typeof CheckResultSchema> = {}) {
  return create(CheckResultSchema, {
    monitorId: ID,
    checkedAt: timestampFromMs(Math.floor(NOW / 1000 - secondsAgo) * 1000),
    up: true,
    ...init,
  });
}

/** Renders the detail page of one monitor with these results (newest first). */
function renderMonitor(monitor: MessageInitShape<typeof MonitorSchema>, results: CheckResult[]) {
  const stored = create(MonitorSchema, {
    id: ID,
    enabled: true,
    status: MonitorStatus.UP,
    intervalSeconds: 60,
    ...monitor,
  });
  stored.lastResult = results[0];
  const transport = createRouterTransport(({ service }) => {
    service(AlertService, {
      listIncidents: () => ({ incidents: [] }),
      listAlertEvents: () => ({ events: [] }),
    });
    service(MonitorService, {
      getMonitor: () => ({ monitor: stored }),
      listCheckResults: () => ({ results }),
      getMonitorStats: (req) => ({ stats: { window: req.window } }),
      getMonitorTimings: () => ({ points: [], stepSeconds: 60 }),
    });
  });
  render(
    <MonitorDetail
      id={ID}
      client={createClient(MonitorService, transport)}
      alerts={createClient(AlertService, transport)}
      onUnauthenticated={() => {}}
    />,
  );
}

function legend(label: string): string[] {
  const figure = screen.getByRole("figure", { name: label });
  return [...within(figure).getByRole("list").querySelectorAll("li")].map(
    (item) => item.textContent ?? "",
  );
}

describe("MonitorDetail of each kind", () => {
  it("shows a TCP check as DNS, connect, TLS and answer, with what the peer said", async () => {
    renderMonitor(
      {
        name: "Redis",
        kind: MonitorKind.TCP,
        tcp: { host: "cache.internal", port: 6380, tls: true, send: "PING\\r\\n", expect: "+PONG" },
      },
      [
        result(30, {
          remoteAddress: "10.0.0.7",
          answer: "+PONG\r\n",
          timing: { dnsMs: 1, connectMs: 2, tlsMs: 12, ttfbMs: 3, downloadMs: 1, totalMs: 19 },
        }),
      ],
    );
    await screen.findByRole("heading", { name: "Redis", level: 1 });
    screen.getByText("cache.internal:6380 with TLS");
    expect(legend("Timing of the latest connection")).toEqual([
      "DNS1.0 ms",
      "Connect2.0 ms",
      "TLS12 ms",
      "Answer4.0 ms",
    ]);
    const answer = screen.getByRole("figure", { name: "Answer" });
    expect(answer.querySelector("pre")?.textContent).toBe("+PONG\\r\n");
    screen.getByRole("heading", { name: "Uptime and connection time" });
    const table = await screen.findByRole("table", { name: "Recent checks, newest first" });
    within(table).getByRole("columnheader", { name: "Address" });
    within(table).getByText("10.0.0.7");
  });

  it("shows a DNS check's query time and its answer records as a list", async () => {
    renderMonitor(
      {
        name: "Mail",
        kind: MonitorKind.DNS,
        dns: { name: "example.com", recordType: "MX", server: "192.0.2.53" },
      },
      [
        result(30, {
          remoteAddress: "192.0.2.53",
          answer: "10 mx1.example.com\n20 mx2.example.com",
          timing: { dnsMs: 14, totalMs: 14 },
        }),
      ],
    );
    await screen.findByRole("heading", { name: "Mail", level: 1 });
    screen.getByText("MX example.com @192.0.2.53");
    screen.getByText("14 ms query time");
    const records = screen.getByRole("list", { name: "Answer (2 records)" });
    expect(
      within(records)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["10 mx1.example.com", "20 mx2.example.com"]);
    screen.getByRole("heading", { name: "Query time over time" });
    const table = await screen.findByRole("table", { name: "Recent checks, newest first" });
    within(table).getByText("10 mx1.example.com, 20 mx2.example.com");
  });

  it("shows an HTTP monitor's conditions and the check's error naming the one that failed", async () => {
    const error = 'condition $.status == "UP" failed: $.status is "DOWN"';
    renderMonitor(
      {
        name: "Health",
        kind: MonitorKind.HTTP,
        url: "https://shop.example/health",
        method: "GET",
        status: MonitorStatus.DOWN,
        conditions: ["status == 200", '$.status == "UP"'],
      },
      [
        result(30, {
          up: false,
          statusCode: 200,
          error,
          errorKind: CheckErrorKind.CONDITION,
          timing: { dnsMs: 1, connectMs: 1, ttfbMs: 5, totalMs: 7 },
        }),
      ],
    );
    const conditions = await screen.findByRole("region", { name: "Conditions" });
    expect(
      within(conditions)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["status == 200", '$.status == "UP"']);
    const latest = screen.getByRole("region", { name: "Latest check" });
    within(latest).getByText(error);
  });

  it("shows a heartbeat's ping URL on this origin, its last ping, the server's deadline, jobs and pings", async () => {
    renderMonitor(
      {
        name: "Backup",
        kind: MonitorKind.HEARTBEAT,
        heartbeat: { periodSeconds: 3600, graceSeconds: 300 },
        pingUrl: "/ping/tok3n",
        // The server's deadline, not one guessed from the pings: the page says it as it is.
        heartbeatDueAt: timestampFromMs(NOW + 42 * 60_000),
      },
      [
        result(600, { answer: "backup done\n3 files", jobDurationMs: 95_000 }),
        result(4200, {
          up: false,
          errorKind: CheckErrorKind.HEARTBEAT_FAILED,
          answer: "disk full",
        }),
        result(9000, {
          up: false,
          errorKind: CheckErrorKind.HEARTBEAT_MISSED,
          error: "no ping within 1 h + 5 min grace",
        }),
      ],
    );
    const url = `${window.location.origin}/ping/tok3n`;
    await screen.findByRole("heading", { name: "How the job reports" });
    expect((screen.getByLabelText("Ping URL") as HTMLInputElement).value).toBe(url);
    screen.getByText(`curl -fsS -m 10 --retry 5 ${url}`);
    screen.getByText(new RegExp(`${url}/start; .* \\|\\| curl .* ${url}/fail$`));
    screen.getByText(
      `/path/to/job.sh 2>&1 | tail -c 10000 | curl -fsS -m 10 --data-binary @- ${url}`,
    );
    expect(screen.getByText("a ping every 1 h")).toBeTruthy();

    const latest = screen.getByRole("region", { name: "Latest ping" });
    within(latest).getByText("10 min ago");
    expect(card(latest, "Late after")).toEqual([
      shortTime(NOW + 42 * 60_000),
      "in 42 min (every 1 h + 5 min grace)",
    ]);
    expect(card(latest, "Last job took")[0]).toBe("1 min 35 s");
    expect(
      within(latest).getByRole("figure", { name: "Body of the last ping" }).textContent,
    ).toContain("backup done\n3 files");

    const pings = await screen.findByRole("table", { name: "Recent pings, newest first" });
    expect(
      within(pings)
        .getAllByRole("row")
        .slice(1)
        .map((row) => row.querySelectorAll("td")[1]?.textContent),
    ).toEqual(["Ping", "Failed", "Missed"]);
    within(pings).getByText("disk full");
    within(pings).getByText("no ping within 1 h + 5 min grace");
    expect(screen.queryByRole("heading", { name: "Phases over time" })).toBeNull();
    expect(screen.queryByText(/p50/)).toBeNull();
  });

  it("shows a cron heartbeat's next deadline as the server reckons it, with its schedule", async () => {
    renderMonitor(
      {
        name: "Nightly",
        kind: MonitorKind.HEARTBEAT,
        heartbeat: { cron: "0 3 * * *", timezone: "Europe/Paris", graceSeconds: 600 },
        heartbeatDueAt: timestampFromMs(NOW + (5 * 60 + 10) * 60_000),
      },
      [result(86_000)],
    );
    const latest = await screen.findByRole("region", { name: "Latest ping" });
    expect(card(latest, "Late after")).toEqual([
      shortTime(NOW + (5 * 60 + 10) * 60_000),
      "in 5 h 10 min (0 3 * * * Europe/Paris + 10 min grace)",
    ]);
  });

  it("says a heartbeat whose deadline passed with no result since is late since then", async () => {
    renderMonitor(
      {
        name: "Nightly",
        kind: MonitorKind.HEARTBEAT,
        heartbeat: { cron: "0 3 * * *", graceSeconds: 300 },
        heartbeatDueAt: timestampFromMs(NOW - 3 * 60_000),
      },
      [result(86_000)],
    );
    const latest = await screen.findByRole("region", { name: "Latest ping" });
    expect(card(latest, "Late since")).toEqual([
      shortTime(NOW - 3 * 60_000),
      "no ping for 3 min past the deadline",
    ]);
  });

  it("says nothing is due while a heartbeat is paused, whatever deadline it had", async () => {
    renderMonitor(
      {
        name: "Backup",
        kind: MonitorKind.HEARTBEAT,
        enabled: false,
        status: MonitorStatus.PAUSED,
        heartbeat: { periodSeconds: 3600, graceSeconds: 300 },
      },
      [result(600)],
    );
    const latest = await screen.findByRole("region", { name: "Latest ping" });
    expect(card(latest, "Late after")).toEqual(["—", "paused: nothing is due"]);
  });

  it("shows a job that pinged /start and is still running, and that it must end by its deadline", async () => {
    renderMonitor(
      {
        name: "Backup",
        kind: MonitorKind.HEARTBEAT,
        heartbeat: { periodSeconds: 3600, graceSeconds: 600 },
        heartbeatStartedAt: timestampFromMs(NOW - 3 * 60_000),
        heartbeatDueAt: timestampFromMs(NOW + 7 * 60_000),
      },
      [result(3600, { jobDurationMs: 125_000 })],
    );
    const latest = await screen.findByRole("region", { name: "Latest ping" });
    expect(card(latest, "Job running since")).toEqual([
      shortTime(NOW - 3 * 60_000),
      "for 3 min; the last took 2 min 5 s",
    ]);
    expect(card(latest, "Late after")[1]).toBe("in 7 min (the running job must end by then)");
    expect(within(latest).queryByText("Last job took")).toBeNull();
  });
});

/** card is a StatCard's value and hint, found by its label within a section. */
function card(section: HTMLElement, label: string): (string | null)[] {
  const term = within(section).getByText(label, { selector: "dt" });
  return [...(term.parentElement?.querySelectorAll("dd") ?? [])].map((dd) => dd.textContent);
}

describe("PingSection", () => {
  it("copies the ping URL and each snippet", async () => {
    const copy = vi.fn(async (_text: string) => {});
    render(
      <PingSection
        pingUrl="https://pulsar.example/ping/tok3n"
        heartbeat={create(HeartbeatSpecSchema, { cron: "0 3 * * *", timezone: "Europe/Paris" })}
        origin="http://localhost"
        copy={copy}
      />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Copy Ping URL" }));
    await waitFor(() => expect(copy).toHaveBeenCalledWith("https://pulsar.example/ping/tok3n"));
    fireEvent.click(screen.getByRole("button", { name: "Copy Crontab line" }));
    await waitFor(() => expect(copy).toHaveBeenCalledTimes(2));
    expect(copy.mock.calls[1]?.[0]).toMatch(/^0 3 \* \* \* curl /);
  });
});
