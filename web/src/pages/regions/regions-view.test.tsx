// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  ProbeService,
  type ProbeToken,
  ProbeTokenSchema,
} from "../../../../gen/pulsar/v1/probe_pb";
import { type Region, RegionSchema, RegionService } from "../../../../gen/pulsar/v1/region_pb";
import { signedMs } from "./region-probes";
import { RegionsView } from "./regions-view";

// The Regions page against in-memory RegionService and ProbeService answering as the server
// would.

afterEach(cleanup);

const NOW = Date.now();

const REGIONS: Region[] = [
  create(RegionSchema, {
    name: "ap-south",
    live: true,
    probes: [
      {
        tokenId: "p1",
        name: "Mumbai rack",
        online: true,
        lastSeenAt: timestampFromMs(NOW - 12_000),
        version: "1.4.0",
        checksPerSecond: 2.5,
        latenessP99Ms: 40,
        clockOffsetMs: -12,
      },
    ],
    monitors: 3,
  }),
  create(RegionSchema, {
    name: "eu-central",
    live: true,
    workers: [
      { id: "box-a:101", version: "1.4.0", lastSeenAt: timestampFromMs(NOW - 2_000) },
      { id: "box-b:202", version: "1.3.9", lastSeenAt: timestampFromMs(NOW - 4_000) },
    ],
    monitors: 1200,
  }),
  create(RegionSchema, {
    name: "us-east",
    live: false,
    probes: [
      {
        tokenId: "p2",
        name: "Ashburn",
        online: false,
        lastSeenAt: timestampFromMs(NOW - 3_600_000),
        version: "1.3.0",
      },
    ],
    monitors: 2,
  }),
];

const ashburnToken = create(ProbeTokenSchema, {
  id: "p2",
  name: "Ashburn",
  region: "us-east",
  prefix: "pulsar_probe_Ab12…",
  createdAt: timestampFromMs(NOW - 86_400_000),
  createdBy: "ada@example.com",
});

/** In-memory services; the probe service refuses a non-admin as the server does. */
function setup({
  systemAdmin = true,
  regions = REGIONS,
  pollMs,
}: {
  systemAdmin?: boolean;
  regions?: Region[] | (() => Region[]);
  pollMs?: number;
} = {}) {
  let tokens: ProbeToken[] = [ashburnToken];
  const calls = { listRegions: 0, listProbeTokens: 0, revoked: [] as string[] };
  const copied: string[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(RegionService, {
      listRegions: () => {
        calls.listRegions++;
        return {
          regions: typeof regions === "function" ? regions() : regions,
          defaultRegion: "eu-central",
        };
      },
    });
    service(ProbeService, {
      listProbeTokens: () => {
        calls.listProbeTokens++;
        if (!systemAdmin) throw new ConnectError("system admins only", Code.PermissionDenied);
        return { probeTokens: tokens };
      },
      createProbeToken: (req) => {
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(req.region))
          throw new ConnectError(
            "region must be 1–63 of a-z, 0-9 and '-', starting with a letter or digit",
            Code.InvalidArgument,
          );
        const probeToken = create(ProbeTokenSchema, {
          id: `p${tokens.length + 10}`,
          name: req.name,
          region: req.region,
          prefix: "pulsar_probe_Xk3f…",
          createdAt: timestampFromMs(Date.now()),
          createdBy: "ada@example.com",
        });
        tokens = [probeToken, ...tokens];
        return { token: "pulsar_probe_Xk3fSECRETSECRET", probeToken };
      },
      revokeProbeToken: (req) => {
        calls.revoked.push(req.id);
        tokens = tokens.filter((t) => t.id !== req.id);
        return {};
      },
    });
  });
  render(
    <RegionsView
      regions={createClient(RegionService, transport)}
      probes={createClient(ProbeService, transport)}
      systemAdmin={systemAdmin}
      onUnauthenticated={() => {}}
      pollMs={pollMs}
      copy={async (text) => {
        copied.push(text);
      }}
    />,
  );
  return { calls, copied };
}

const regionTable = () => screen.getByRole("table", { name: "Regions" });
const regionRow = async (name: string) =>
  (
    await within(await screen.findByRole("table", { name: "Regions" })).findByRole("rowheader", {
      name: new RegExp(`^${name}`),
    })
  ).closest("tr") as HTMLTableRowElement;
const cellsOf = (row: HTMLTableRowElement) => [...row.cells].map((c) => c.textContent ?? "");

describe("RegionsView", () => {
  it("lists each region with its status, workers, probes and monitors, the default marked", async () => {
    setup({ systemAdmin: false });
    const eu = await regionRow("eu-central");
    expect(
      within(regionTable())
        .getAllByRole("rowheader")
        .map((h) => h.textContent),
    ).toEqual(["ap-south", "eu-centraldefault", "us-east"]);
    const [name, status, workers, probes, monitors] = [...eu.cells];
    expect(name?.textContent).toBe("eu-centraldefault");
    expect(status?.textContent).toBe("LiveLive");
    // Two workers: their ids and versions on hover, and to screen readers.
    const count = workers?.querySelector("[title]");
    expect(count?.getAttribute("title")).toMatch(
      /^box-a:101 v1\.4\.0, seen .*\nbox-b:202 v1\.3\.9/,
    );
    expect(workers?.textContent).toMatch(/^2: box-a:101 v1\.4\.0/);
    expect(probes?.textContent).toBe("—");
    expect(monitors?.textContent).toBe("1,200");

    const apSouth = cellsOf(await regionRow("ap-south"));
    expect(apSouth[3]).toBe(
      "OnlineMumbai rackonline, last seen 12 s ago · v1.4.0 · 2.5 checks/s · lateness p99 40 ms · clock −12 ms",
    );
    expect(apSouth[4]).toBe("3");

    const usEast = cellsOf(await regionRow("us-east"));
    expect(usEast[1]).toBe("SilentSilent");
    expect(usEast[3]).toMatch(/^OfflineAshburnoffline, last seen 1 h ago · v1\.3\.0/);
  });

  it("shows no probe tokens to a member who is not a system admin, and never asks for them", async () => {
    const { calls } = setup({ systemAdmin: false });
    await regionRow("eu-central");
    expect(screen.queryByRole("heading", { name: "Probe tokens" })).toBeNull();
    expect(screen.queryByRole("form", { name: "Create a probe token" })).toBeNull();
    expect(calls.listProbeTokens).toBe(0);
  });

  it("shows a system admin a new probe token's secret once, and lists it", async () => {
    const { copied } = setup();
    await screen.findByRole("rowheader", { name: "Ashburn" });
    const form = screen.getByRole("form", { name: "Create a probe token" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Frankfurt" } });
    fireEvent.change(within(form).getByLabelText("Region"), { target: { value: "eu-west" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create probe token" }));

    const secret = (await screen.findByLabelText("Probe token")) as HTMLInputElement;
    expect(secret.value).toBe("pulsar_probe_Xk3fSECRETSECRET");
    expect(secret.readOnly).toBe(true);
    expect(screen.getByText(/Probe token “Frankfurt” created for eu-west/)).toBeTruthy();
    const tokens = screen.getByRole("table", { name: "Probe tokens" });
    const row = within(tokens).getByRole("rowheader", { name: "Frankfurt" }).closest("tr");
    expect(cellsOf(row as HTMLTableRowElement).slice(0, 3)).toEqual([
      "Frankfurt",
      "eu-west",
      "pulsar_probe_Xk3f…",
    ]);
    // The known regions are suggested in the form.
    const suggestions = document.getElementById(
      within(form).getByLabelText("Region").getAttribute("list") ?? "",
    );
    expect([...(suggestions?.querySelectorAll("option") ?? [])].map((o) => o.value)).toEqual([
      "ap-south",
      "eu-central",
      "us-east",
    ]);

    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    await screen.findByRole("button", { name: "Copied" });
    expect(copied).toEqual(["pulsar_probe_Xk3fSECRETSECRET"]);
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByLabelText("Probe token")).toBeNull();
    expect(document.body.textContent).not.toContain("SECRETSECRET");
  });

  it("shows the server's refusal of a region beside the Region field", async () => {
    setup();
    await screen.findByRole("rowheader", { name: "Ashburn" });
    const form = screen.getByRole("form", { name: "Create a probe token" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Frankfurt" } });
    fireEvent.change(within(form).getByLabelText("Region"), { target: { value: "EU West" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create probe token" }));
    const error = await screen.findByText(/^region must be 1–63 of a-z/);
    expect(within(form).getByLabelText("Region").getAttribute("aria-describedby")).toContain(
      error.id,
    );
    expect(screen.queryByLabelText("Probe token")).toBeNull();
  });

  it("asks for confirmation before revoking a probe token", async () => {
    const { calls } = setup();
    fireEvent.click(await screen.findByRole("button", { name: "Revoke Ashburn" }));
    const dialog = (await screen.findByRole("dialog", {
      name: "Revoke “Ashburn”?",
    })) as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(dialog.textContent).toContain("another probe of us-east");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(calls.revoked).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "Revoke Ashburn" }));
    fireEvent.click(await screen.findByRole("button", { name: "Revoke token" }));
    await waitFor(() => expect(calls.revoked).toEqual(["p2"]));
    await screen.findByText("No probe tokens yet.");
  });

  it("reads the regions again, so a worker coming up shows without a reload", async () => {
    let answer = REGIONS;
    setup({ systemAdmin: false, pollMs: 50, regions: () => answer });
    await regionRow("us-east");
    expect(cellsOf(await regionRow("us-east"))[1]).toBe("SilentSilent");
    answer = REGIONS.map((r) =>
      r.name === "us-east"
        ? create(RegionSchema, {
            name: r.name,
            monitors: r.monitors,
            live: true,
            workers: [{ id: "box-c:7", version: "1.4.0", lastSeenAt: timestampFromMs(Date.now()) }],
          })
        : r,
    );
    await waitFor(async () => expect(cellsOf(await regionRow("us-east"))[1]).toBe("LiveLive"));
    expect(cellsOf(await regionRow("us-east"))[2]).toMatch(/^1: box-c:7/);
  });
});

describe("signedMs", () => {
  it("gives a clock offset its sign", () => {
    expect([signedMs(12), signedMs(-1500), signedMs(0)]).toEqual(["+12 ms", "−1.50 s", "0.0 ms"]);
  });
});
