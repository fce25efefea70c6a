// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Maintenance,
  MaintenanceSchema,
  MaintenanceService,
  type MaintenanceSpec,
} from "../../../../gen/pulsar/v1/maintenance_pb";
import { MonitorSchema, MonitorService } from "../../../../gen/pulsar/v1/monitor_pb";
import { StatusPageSchema, StatusPageService } from "../../../../gen/pulsar/v1/status_page_pb";
import { MaintenanceView } from "./maintenance-view";

afterEach(cleanup);

const MINUTE = 60_000;
const DAY = 86_400_000;

const MONITORS = [
  create(MonitorSchema, { id: "m-api", name: "API", url: "https://api.example.com" }),
  create(MonitorSchema, { id: "m-db", name: "Database", url: "tcp://db.internal:5432" }),
];
const PAGE = create(StatusPageSchema, { id: "p-1", spec: { slug: "acme", title: "Acme status" } });

function maintenance(id: string, title: string, windows: [number, number][], active = false) {
  return create(MaintenanceSchema, {
    id,
    active,
    spec: { title, monitorIds: ["m-api"], timezone: "UTC" },
    upcoming: windows.map(([start, end]) => ({
      startsAt: timestampFromMs(start),
      endsAt: timestampFromMs(end),
    })),
    coveredMonitorIds: ["m-api"],
  });
}

/**
 * An in-memory MaintenanceService, MonitorService and StatusPageService as the server would
 * answer; `saveError` stands in for a spec the server refuses. Every saved spec is recorded.
 */
function setup(options: { maintenances?: Maintenance[]; saveError?: ConnectError } = {}) {
  let maintenances = [...(options.maintenances ?? [])];
  const sent: MaintenanceSpec[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(MaintenanceService, {
      listMaintenances: () => ({ maintenances }),
      createMaintenance(req) {
        if (req.maintenance) sent.push(req.maintenance);
        if (options.saveError) throw options.saveError;
        const created = create(MaintenanceSchema, {
          id: `mt-${maintenances.length + 1}`,
          spec: req.maintenance,
          upcoming: [
            {
              startsAt: timestampFromMs(Date.now() + DAY),
              endsAt: timestampFromMs(Date.now() + DAY + 90 * MINUTE),
            },
          ],
          coveredMonitorIds: req.maintenance?.monitorIds,
        });
        maintenances = [created, ...maintenances];
        return { maintenance: created };
      },
      updateMaintenance: () => {
        throw new ConnectError("not in this test", Code.Unimplemented);
      },
      deleteMaintenance(req) {
        maintenances = maintenances.filter((m) => m.id !== req.id);
        return {};
      },
    });
    service(MonitorService, { listMonitors: () => ({ monitors: MONITORS, nextPageToken: "" }) });
    service(StatusPageService, { listStatusPages: () => ({ pages: [PAGE] }) });
  });
  render(
    <MaintenanceView
      client={createClient(MaintenanceService, transport)}
      monitors={createClient(MonitorService, transport)}
      pages={createClient(StatusPageService, transport)}
      onUnauthenticated={() => {}}
    />,
  );
  return { sent };
}

/** The error tied to a control by aria-describedby, if any. */
function errorOf(control: HTMLElement): string | undefined {
  const ids = control.getAttribute("aria-describedby")?.split(" ") ?? [];
  return (
    ids
      .map((id) => document.getElementById(id))
      .find((element) => element?.getAttribute("role") === "alert")?.textContent ?? undefined
  );
}

function dayTitle(atMs: number): string {
  return new Date(atMs).toLocaleDateString(undefined, {
    weekday: "long",
    month: "long",
    day: "numeric",
  });
}

describe("MaintenanceView", () => {
  it("sends a weekly recurrence with its days, time, duration and time zone", async () => {
    const api = setup();
    await screen.findByText("No maintenance planned");
    fireEvent.click(screen.getByRole("button", { name: "New maintenance" }));
    const form = await screen.findByRole("form", { name: "New maintenance" });
    fireEvent.change(within(form).getByLabelText("Title"), {
      target: { value: "Weekly patching" },
    });
    fireEvent.click(within(form).getByRole("checkbox", { name: "Database" }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "Acme status" }));
    fireEvent.click(within(form).getByRole("radio", { name: "Weekly" }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "Thursday" }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "Monday" }));
    fireEvent.change(within(form).getByLabelText("Start time"), { target: { value: "02:30" } });
    fireEvent.change(within(form).getByLabelText("Duration (minutes)"), {
      target: { value: "90" },
    });
    fireEvent.change(within(form).getByLabelText("Time zone"), {
      target: { value: "Europe/Paris" },
    });
    fireEvent.click(within(form).getByRole("button", { name: "Save maintenance" }));

    await waitFor(() => expect(screen.queryByRole("form")).toBeNull());
    expect(api.sent).toHaveLength(1);
    expect(api.sent[0]).toMatchObject({
      title: "Weekly patching",
      monitorIds: ["m-db"],
      statusPageIds: ["p-1"],
      timezone: "Europe/Paris",
      recurrence: {
        case: "weekly",
        value: { days: [1, 4], startTime: "02:30", durationMinutes: 90 },
      },
    });
    expect(api.sent[0]?.startsAt).toBeDefined();
    expect(api.sent[0]?.endsAt).toBeUndefined();
    // The answer's next window is listed.
    expect(await screen.findByText("Weekly patching")).toBeTruthy();
    expect(screen.getByText(/Weekly, Mon, Thu at 02:30 for 90 min \(Europe\/Paris\)/)).toBeTruthy();
  });

  it("reads a one-off window in the chosen time zone", async () => {
    const api = setup();
    fireEvent.click(await screen.findByRole("button", { name: "New maintenance" }));
    const form = await screen.findByRole("form", { name: "New maintenance" });
    fireEvent.change(within(form).getByLabelText("Title"), { target: { value: "Deploy" } });
    fireEvent.click(within(form).getByRole("checkbox", { name: "API" }));
    fireEvent.change(within(form).getByLabelText("Time zone"), {
      target: { value: "America/New_York" },
    });
    fireEvent.change(within(form).getByLabelText("Starts"), {
      target: { value: "2026-01-15T09:00" },
    });
    fireEvent.change(within(form).getByLabelText("Ends"), {
      target: { value: "2026-01-15T10:30" },
    });
    fireEvent.click(within(form).getByRole("button", { name: "Save maintenance" }));
    await waitFor(() => expect(api.sent).toHaveLength(1));
    expect(api.sent[0]?.recurrence.case).toBeUndefined();
    expect(Number(api.sent[0]?.startsAt?.seconds) * 1000).toBe(Date.UTC(2026, 0, 15, 14, 0));
    expect(Number(api.sent[0]?.endsAt?.seconds) * 1000).toBe(Date.UTC(2026, 0, 15, 15, 30));
  });

  it("shows the server's refusal beside the field it names", async () => {
    const message = "maintenance.cron.expression must have five fields";
    const api = setup({ saveError: new ConnectError(message, Code.InvalidArgument) });
    fireEvent.click(await screen.findByRole("button", { name: "New maintenance" }));
    const form = await screen.findByRole("form", { name: "New maintenance" });
    fireEvent.change(within(form).getByLabelText("Title"), { target: { value: "Nightly" } });
    fireEvent.click(within(form).getByRole("checkbox", { name: "API" }));
    fireEvent.click(within(form).getByRole("radio", { name: "Cron" }));
    fireEvent.change(within(form).getByLabelText("Cron expression"), {
      target: { value: "0 3 *" },
    });
    fireEvent.click(within(form).getByRole("button", { name: "Save maintenance" }));
    const expression = within(form).getByLabelText("Cron expression");
    await waitFor(() => expect(errorOf(expression)).toBe(message));
    expect(api.sent[0]?.recurrence).toMatchObject({
      case: "cron",
      value: { expression: "0 3 *", durationMinutes: 60 },
    });
  });

  it("lists the windows on now on top, then the upcoming ones grouped by day", async () => {
    const now = Date.now();
    const tomorrow = new Date(now + DAY);
    tomorrow.setHours(9, 0, 0, 0);
    const later = new Date(now + 3 * DAY);
    later.setHours(22, 0, 0, 0);
    setup({
      maintenances: [
        maintenance("a", "Backup", [
          [tomorrow.getTime() + 4 * 3_600_000, tomorrow.getTime() + 5 * 3_600_000],
          [later.getTime(), later.getTime() + 30 * MINUTE],
        ]),
        maintenance("b", "Database upgrade", [[now - 10 * MINUTE, now + 50 * MINUTE]], true),
        maintenance("c", "Deploy", [[tomorrow.getTime(), tomorrow.getTime() + 3_600_000]]),
        maintenance("d", "Old window", []),
      ],
    });
    const onNow = await screen.findByRole("region", { name: "In progress" });
    const [current] = within(onNow).getAllByRole("listitem");
    expect(current?.textContent).toContain("Database upgrade");
    expect(current?.textContent).toContain("In progress");

    const headings = screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent);
    expect(headings).toEqual([
      "In progress",
      dayTitle(tomorrow.getTime()),
      dayTitle(later.getTime()),
      "No window in the next 90 days",
    ]);
    const first = screen.getByRole("region", { name: dayTitle(tomorrow.getTime()) });
    const entries = within(first)
      .getAllByRole("listitem")
      .map((li) => li.textContent ?? "");
    // Deploy at 09:00 before Backup at 13:00, on the same day.
    expect(entries).toHaveLength(2);
    expect(entries[0]).toContain("Deploy");
    expect(entries[1]).toContain("Backup");
    expect(entries.some((entry) => entry.includes("In progress"))).toBe(false);
    const second = screen.getByRole("region", { name: dayTitle(later.getTime()) });
    expect(within(second).getByText("Backup")).toBeTruthy();
    const idle = screen.getByRole("region", { name: "No window in the next 90 days" });
    expect(within(idle).getByText("Old window")).toBeTruthy();
  });
});
