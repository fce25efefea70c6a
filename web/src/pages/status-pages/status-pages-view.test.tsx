// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { MonitorSchema, MonitorService } from "../../../../gen/pulsar/v1/monitor_pb";
import {
  type StatusIncident,
  StatusIncidentImpact,
  StatusIncidentSchema,
  StatusIncidentStatus,
  StatusIncidentUpdateSchema,
  type StatusPage,
  StatusPageSchema,
  StatusPageService,
  type StatusPageSpec,
} from "../../../../gen/pulsar/v1/status_page_pb";
import type { StatusPagesDeps } from "./client";
import { NewStatusPageView } from "./new-status-page-view";
import { StatusPageDetailView } from "./status-page-detail-view";
import { StatusPagesListView } from "./status-pages-list-view";

afterEach(cleanup);

const MONITORS = [
  create(MonitorSchema, { id: "m-api", name: "API", url: "https://api.example.com/health" }),
  create(MonitorSchema, { id: "m-web", name: "Website", url: "https://www.example.com" }),
  create(MonitorSchema, { id: "m-db", name: "Database", url: "tcp://db.internal:5432" }),
];

function storedPage(domains: string[] = [], updatedMs = 1_000): StatusPage {
  return create(StatusPageSchema, {
    id: "p-1",
    spec: {
      slug: "acme",
      title: "Acme status",
      groups: [{ name: "Services", monitors: [{ monitorId: "m-api", displayName: "Public API" }] }],
      domains,
    },
    publicPath: "/status/acme",
    updatedAt: timestampFromMs(updatedMs),
  });
}

/**
 * An in-memory StatusPageService and MonitorService as the server would answer. The monitors
 * come two pages at a time, as ListMonitors pages them; `pageError` stands in for a spec the
 * server refuses. Every request is recorded.
 */
function fakeApi(
  options: { pages?: StatusPage[]; incidents?: StatusIncident[]; pageError?: ConnectError } = {},
) {
  let pages = [...(options.pages ?? [])];
  let incidents = [...(options.incidents ?? [])];
  const sent = {
    created: [] as StatusPageSpec[],
    updated: [] as StatusPageSpec[],
    updates: [] as { incidentId: string; status: StatusIncidentStatus; message: string }[],
    incidents: [] as {
      title: string;
      impact: StatusIncidentImpact;
      monitorIds: string[];
      status: StatusIncidentStatus;
      message: string;
    }[],
    monitorPageTokens: [] as string[],
  };
  let clock = 2_000;
  const transport = createRouterTransport(({ service }) => {
    service(StatusPageService, {
      listStatusPages: () => ({ pages }),
      getStatusPage(req) {
        const page = pages.find((p) => p.id === req.id);
        if (!page) throw new ConnectError("status page not found", Code.NotFound);
        return { page };
      },
      createStatusPage(req) {
        if (req.page) sent.created.push(req.page);
        if (options.pageError) throw options.pageError;
        const page = create(StatusPageSchema, {
          id: `p-${pages.length + 1}`,
          spec: req.page,
          publicPath: `/status/${req.page?.slug}`,
        });
        pages = [...pages, page];
        return { page };
      },
      updateStatusPage(req) {
        if (req.page) sent.updated.push(req.page);
        if (options.pageError) throw options.pageError;
        clock += 1_000;
        const page = create(StatusPageSchema, {
          id: req.id,
          spec: req.page,
          publicPath: `/status/${req.page?.slug}`,
          updatedAt: timestampFromMs(clock),
        });
        pages = pages.map((p) => (p.id === req.id ? page : p));
        return { page };
      },
      deleteStatusPage(req) {
        pages = pages.filter((p) => p.id !== req.id);
        return {};
      },
      listStatusIncidents: () => ({ incidents }),
      createStatusIncident(req) {
        sent.incidents.push({
          title: req.title,
          impact: req.impact,
          monitorIds: req.monitorIds,
          status: req.status,
          message: req.message,
        });
        if (req.message === "")
          throw new ConnectError("message must be 1–5000 characters", Code.InvalidArgument);
        clock += 1_000;
        const incident = create(StatusIncidentSchema, {
          id: `i-${clock}`,
          pageId: req.pageId,
          title: req.title,
          impact: req.impact,
          monitorIds: req.monitorIds,
          status: req.status,
          updates: [
            {
              id: `u-${clock}`,
              status: req.status,
              message: req.message,
              createdAt: timestampFromMs(clock),
            },
          ],
          createdAt: timestampFromMs(clock),
        });
        incidents = [incident, ...incidents];
        return { incident };
      },
      addStatusIncidentUpdate(req) {
        sent.updates.push({ incidentId: req.incidentId, status: req.status, message: req.message });
        const held = incidents.find((i) => i.id === req.incidentId);
        if (!held) throw new ConnectError("incident not found", Code.NotFound);
        clock += 1_000;
        const update = create(StatusIncidentUpdateSchema, {
          id: `u-${clock}`,
          status: req.status,
          message: req.message,
          createdAt: timestampFromMs(clock),
        });
        const incident = create(StatusIncidentSchema, {
          ...held,
          status: req.status,
          updates: [update, ...held.updates],
        });
        incidents = incidents.map((i) => (i.id === incident.id ? incident : i));
        return { incident };
      },
      updateStatusIncident: () => {
        throw new ConnectError("not in this test", Code.Unimplemented);
      },
      deleteStatusIncident: () => ({}),
    });
    service(MonitorService, {
      listMonitors(req) {
        sent.monitorPageTokens.push(req.pageToken);
        const start = req.pageToken === "" ? 0 : Number(req.pageToken);
        const end = start + 2;
        return {
          monitors: MONITORS.slice(start, end),
          nextPageToken: end < MONITORS.length ? String(end) : "",
        };
      },
    });
  });
  const deps: StatusPagesDeps = {
    client: createClient(StatusPageService, transport),
    monitors: createClient(MonitorService, transport),
    onUnauthenticated: () => {},
  };
  return { deps, sent };
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

function type(label: string | RegExp, value: string, scope: HTMLElement = document.body) {
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } });
}

describe("NewStatusPageView", () => {
  it("creates a page whose spec holds its groups and their monitors", async () => {
    window.history.replaceState(null, "", "/status-pages/new");
    const api = fakeApi();
    render(<NewStatusPageView {...api.deps} />);
    const form = await screen.findByRole("form", { name: "Status page" });
    type("Slug", "acme-status", form);
    type("Title", " Acme status ", form);
    type("Description", "How Acme is doing.", form);
    fireEvent.click(within(form).getByRole("checkbox", { name: "Show response times" }));
    fireEvent.click(within(form).getByRole("button", { name: "Add domain" }));
    type("Domain 1", "Status.Acme.com", form);

    const services = within(form).getByRole("region", { name: "Group Services" });
    // The search narrows the monitors down; every ListMonitors page was read.
    type("Search monitors in services", "data", services);
    expect(within(services).queryByRole("checkbox", { name: "API" })).toBeNull();
    fireEvent.click(within(services).getByRole("checkbox", { name: "Database" }));
    type("Search monitors in services", "", services);
    fireEvent.click(within(services).getByRole("checkbox", { name: "API" }));
    type("Display name for API", "Public API", services);
    const apiRow = within(services).getByLabelText("Display name for API").closest("li");
    if (!apiRow) throw new Error("the API row is missing");
    fireEvent.click(within(apiRow).getByRole("checkbox", { name: /Show the URL/ }));

    fireEvent.click(within(form).getByRole("button", { name: "Add group" }));
    const second = within(form).getByRole("region", { name: "Group Group 2" });
    type("Group name", "Website", second);
    const website = within(form).getByRole("region", { name: "Group Website" });
    // A monitor already in a group cannot be put in another one.
    expect(within(website).getByRole("checkbox", { name: "API (in Services)" })).toHaveProperty(
      "disabled",
      true,
    );
    fireEvent.click(within(website).getByRole("checkbox", { name: "Website" }));
    // Website first: the order of the groups is the order of the page.
    fireEvent.click(within(form).getByRole("button", { name: "Move Website up" }));

    fireEvent.click(within(form).getByRole("button", { name: "Create status page" }));
    await waitFor(() => expect(window.location.pathname).toBe("/status-pages/p-1"));
    expect(api.sent.monitorPageTokens).toEqual(["", "2"]);
    expect(api.sent.created).toHaveLength(1);
    expect(api.sent.created[0]).toMatchObject({
      slug: "acme-status",
      title: "Acme status",
      description: "How Acme is doing.",
      showResponseTimes: true,
      domains: ["status.acme.com"],
      groups: [
        { name: "Website", monitors: [{ monitorId: "m-web", displayName: "", showUrl: false }] },
        {
          name: "Services",
          monitors: [
            { monitorId: "m-db", displayName: "", showUrl: false },
            { monitorId: "m-api", displayName: "Public API", showUrl: true },
          ],
        },
      ],
    });
  });

  it("checks the slug before sending, and shows the server's refusal at the field it names", async () => {
    const api = fakeApi({
      pageError: new ConnectError(
        "page.groups[0].monitors[0].monitorId names no monitor of this organization",
        Code.InvalidArgument,
      ),
    });
    render(<NewStatusPageView {...api.deps} />);
    const form = await screen.findByRole("form", { name: "Status page" });
    type("Slug", "-acme", form);
    type("Title", "Acme", form);
    fireEvent.click(within(form).getByRole("button", { name: "Create status page" }));
    const slug = within(form).getByLabelText("Slug");
    expect(errorOf(slug)).toMatch(/3–60 lowercase letters/);
    expect(document.activeElement).toBe(slug);
    expect(api.sent.created).toHaveLength(0);

    type("Slug", "acme", form);
    fireEvent.click(within(form).getByRole("checkbox", { name: "API" }));
    fireEvent.click(within(form).getByRole("button", { name: "Create status page" }));
    const displayName = within(form).getByLabelText("Display name for API");
    await waitFor(() =>
      expect(errorOf(displayName)).toBe(
        "page.groups[0].monitors[0].monitorId names no monitor of this organization",
      ),
    );
    expect(errorOf(within(form).getByLabelText("Slug"))).toBeUndefined();
    expect(api.sent.created).toHaveLength(1);
  });

  it("shows a slug taken elsewhere (already_exists) beside the slug", async () => {
    const api = fakeApi({
      pageError: new ConnectError("page.slug “acme” is taken", Code.AlreadyExists),
    });
    render(<NewStatusPageView {...api.deps} />);
    const form = await screen.findByRole("form", { name: "Status page" });
    type("Slug", "acme", form);
    type("Title", "Acme", form);
    fireEvent.click(within(form).getByRole("button", { name: "Create status page" }));
    await waitFor(() =>
      expect(errorOf(within(form).getByLabelText("Slug"))).toBe("page.slug “acme” is taken"),
    );
  });
});

describe("StatusPageDetailView", () => {
  it("previews the saved page in a script-less frame of /status/<slug>, reloaded after a save", async () => {
    const api = fakeApi({ pages: [storedPage()] });
    render(<StatusPageDetailView id="p-1" {...api.deps} />);
    const frame = await screen.findByTitle("Preview of Acme status");
    const firstSrc = frame.getAttribute("src") ?? "";
    expect(firstSrc).toMatch(/^\/status\/acme\?/);
    expect(frame.getAttribute("sandbox")).toBe("");
    expect(screen.getByText(/Shows the saved page/)).toBeTruthy();
    expect(
      screen.getByRole("link", { name: /Open \/status\/acme in a new tab/ }).getAttribute("target"),
    ).toBe("_blank");

    const form = screen.getByRole("form", { name: "Status page" });
    type("Slug", "acme-inc", form);
    // Not saved yet: the preview still shows the stored page.
    expect(screen.getByTitle("Preview of Acme status").getAttribute("src")).toBe(firstSrc);
    fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(screen.getByTitle("Preview of Acme status").getAttribute("src")).toMatch(
        /^\/status\/acme-inc\?/,
      ),
    );
    expect(api.sent.updated[0]?.groups[0]?.monitors[0]).toMatchObject({
      monitorId: "m-api",
      displayName: "Public API",
    });
  });

  it("posts an update on an incident with its status and message, and shows it in the timeline", async () => {
    const incident = create(StatusIncidentSchema, {
      id: "i-1",
      pageId: "p-1",
      title: "Slow API",
      impact: StatusIncidentImpact.DEGRADED,
      monitorIds: ["m-api"],
      status: StatusIncidentStatus.INVESTIGATING,
      updates: [
        {
          id: "u-1",
          status: StatusIncidentStatus.INVESTIGATING,
          message: "Looking into slow answers.",
          createdAt: timestampFromMs(Date.now() - 600_000),
        },
      ],
      createdAt: timestampFromMs(Date.now() - 600_000),
    });
    const api = fakeApi({ pages: [storedPage()], incidents: [incident] });
    render(<StatusPageDetailView id="p-1" {...api.deps} />);
    const card = await screen.findByRole("article", { name: "Slow API" });
    expect(within(card).getByText("Affects Public API")).toBeTruthy();
    fireEvent.click(within(card).getByRole("button", { name: "Post update" }));
    const form = within(card).getByRole("form", { name: "Post an update on Slow API" });
    fireEvent.change(within(form).getByLabelText("Status"), {
      target: { value: String(StatusIncidentStatus.MONITORING) },
    });
    type("Message", " A fix is out; watching. ", form);
    fireEvent.click(within(form).getByRole("button", { name: "Post update" }));

    await waitFor(() => expect(within(card).queryByRole("form")).toBeNull());
    expect(api.sent.updates).toEqual([
      {
        incidentId: "i-1",
        status: StatusIncidentStatus.MONITORING,
        message: "A fix is out; watching.",
      },
    ]);
    const timeline = within(card).getByRole("list", { name: "Updates" });
    const steps = within(timeline).getAllByRole("listitem");
    expect(steps).toHaveLength(2);
    expect(steps[0]?.textContent).toContain("Monitoring");
    expect(steps[0]?.textContent).toContain("A fix is out; watching.");
    expect(steps[1]?.textContent).toContain("Looking into slow answers.");
  });
});

describe("incidents", () => {
  it("posts a new incident with its impact, affected monitors and first update", async () => {
    const api = fakeApi({ pages: [storedPage()] });
    render(<StatusPageDetailView id="p-1" {...api.deps} />);
    await screen.findByText("No incidents. All quiet.");
    fireEvent.click(screen.getByRole("button", { name: "New incident" }));
    const form = screen.getByRole("form", { name: "New incident" });
    type("Title", "Database failover", form);
    fireEvent.change(within(form).getByLabelText("Impact"), {
      target: { value: String(StatusIncidentImpact.PARTIAL_OUTAGE) },
    });
    // Only the page's monitors, by the name the page shows.
    expect(within(form).queryByRole("checkbox", { name: "Website" })).toBeNull();
    fireEvent.click(within(form).getByRole("checkbox", { name: "Public API" }));
    fireEvent.click(within(form).getByRole("button", { name: "Post incident" }));
    // The server's refusal shows beside the message.
    const message = within(form).getByLabelText("Message");
    await waitFor(() => expect(errorOf(message)).toBe("message must be 1–5000 characters"));

    type("Message", "Writes fail while the replica takes over.", form);
    fireEvent.click(within(form).getByRole("button", { name: "Post incident" }));
    const card = await screen.findByRole("article", { name: "Database failover" });
    expect(screen.queryByRole("form", { name: "New incident" })).toBeNull();
    expect(api.sent.incidents[1]).toEqual({
      title: "Database failover",
      impact: StatusIncidentImpact.PARTIAL_OUTAGE,
      monitorIds: ["m-api"],
      status: StatusIncidentStatus.INVESTIGATING,
      message: "Writes fail while the replica takes over.",
    });
    expect(within(card).getByText("Partial outage")).toBeTruthy();
    expect(within(card).getByText("Writes fail while the replica takes over.")).toBeTruthy();
    // Focus goes back to where the form was opened from.
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole("button", { name: "New incident" })),
    );
  });
});

describe("StatusPagesListView", () => {
  it("lists the pages with their public link, and deletes one after confirmation", async () => {
    const api = fakeApi({ pages: [storedPage(["status.acme.com"])] });
    render(<StatusPagesListView {...api.deps} />);
    const link = await screen.findByRole("link", {
      name: /\/status\/acme \(public page of Acme status/,
    });
    expect(link.getAttribute("href")).toBe("/status/acme");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(screen.getByText("Also at status.acme.com")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Delete Acme status" }));
    fireEvent.click(await screen.findByRole("button", { name: "Delete status page" }));
    await screen.findByText("No status pages yet");
  });
});
