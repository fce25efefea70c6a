// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { HostSchema, type UpdateHostRequest } from "../../../../gen/pulsar/v1/host_pb";
import { renderHostsView, WEB_1 } from "./hosts-test-kit";

afterEach(cleanup);

const LABELLED = create(HostSchema, {
  ...WEB_1,
  labels: { env: "prod" },
  agentLabels: { env: "prod" },
});
const DB_1 = create(HostSchema, { ...WEB_1, id: "h2", hostname: "db-1", labels: { env: "dev" } });

/** The hosts page of web-1 over a HostService that records what it is asked. */
function setup(host = LABELLED) {
  const listed: string[] = [];
  const updates: UpdateHostRequest[] = [];
  const deletes: string[] = [];
  let current = host;
  renderHostsView({
    id: host.id,
    service: {
      listHosts(req) {
        listed.push(req.labelSelector);
        if (req.labelSelector.includes("==")) {
          throw new ConnectError(
            "labelSelector term 1 (env==prod) must be key=value, key!=value or key",
            Code.InvalidArgument,
          );
        }
        const all = [current, DB_1];
        return { hosts: req.labelSelector === "env=prod" ? [current] : all };
      },
      updateHost(req) {
        updates.push(req);
        if (req.name === "x".repeat(3)) {
          throw new ConnectError("name is taken by nobody, but refused here", Code.InvalidArgument);
        }
        current = create(HostSchema, {
          ...current,
          name: req.name ?? current.name,
          ...(req.labels && { labels: req.labels.labels, labelsEdited: true }),
          ...(req.resetLabels && { labels: current.agentLabels, labelsEdited: false }),
          ...(req.agentSettings && { agentSettings: req.agentSettings }),
        });
        return { host: current };
      },
      deleteHost(req) {
        deletes.push(req.id);
        return {};
      },
    },
  });
  return { listed, updates, deletes };
}

const form = (name: string) => screen.getByRole("form", { name });
const heading = () => screen.getByRole("heading", { level: 2 }).textContent;

describe("the hosts registry", () => {
  it("filters the list by a label selector, with the server's refusal beside the filter", async () => {
    const { listed } = setup();
    const list = await screen.findByRole("navigation", { name: "Hosts" });
    await waitFor(() => expect(within(list).getAllByRole("link")).toHaveLength(2));
    const filter = screen.getByRole("searchbox", { name: "Labels" });

    fireEvent.change(filter, { target: { value: " env==prod " } });
    fireEvent.click(screen.getByRole("button", { name: "Filter" }));
    await waitFor(() => expect(listed).toContain("env==prod"));
    const refusal = await screen.findByText(/must be key=value/);
    expect(filter.getAttribute("aria-describedby")).toContain(refusal.id);
    expect(filter.getAttribute("aria-invalid")).toBe("true");

    fireEvent.change(filter, { target: { value: "env=prod" } });
    fireEvent.click(screen.getByRole("button", { name: "Filter" }));
    await waitFor(() =>
      expect(
        within(screen.getByRole("navigation", { name: "Hosts" }))
          .getAllByRole("link")
          .map((link) => link.getAttribute("href")),
      ).toEqual(["/hosts/h1"]),
    );
    expect(screen.queryByText(/must be key=value/)).toBeNull();
    expect(
      within(screen.getByRole("list", { name: "Labels of web-1" }))
        .getAllByRole("listitem")
        .map((chip) => chip.textContent),
    ).toEqual(["env=prod"]);
  });

  it("renames a host and sends its edited labels, after checking the keys itself", async () => {
    const { updates } = setup();
    await waitFor(() => expect(heading()).toBe("web-1"));
    const edit = form("Name and labels");
    fireEvent.change(within(edit).getByRole("textbox", { name: "Name" }), {
      target: { value: "API server" },
    });
    fireEvent.change(within(edit).getByRole("textbox", { name: "Label 1 value" }), {
      target: { value: "staging" },
    });
    fireEvent.click(within(edit).getByRole("button", { name: "Add label" }));
    const key2 = within(edit).getByRole("textbox", { name: "Label 2 key" });
    fireEvent.change(key2, { target: { value: "Role" } });
    fireEvent.change(within(edit).getByRole("textbox", { name: "Label 2 value" }), {
      target: { value: "api" },
    });

    fireEvent.click(within(edit).getByRole("button", { name: "Save" }));
    await within(edit).findByText(/^Key: 1 to 63 lower-case letters/);
    expect(key2.getAttribute("aria-invalid")).toBe("true");
    expect(updates).toHaveLength(0);

    fireEvent.change(key2, { target: { value: "role" } });
    fireEvent.click(within(edit).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(updates).toHaveLength(1));
    const sent = updates[0] as UpdateHostRequest;
    expect(sent.id).toBe("h1");
    expect(sent.name).toBe("API server");
    expect(sent.labels?.labels).toEqual({ env: "staging", role: "api" });
    await waitFor(() => expect(heading()).toBe("API serverweb-1"));
    // The agent's labels stay in view, with the way back to them.
    expect(
      within(screen.getByRole("list", { name: "The agent's labels" })).getByRole("listitem")
        .textContent,
    ).toBe("env=prod");
    fireEvent.click(screen.getByRole("button", { name: "Use the agent's labels" }));
    await waitFor(() => expect(updates).toHaveLength(2));
    expect(updates[1]?.resetLabels).toBe(true);
    await waitFor(() =>
      expect(within(edit).getByRole("textbox", { name: "Label 1 value" })).toHaveProperty(
        "value",
        "prod",
      ),
    );
  });

  it("leaves the labels alone when only the name changes, and shows a refused name at its field", async () => {
    const { updates } = setup();
    const edit = await screen.findByRole("form", { name: "Name and labels" });
    const name = within(edit).getByRole("textbox", { name: "Name" });
    fireEvent.change(name, { target: { value: "xxx" } });
    fireEvent.click(within(edit).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(name.getAttribute("aria-invalid")).toBe("true"));
    expect(updates[0]?.labels).toBeUndefined();
    expect(within(edit).getByRole("alert").textContent).toBe(
      "name is taken by nobody, but refused here",
    );
  });

  it("sends the agent settings: the interval in ms and the readings left out", async () => {
    const { updates } = setup();
    const settings = await screen.findByRole("form", { name: "Agent settings" });
    const interval = within(settings).getByRole("textbox", { name: "Sample interval (seconds)" });
    fireEvent.change(interval, { target: { value: "90" } });
    fireEvent.click(within(settings).getByRole("button", { name: "Save settings" }));
    await within(settings).findByText(/^Enter 0.5 to 60 seconds/);
    expect(updates).toHaveLength(0);

    fireEvent.change(interval, { target: { value: "2.5" } });
    fireEvent.click(within(settings).getByRole("checkbox", { name: "Processes" }));
    fireEvent.click(within(settings).getByRole("checkbox", { name: "Disk I/O" }));
    fireEvent.click(within(settings).getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(updates).toHaveLength(1));
    expect(updates[0]?.agentSettings?.sampleIntervalMs).toBe(2500);
    expect(updates[0]?.agentSettings?.disabledReadings).toEqual(["processes", "disk_io"]);
    expect(updates[0]?.labels).toBeUndefined();
    await within(settings).findByText("Saved: applied at the agent's next push.");
  });

  it("deletes a host only once the person confirms, then goes back to the list", async () => {
    window.history.pushState(null, "", "/hosts/h1");
    const { deletes } = setup();
    fireEvent.click(await screen.findByRole("button", { name: "Delete host" }));
    const dialog = screen.getByRole("dialog", { name: "Delete web-1?" });
    expect(dialog.textContent).toContain("Its history goes with it");
    expect(dialog.textContent).toContain("re-creates it");
    expect(deletes).toEqual([]);

    fireEvent.click(within(dialog).getByRole("button", { name: "Delete host" }));
    await waitFor(() => expect(deletes).toEqual(["h1"]));
    await waitFor(() => expect(window.location.pathname).toBe("/hosts"));
  });

  it("offers no changes to a shared host", async () => {
    setup(create(HostSchema, { ...WEB_1, shared: true }));
    await screen.findByText(/A shared host is sampled by a shared worker/);
    expect(screen.queryByRole("form", { name: "Name and labels" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete host" })).toBeNull();
  });
});
