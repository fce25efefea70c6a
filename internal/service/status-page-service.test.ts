import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  StatusIncidentImpact,
  StatusIncidentStatus,
  StatusPageService,
  type StatusPageSpec,
  StatusPageTheme,
} from "../../gen/pulsar/v1/status_page_pb.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { specFixture } from "../../test/support/fixtures.js";
import type { TestDatabase } from "../../test/support/postgres.js";
import { refusal as failure } from "../../test/support/refusal.js";
import { serviceClient, startTestApi, type TestApi } from "../../test/support/test-api.js";
import { insertMonitor } from "../checks/monitors/monitors.js";
import { DEFAULT_ORG_QUOTAS } from "../quota/org-quotas.js";
import { getPageByDomain, getPageBySlug } from "../statuspages/pages-db.js";

// StatusPageService through the real API over HTTP: pages with their groups and domains,
// the incidents written on them, the installation-wide uniqueness of slugs and domains, and
// that one organization sees nothing of another's.

type Pages = Client<typeof StatusPageService>;
type SpecInit = Partial<Omit<StatusPageSpec, "$typeName" | "groups">> & {
  groups?: {
    name: string;
    monitors: { monitorId: string; displayName?: string; showUrl?: boolean }[];
  }[];
};

const QUOTAS = { ...DEFAULT_ORG_QUOTAS, statusPages: 3 };

let api: TestApi;
let db: TestDatabase;
let org: TestOrg;
let otherOrg: TestOrg;
let client: Pages;
/** Another organization's client: it must see nothing of `client`'s organization. */
let other: Pages;
let monitorIds: string[];
let otherMonitorId: string;

beforeAll(async () => {
  api = await startTestApi("status-page-service", {
    quotas: QUOTAS,
    // Tests here write more than a minute's default allowance.
    writesPerMinute: 100_000,
    alerts: { publicUrl: "https://pulsar.example.test" },
  });
  db = api.db;
  org = await createTestOrg(db.pool, "Acme");
  otherOrg = await createTestOrg(db.pool, "Globex");
  client = serviceClient(StatusPageService, api.baseUrl, org.apiToken);
  other = serviceClient(StatusPageService, api.baseUrl, otherOrg.apiToken);
});

afterAll(async () => {
  await api?.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, status_pages CASCADE");
  monitorIds = [];
  for (const name of ["API", "Website", "Docs"]) {
    monitorIds.push((await insertMonitor(db.pool, org.orgId, specFixture({ name }))).id);
  }
  otherMonitorId = (await insertMonitor(db.pool, otherOrg.orgId, specFixture())).id;
});

/** pageSpec is a valid spec of two groups over the organization's monitors, with overrides. */
function pageSpec(overrides: SpecInit = {}): SpecInit {
  return {
    slug: "acme",
    title: "Acme status",
    description: "How Acme's services are doing.",
    groups: [
      { name: "API", monitors: [{ monitorId: monitorIds[0] ?? "", displayName: "Public API" }] },
      {
        name: "Website",
        monitors: [
          { monitorId: monitorIds[1] ?? "", showUrl: true },
          { monitorId: monitorIds[2] ?? "" },
        ],
      },
    ],
    ...overrides,
  };
}

const countRows = async (table: string) =>
  Number((await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe("StatusPageService pages", () => {
  it("creates, reads, lists, updates and deletes a page with its groups and domains", async () => {
    const { page } = await client.createStatusPage({
      page: pageSpec({ domains: ["Status.Acme.test", "acme-status.example.test"] }),
    });
    expect(page?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(page?.publicPath).toBe("/status/acme");
    expect(page?.spec).toMatchObject({
      slug: "acme",
      title: "Acme status",
      theme: StatusPageTheme.AUTO,
      logoUrl: "",
      // Lower case, in alphabetical order.
      domains: ["acme-status.example.test", "status.acme.test"],
      groups: [
        {
          name: "API",
          monitors: [{ monitorId: monitorIds[0], displayName: "Public API", showUrl: false }],
        },
        {
          name: "Website",
          monitors: [
            { monitorId: monitorIds[1], displayName: "", showUrl: true },
            { monitorId: monitorIds[2], displayName: "", showUrl: false },
          ],
        },
      ],
    });
    const id = page?.id ?? "";
    expect((await client.getStatusPage({ id })).page).toEqual(page);
    expect((await client.listStatusPages({})).pages).toEqual([page]);

    const { page: updated } = await client.updateStatusPage({
      id,
      page: {
        slug: "acme-2",
        title: "Acme",
        theme: StatusPageTheme.DARK,
        logoUrl: "https://cdn.acme.test/logo.svg",
        showResponseTimes: true,
        groups: [{ name: "Everything", monitors: [{ monitorId: monitorIds[2] ?? "" }] }],
        domains: ["status.acme.test"],
      },
    });
    expect(updated?.spec).toMatchObject({
      slug: "acme-2",
      description: "",
      theme: StatusPageTheme.DARK,
      logoUrl: "https://cdn.acme.test/logo.svg",
      showResponseTimes: true,
      groups: [{ name: "Everything", monitors: [{ monitorId: monitorIds[2] }] }],
      domains: ["status.acme.test"],
    });
    expect(updated?.publicPath).toBe("/status/acme-2");
    expect((await client.getStatusPage({ id })).page).toEqual(updated);
    // The groups and domains were replaced, not added to.
    expect(await countRows("status_page_monitors")).toBe(1);
    expect(await countRows("status_page_domains")).toBe(1);

    await client.deleteStatusPage({ id });
    expect(await failure(client.getStatusPage({ id }))).toEqual([
      Code.NotFound,
      `status page ${id} not found`,
    ]);
    expect((await client.listStatusPages({})).pages).toEqual([]);
    expect(await countRows("status_page_monitors")).toBe(0);
  });

  it("finds a page by slug and by domain for the public pages, whoever's it is", async () => {
    const { page } = await client.createStatusPage({
      page: pageSpec({ domains: ["status.acme.test"] }),
    });
    expect((await getPageBySlug(db.pool, "acme"))?.id).toBe(page?.id);
    expect((await getPageByDomain(db.pool, "STATUS.acme.test"))?.spec.groups).toHaveLength(2);
    expect((await getPageByDomain(db.pool, "status.acme.test"))?.orgId).toBe(org.orgId);
    expect(await getPageBySlug(db.pool, "nope")).toBeUndefined();
    expect(await getPageByDomain(db.pool, "other.acme.test")).toBeUndefined();
  });

  it("leaves out a monitor deleted after the page was saved, and a group it emptied", async () => {
    const { page } = await client.createStatusPage({ page: pageSpec() });
    await db.pool.query("DELETE FROM monitors WHERE id = $1", [monitorIds[0]]);
    const read = (await client.getStatusPage({ id: page?.id ?? "" })).page;
    expect(read?.spec?.groups.map((g) => g.name)).toEqual(["Website"]);
  });

  it.each([
    [{ slug: "" }, "page.slug is required"],
    [{ slug: "ab" }, "page.slug must be 3–60"],
    [{ slug: "-acme" }, "page.slug must be 3–60"],
    [{ slug: "acme-" }, "page.slug must be 3–60"],
    [{ slug: "Acme" }, "page.slug must be 3–60"],
    [{ slug: "a".repeat(61) }, "page.slug must be 3–60"],
    [{ title: "" }, "page.title is required"],
    [{ title: "   " }, "page.title is required"],
    [{ title: "t".repeat(101) }, "page.title must be at most 100 characters"],
    [{ title: "two\nlines" }, "page.title must be one line"],
    [{ description: "d".repeat(1001) }, "page.description must be at most 1000 characters"],
    [{ description: "nul\u0000byte" }, "page.description must not contain control characters"],
    [{ logoUrl: "http://cdn.acme.test/logo.png" }, "page.logoUrl must be an https:// URL"],
    [{ logoUrl: "javascript:alert(1)" }, "page.logoUrl must be an https:// URL"],
    [
      { logoUrl: "https://user:pw@cdn.acme.test/x.png" },
      "page.logoUrl must not contain a user name",
    ],
    [{ logoUrl: `https://cdn.acme.test/${"x".repeat(2048)}` }, "page.logoUrl must be at most 2048"],
    [{ theme: 9 as StatusPageTheme }, "page.theme is not a known theme"],
    [{ domains: ["localhost"] }, "page.domains[0] must be a host name"],
    [
      { domains: ["ok.acme.test", "https://status.acme.test"] },
      "page.domains[1] must be a host name",
    ],
    [{ domains: ["status.acme.test:8080"] }, "page.domains[0] must be a host name"],
    [{ domains: ["192.168.1.10"] }, "page.domains[0] must be a host name"],
    [{ domains: ["[::1]"] }, "page.domains[0] must be a host name"],
    [{ domains: ["-bad.acme.test"] }, "page.domains[0] must be a host name"],
    [{ domains: ["a.acme.test", "A.acme.test"] }, "page.domains[1] is listed twice"],
    [
      { domains: ["a.test", "b.test", "c.test", "d.test", "e.test", "f.test"] },
      "page.domains has 6 domains; at most 5",
    ],
    [{ domains: ["PULSAR.example.test"] }, "page.domains[0] is this installation's own address"],
    [
      { groups: [{ name: "", monitors: [] }] },
      "page.groups[0].monitors must name at least one monitor",
    ],
    [
      { groups: Array.from({ length: 21 }, () => ({ name: "g", monitors: [] })) },
      "page.groups has 21 groups; at most 20",
    ],
    [
      {
        groups: [
          {
            name: "n".repeat(101),
            monitors: [{ monitorId: "00000000-0000-4000-8000-000000000000" }],
          },
        ],
      },
      "page.groups[0].name must be at most 100",
    ],
    [
      { groups: [{ name: "g", monitors: [{ monitorId: "nope" }] }] },
      "page.groups[0].monitors[0].monitorId must be a UUID",
    ],
    [
      {
        groups: [
          {
            name: "g",
            monitors: [
              { monitorId: "00000000-0000-4000-8000-000000000000", displayName: "d".repeat(201) },
            ],
          },
        ],
      },
      "page.groups[0].monitors[0].displayName must be at most 200",
    ],
  ] as [SpecInit, string][])("refuses %j: %s", async (override, message) => {
    const [code, text] = await failure(client.createStatusPage({ page: pageSpec(override) }));
    expect([code, text]).toEqual([Code.InvalidArgument, expect.stringContaining(message)]);
    expect(await countRows("status_pages")).toBe(0);
  });

  it("refuses a page of more than 200 monitors in all, and more than 100 in a group", async () => {
    const ids = Array.from(
      { length: 101 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    );
    const group = (from: number, to: number) => ({
      name: "g",
      monitors: ids.slice(from, to).map((monitorId) => ({ monitorId })),
    });
    expect(
      await failure(client.createStatusPage({ page: pageSpec({ groups: [group(0, 101)] }) })),
    ).toEqual([Code.InvalidArgument, "page.groups[0].monitors has 101 monitors; at most 100"]);
    const three = [group(0, 100), group(0, 100), group(0, 1)];
    expect(await failure(client.createStatusPage({ page: pageSpec({ groups: three }) }))).toEqual([
      Code.InvalidArgument,
      "page.groups hold 201 monitors; at most 200 in all",
    ]);
  });

  it("refuses a monitor twice on a page, naming the second", async () => {
    const id = monitorIds[0] ?? "";
    const groups = [
      { name: "A", monitors: [{ monitorId: id }] },
      {
        name: "B",
        monitors: [{ monitorId: monitorIds[1] ?? "" }, { monitorId: id.toUpperCase() }],
      },
    ];
    expect(await failure(client.createStatusPage({ page: pageSpec({ groups }) }))).toEqual([
      Code.InvalidArgument,
      "page.groups[1].monitors[1].monitorId is on the page already: a monitor may appear once per page",
    ]);
  });

  it("refuses another organization's monitor like an unknown one, naming the field, storing nothing", async () => {
    for (const monitorId of [otherMonitorId, "00000000-0000-4000-8000-000000000000"]) {
      const groups = [
        { name: "A", monitors: [{ monitorId: monitorIds[0] ?? "" }] },
        { name: "B", monitors: [{ monitorId }] },
      ];
      expect(await failure(client.createStatusPage({ page: pageSpec({ groups }) }))).toEqual([
        Code.InvalidArgument,
        "page.groups[1].monitors[0].monitorId names no monitor of this organization",
      ]);
    }
    const { page } = await client.createStatusPage({ page: pageSpec() });
    const groups = [{ name: "A", monitors: [{ monitorId: otherMonitorId }] }];
    const [code] = await failure(
      client.updateStatusPage({ id: page?.id ?? "", page: pageSpec({ groups }) }),
    );
    expect(code).toBe(Code.InvalidArgument);
    expect((await client.getStatusPage({ id: page?.id ?? "" })).page?.spec?.groups).toHaveLength(2);
    expect(await countRows("status_pages")).toBe(1);
  });

  it("answers already_exists for a slug or domain another page holds, without saying whose", async () => {
    await other.createStatusPage({
      page: {
        slug: "acme",
        title: "Squatter",
        domains: ["status.acme.test"],
        groups: [{ name: "G", monitors: [{ monitorId: otherMonitorId }] }],
      },
    });
    const [slugCode, slugMessage] = await failure(client.createStatusPage({ page: pageSpec() }));
    expect([slugCode, slugMessage]).toEqual([Code.AlreadyExists, 'page.slug "acme" is taken']);
    const [domainCode, domainMessage] = await failure(
      client.createStatusPage({
        page: pageSpec({ slug: "acme-inc", domains: ["a.acme.test", "STATUS.acme.test"] }),
      }),
    );
    expect([domainCode, domainMessage]).toEqual([
      Code.AlreadyExists,
      'page.domains[1] "status.acme.test" is taken by another status page',
    ]);
    for (const message of [slugMessage, domainMessage]) {
      expect(message).not.toContain("Globex");
      expect(message).not.toContain(otherOrg.orgId);
    }
    expect((await client.listStatusPages({})).pages).toEqual([]);
    expect(await countRows("status_pages")).toBe(1);

    // Its own slug and domains are no obstacle to a page's update; another page's are.
    const { page } = await client.createStatusPage({
      page: pageSpec({ slug: "acme-inc", domains: ["a.acme.test"] }),
    });
    const id = page?.id ?? "";
    await client.updateStatusPage({
      id,
      page: pageSpec({ slug: "acme-inc", domains: ["a.acme.test"], title: "New" }),
    });
    expect(
      await failure(client.updateStatusPage({ id, page: pageSpec({ slug: "acme" }) })),
    ).toEqual([Code.AlreadyExists, 'page.slug "acme" is taken']);
    expect((await client.getStatusPage({ id })).page?.spec).toMatchObject({
      slug: "acme-inc",
      title: "New",
      domains: ["a.acme.test"],
    });
  });

  it("takes a slug only once when two organizations race for it", async () => {
    const [mine, theirs] = await Promise.allSettled([
      client.createStatusPage({ page: pageSpec({ slug: "contested", groups: [] }) }),
      other.createStatusPage({ page: { slug: "contested", title: "Other" } }),
    ]);
    const outcomes = [mine, theirs].map((o) => o.status);
    expect(outcomes.sort()).toEqual(["fulfilled", "rejected"]);
    const refused = [mine, theirs].find((o) => o.status === "rejected");
    expect(ConnectError.from((refused as PromiseRejectedResult).reason).code).toBe(
      Code.AlreadyExists,
    );
  });

  it("refuses the page past PULSAR_ORG_MAX_STATUS_PAGES, storing nothing", async () => {
    for (let i = 0; i < QUOTAS.statusPages; i++) {
      await client.createStatusPage({ page: pageSpec({ slug: `acme-${i}`, groups: [] }) });
    }
    const [code, message] = await failure(
      client.createStatusPage({ page: pageSpec({ slug: "acme-x", groups: [] }) }),
    );
    expect(code).toBe(Code.ResourceExhausted);
    expect(message).toContain("limit of 3 status pages (PULSAR_ORG_MAX_STATUS_PAGES)");
    expect(await countRows("status_pages")).toBe(QUOTAS.statusPages);
    // Another organization's places are its own.
    await other.createStatusPage({ page: { slug: "globex", title: "Globex" } });
  });

  it("answers not_found to another organization for every page and incident RPC", async () => {
    const { page } = await client.createStatusPage({ page: pageSpec() });
    const id = page?.id ?? "";
    const { incident } = await client.createStatusIncident({
      pageId: id,
      title: "Slow API",
      message: "Looking into it.",
    });
    const incidentId = incident?.id ?? "";
    const otherSpec = {
      slug: "globex",
      title: "G",
      groups: [{ name: "G", monitors: [{ monitorId: otherMonitorId }] }],
    };
    const calls: [string, () => Promise<unknown>][] = [
      ["getStatusPage", () => other.getStatusPage({ id })],
      ["updateStatusPage", () => other.updateStatusPage({ id, page: otherSpec })],
      [
        "updateStatusPage (its slug)",
        () => other.updateStatusPage({ id, page: { ...otherSpec, slug: "acme" } }),
      ],
      ["deleteStatusPage", () => other.deleteStatusPage({ id })],
      [
        "createStatusIncident",
        () => other.createStatusIncident({ pageId: id, title: "x", message: "y" }),
      ],
      ["listStatusIncidents", () => other.listStatusIncidents({ pageId: id })],
      [
        "addStatusIncidentUpdate",
        () =>
          other.addStatusIncidentUpdate({
            incidentId,
            status: StatusIncidentStatus.RESOLVED,
            message: "z",
          }),
      ],
      [
        "updateStatusIncident",
        () => other.updateStatusIncident({ id: incidentId, title: "hijacked" }),
      ],
      ["deleteStatusIncident", () => other.deleteStatusIncident({ id: incidentId })],
    ];
    for (const [name, call] of calls) {
      expect((await failure(call()))[0], name).toBe(Code.NotFound);
    }
    expect((await other.listStatusPages({})).pages).toEqual([]);
    // Nothing changed.
    expect((await client.getStatusPage({ id })).page).toEqual(page);
    const [listed] = (await client.listStatusIncidents({ pageId: id })).incidents;
    expect(listed).toMatchObject({ title: "Slow API", status: StatusIncidentStatus.INVESTIGATING });
    expect(listed?.updates).toHaveLength(1);
  });
});

describe("the public page after a change", () => {
  const publicPage = async (slug: string) => {
    const res = await fetch(`${api.baseUrl}/status/${slug}`);
    return { status: res.status, body: await res.text() };
  };

  it("shows a renamed page, a new incident, an update and a deletion at once, not after its cache", async () => {
    const created = await client.createStatusPage({ page: pageSpec() });
    const id = created.page?.id ?? "";
    // Read once: the rendering is now cached for the cache's lifetime (10 s).
    expect((await publicPage("acme")).body).toContain("Acme status");

    await client.updateStatusPage({ id, page: pageSpec({ title: "Acme, renamed" }) });
    expect((await publicPage("acme")).body).toContain("Acme, renamed");

    const { incident } = await client.createStatusIncident({
      pageId: id,
      title: "Checkout is slow",
      impact: StatusIncidentImpact.DEGRADED,
      message: "Looking into it.",
    });
    expect((await publicPage("acme")).body).toContain("Checkout is slow");
    await client.addStatusIncidentUpdate({
      incidentId: incident?.id ?? "",
      status: StatusIncidentStatus.IDENTIFIED,
      message: "A slow query, being fixed.",
    });
    expect((await publicPage("acme")).body).toContain("A slow query, being fixed.");

    // A new slug is served at once, and the old one is gone at once.
    await client.updateStatusPage({ id, page: pageSpec({ slug: "acme-two" }) });
    expect((await publicPage("acme")).status).toBe(404);
    expect((await publicPage("acme-two")).status).toBe(200);

    await client.deleteStatusPage({ id });
    expect((await publicPage("acme-two")).status).toBe(404);
  });
});

describe("StatusPageService incidents", () => {
  let pageId: string;

  beforeEach(async () => {
    pageId = (await client.createStatusPage({ page: pageSpec() })).page?.id ?? "";
  });

  it("posts an incident, adds updates, resolves, reopens and deletes it", async () => {
    const { incident } = await client.createStatusIncident({
      pageId,
      title: "API errors",
      impact: StatusIncidentImpact.PARTIAL_OUTAGE,
      monitorIds: [monitorIds[0] ?? ""],
      message: "We see errors on the API.",
    });
    expect(incident).toMatchObject({
      pageId,
      title: "API errors",
      impact: StatusIncidentImpact.PARTIAL_OUTAGE,
      monitorIds: [monitorIds[0]],
      status: StatusIncidentStatus.INVESTIGATING,
      updates: [
        { status: StatusIncidentStatus.INVESTIGATING, message: "We see errors on the API." },
      ],
    });
    expect(incident?.resolvedAt).toBeUndefined();
    const id = incident?.id ?? "";

    const identified = await client.addStatusIncidentUpdate({
      incidentId: id,
      status: StatusIncidentStatus.IDENTIFIED,
      message: "A bad deploy.",
    });
    expect(identified.incident?.status).toBe(StatusIncidentStatus.IDENTIFIED);
    const resolved = (
      await client.addStatusIncidentUpdate({
        incidentId: id,
        status: StatusIncidentStatus.RESOLVED,
        message: "Rolled back.\nAll good.",
      })
    ).incident;
    expect(resolved?.status).toBe(StatusIncidentStatus.RESOLVED);
    expect(resolved?.resolvedAt).toBeDefined();
    // Newest first.
    expect(resolved?.updates.map((u) => u.message)).toEqual([
      "Rolled back.\nAll good.",
      "A bad deploy.",
      "We see errors on the API.",
    ]);

    const reopened = (
      await client.addStatusIncidentUpdate({
        incidentId: id,
        status: StatusIncidentStatus.MONITORING,
        message: "Errors are back; watching.",
      })
    ).incident;
    expect(reopened?.status).toBe(StatusIncidentStatus.MONITORING);
    expect(reopened?.resolvedAt).toBeUndefined();
    expect(reopened?.updates).toHaveLength(4);

    const changed = (
      await client.updateStatusIncident({
        id,
        title: "API errors after deploy",
        impact: StatusIncidentImpact.MAJOR_OUTAGE,
        updateMonitors: true,
        monitorIds: [monitorIds[1] ?? "", monitorIds[2] ?? ""],
      })
    ).incident;
    expect(changed).toMatchObject({
      title: "API errors after deploy",
      impact: StatusIncidentImpact.MAJOR_OUTAGE,
      monitorIds: [monitorIds[1], monitorIds[2]],
      status: StatusIncidentStatus.MONITORING,
    });
    // Unset fields are left alone.
    const same = (await client.updateStatusIncident({ id })).incident;
    expect(same).toMatchObject({
      title: "API errors after deploy",
      impact: StatusIncidentImpact.MAJOR_OUTAGE,
      monitorIds: [monitorIds[1], monitorIds[2]],
    });
    const cleared = (await client.updateStatusIncident({ id, updateMonitors: true })).incident;
    expect(cleared?.monitorIds).toEqual([]);

    await client.deleteStatusIncident({ id });
    expect((await client.listStatusIncidents({ pageId })).incidents).toEqual([]);
    expect(await failure(client.deleteStatusIncident({ id }))).toEqual([
      Code.NotFound,
      `status incident ${id} not found`,
    ]);
  });

  it("defaults to INVESTIGATING and impact NONE, and a first update may resolve at once", async () => {
    const open = (await client.createStatusIncident({ pageId, title: "Hm", message: "Checking." }))
      .incident;
    expect(open).toMatchObject({
      status: StatusIncidentStatus.INVESTIGATING,
      impact: StatusIncidentImpact.NONE,
    });
    const done = (
      await client.createStatusIncident({
        pageId,
        title: "Blip",
        status: StatusIncidentStatus.RESOLVED,
        message: "A short blip, over.",
      })
    ).incident;
    expect(done?.status).toBe(StatusIncidentStatus.RESOLVED);
    expect(done?.resolvedAt).toBeDefined();
  });

  it("lists open incidents first, then newest first, within the limit", async () => {
    const post = async (title: string, status = StatusIncidentStatus.INVESTIGATING) =>
      (await client.createStatusIncident({ pageId, title, status, message: title })).incident?.id ??
      "";
    await post("old open");
    await post("old resolved", StatusIncidentStatus.RESOLVED);
    await post("new open");
    await post("new resolved", StatusIncidentStatus.RESOLVED);
    const titles = async (limit?: number) =>
      (await client.listStatusIncidents({ pageId, limit })).incidents.map((i) => i.title);
    expect(await titles()).toEqual(["new open", "old open", "new resolved", "old resolved"]);
    expect(await titles(3)).toEqual(["new open", "old open", "new resolved"]);
    expect(await failure(client.listStatusIncidents({ pageId, limit: 201 }))).toEqual([
      Code.InvalidArgument,
      "limit must be between 1 and 200",
    ]);
    // Deleting the page takes its incidents with it.
    await client.deleteStatusPage({ id: pageId });
    expect(await countRows("status_incidents")).toBe(0);
    expect(await countRows("status_incident_updates")).toBe(0);
  });

  it("refuses bad incident input naming the field", async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => client.createStatusIncident({ pageId: "x", title: "t", message: "m" }),
        "pageId must be a UUID",
      ],
      [() => client.createStatusIncident({ pageId, title: "", message: "m" }), "title is required"],
      [
        () => client.createStatusIncident({ pageId, title: "t".repeat(201), message: "m" }),
        "title must be at most 200 characters",
      ],
      [
        () => client.createStatusIncident({ pageId, title: "t", message: "" }),
        "message is required",
      ],
      [
        () => client.createStatusIncident({ pageId, title: "t", message: "m".repeat(5001) }),
        "message must be at most 5000 characters",
      ],
      [
        () =>
          client.createStatusIncident({
            pageId,
            title: "t",
            message: "m",
            impact: 7 as StatusIncidentImpact,
          }),
        "impact must be NONE, DEGRADED, PARTIAL_OUTAGE or MAJOR_OUTAGE",
      ],
      [
        () =>
          client.createStatusIncident({
            pageId,
            title: "t",
            message: "m",
            status: 9 as StatusIncidentStatus,
          }),
        "status must be INVESTIGATING, IDENTIFIED, MONITORING or RESOLVED",
      ],
      [
        () =>
          client.createStatusIncident({
            pageId,
            title: "t",
            message: "m",
            monitorIds: [otherMonitorId],
          }),
        "monitorIds[0] is not a monitor on this page",
      ],
      [
        () =>
          client.createStatusIncident({
            pageId,
            title: "t",
            message: "m",
            monitorIds: [monitorIds[0] ?? "", monitorIds[0] ?? ""],
          }),
        "monitorIds[1] is listed twice",
      ],
    ];
    for (const [call, message] of cases) {
      expect(await failure(call())).toEqual([Code.InvalidArgument, message]);
    }
    expect(await countRows("status_incidents")).toBe(0);
    const id =
      (await client.createStatusIncident({ pageId, title: "t", message: "m" })).incident?.id ?? "";
    expect(await failure(client.addStatusIncidentUpdate({ incidentId: id, message: "m" }))).toEqual(
      [Code.InvalidArgument, "status must be INVESTIGATING, IDENTIFIED, MONITORING or RESOLVED"],
    );
    expect(
      await failure(
        client.updateStatusIncident({ id, updateMonitors: true, monitorIds: [otherMonitorId] }),
      ),
    ).toEqual([Code.InvalidArgument, "monitorIds[0] is not a monitor on this page"]);
    expect(await failure(client.updateStatusIncident({ id, title: "" }))).toEqual([
      Code.InvalidArgument,
      "title is required",
    ]);
    expect(await countRows("status_incident_updates")).toBe(1);
  });

  it("bounds the updates of an incident and the open incidents of a page", async () => {
    const id =
      (await client.createStatusIncident({ pageId, title: "Long", message: "1" })).incident?.id ??
      "";
    await db.pool.query(
      `INSERT INTO status_incident_updates (incident_id, status, message)
       SELECT $1, 'monitoring', 'step ' || n FROM generate_series(2, 100) AS n`,
      [id],
    );
    const [code, message] = await failure(
      client.addStatusIncidentUpdate({
        incidentId: id,
        status: StatusIncidentStatus.RESOLVED,
        message: "101",
      }),
    );
    expect([code, message]).toEqual([
      Code.ResourceExhausted,
      "this incident has reached its limit of 100 updates; post a new incident",
    ]);
    expect((await client.listStatusIncidents({ pageId })).incidents[0]?.status).toBe(
      StatusIncidentStatus.INVESTIGATING,
    );

    for (let i = 1; i < 50; i++) {
      await client.createStatusIncident({ pageId, title: `open ${i}`, message: "m" });
    }
    expect(
      await failure(client.createStatusIncident({ pageId, title: "51st", message: "m" })),
    ).toEqual([
      Code.ResourceExhausted,
      "this page has reached its limit of 50 open incidents; resolve some first",
    ]);
    // A resolved one is still welcome, but reopening it is not.
    const done = await client.createStatusIncident({
      pageId,
      title: "over",
      status: StatusIncidentStatus.RESOLVED,
      message: "m",
    });
    const [reopenCode] = await failure(
      client.addStatusIncidentUpdate({
        incidentId: done.incident?.id ?? "",
        status: StatusIncidentStatus.INVESTIGATING,
        message: "again",
      }),
    );
    expect(reopenCode).toBe(Code.ResourceExhausted);
    expect(await countRows("status_incidents")).toBe(51);
  });

  it("stops a listing once its updates' text passes a megabyte", async () => {
    const long = "x".repeat(5000);
    for (const title of ["a", "b", "c"]) {
      const id =
        (await client.createStatusIncident({ pageId, title, message: long })).incident?.id ?? "";
      await db.pool.query(
        `INSERT INTO status_incident_updates (incident_id, status, message)
         SELECT $1, 'monitoring', $2 FROM generate_series(2, 100)`,
        [id, long],
      );
    }
    // 500,000 characters each: the third starts past the megabyte and is left out.
    const listed = (await client.listStatusIncidents({ pageId })).incidents;
    expect(listed.map((i) => i.title)).toEqual(["c", "b"]);
    expect(listed[0]?.updates).toHaveLength(100);
  });
});
