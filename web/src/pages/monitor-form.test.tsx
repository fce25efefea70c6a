// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AlertService, type Channel, ChannelSchema } from "../../../gen/pulsar/v1/alert_pb";
import {
  type Monitor,
  MonitorKind,
  MonitorSchema,
  MonitorService,
  type MonitorSpec,
  RegionRule,
} from "../../../gen/pulsar/v1/monitor_pb";
import { MonitorForm } from "./monitor-form";

afterEach(cleanup);

const ID = "7f3c0c8e-0000-4000-8000-000000000001";

const OPS = create(ChannelSchema, {
  id: "c-ops",
  name: "#ops",
  kind: { case: "discord", value: { webhookUrl: "https://discord.com/api/webhooks/1/••••" } },
});
const PAGER = create(ChannelSchema, {
  id: "c-pager",
  name: "Pager bridge",
  kind: { case: "webhook", value: { url: "https://hooks.example/••••" } },
});

/**
 * An in-memory MonitorService and AlertService: it answers create and update with `reject` when
 * given, else stores the spec; it records every spec sent, and lists `channels`.
 */
function fakeApi(options: { reject?: ConnectError; stored?: Monitor; channels?: Channel[] } = {}) {
  const sent: MonitorSpec[] = [];
  const save = (spec: MonitorSpec | undefined, id: string) => {
    if (spec) sent.push(spec);
    if (options.reject) throw options.reject;
    return { monitor: create(MonitorSchema, { id, name: spec?.name }) };
  };
  const transport = createRouterTransport(({ service }) => {
    service(AlertService, { listChannels: () => ({ channels: options.channels ?? [] }) });
    service(MonitorService, {
      getMonitor(req) {
        if (!options.stored || req.id !== options.stored.id) {
          throw new ConnectError("monitor not found", Code.NotFound);
        }
        return { monitor: options.stored };
      },
      createMonitor: (req) => save(req.monitor, ID),
      updateMonitor: (req) => save(req.monitor, req.id),
    });
  });
  return {
    client: createClient(MonitorService, transport),
    channels: createClient(AlertService, transport),
    sent,
  };
}

function renderForm(api: ReturnType<typeof fakeApi>, id?: string) {
  const onSaved = vi.fn();
  render(
    <MonitorForm
      id={id}
      client={api.client}
      channels={api.channels}
      onSaved={onSaved}
      onUnauthenticated={() => {}}
    />,
  );
  return { onSaved };
}

function type(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

function errorOf(label: string): string | undefined {
  const input = screen.getByLabelText(label);
  const ids = input.getAttribute("aria-describedby")?.split(" ") ?? [];
  return (
    ids
      .map((id) => document.getElementById(id))
      .find((element) => element?.getAttribute("role") === "alert")?.textContent ?? undefined
  );
}

describe("MonitorForm", () => {
  it("shows the server's validation message beside the field it names, and focuses it", async () => {
    const message = "monitor.intervalSeconds must be between 10 and 86400";
    const api = fakeApi({ reject: new ConnectError(message, Code.InvalidArgument) });
    const { onSaved } = renderForm(api);
    type("Name", "Checkout");
    type("URL", "https://shop.example/health");
    type("Interval (seconds)", "5");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));

    await waitFor(() => expect(errorOf("Interval (seconds)")).toBe(message));
    expect(errorOf("Name")).toBeUndefined();
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    // Focus moves in an effect after the error renders.
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByLabelText("Interval (seconds)")),
    );
    expect(onSaved).not.toHaveBeenCalled();

    // Editing the field takes the message about its old value away.
    type("Interval (seconds)", "30");
    expect(errorOf("Interval (seconds)")).toBeUndefined();
  });

  it("puts an error about no field of the form in the form-wide message", async () => {
    const message = 'monitor.headers["Host"] is set by Pulsar and cannot be overridden';
    renderForm(fakeApi({ reject: new ConnectError(message, Code.InvalidArgument) }));
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(errorOf("Name")).toBeUndefined();
  });

  it("shows a quota refusal below the form in the server's words, keeping what was typed", async () => {
    const message =
      "this organization has reached its limit of 10000 monitors (PULSAR_ORG_MAX_MONITORS); remove some first";
    const api = fakeApi({ reject: new ConnectError(message, Code.ResourceExhausted) });
    const { onSaved } = renderForm(api);
    type("Name", "Checkout");
    type("URL", "https://shop.example/health");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(errorOf("Name")).toBeUndefined();
    expect(errorOf("URL")).toBeUndefined();
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Checkout");
    expect(onSaved).not.toHaveBeenCalled();
  });

  it("shows the write-rate refusal, then sends again when asked", async () => {
    const message =
      "this organization has reached its limit of 600 writes per minute (PULSAR_ORG_WRITES_PER_MINUTE); try again in 12 s";
    const api = fakeApi({ reject: new ConnectError(message, Code.ResourceExhausted) });
    renderForm(api);
    type("Name", "Checkout");
    type("URL", "https://shop.example/health");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    expect((await screen.findByRole("alert")).textContent).toBe(message);
    // The button is usable again: the person can retry once the minute has passed.
    const button = screen.getByRole("button", { name: "Add monitor" }) as HTMLButtonElement;
    await waitFor(() => expect(button.disabled).toBe(false));
    fireEvent.click(button);
    await waitFor(() => expect(api.sent).toHaveLength(2));
  });

  it("puts the spec-size refusal, about the whole monitor, in the form-wide message", async () => {
    const message = "monitor must be at most 32768 bytes serialized (got 40211)";
    renderForm(fakeApi({ reject: new ConnectError(message, Code.InvalidArgument) }));
    type("Name", "Checkout");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    expect((await screen.findByRole("alert")).textContent).toBe(message);
    expect(errorOf("Name")).toBeUndefined();
  });

  it("refuses status ranges it cannot read, beside the field, without asking the server", async () => {
    const api = fakeApi();
    renderForm(api);
    type("Expected status", "200-");
    fireEvent.blur(screen.getByLabelText("Expected status"));
    expect(errorOf("Expected status")).toContain('"200-" is not a status code or range');

    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(api.sent).toEqual([]);
    expect(document.activeElement).toBe(screen.getByLabelText("Expected status"));
  });

  it("creates the monitor from every field and goes to it", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    type("Name", "  Checkout ");
    type("URL", "https://shop.example/health");
    type("Interval (seconds)", "30");
    type("Timeout", "5000");
    fireEvent.change(screen.getByLabelText("Method"), { target: { value: "HEAD" } });
    type("Expected status", "200,301-302");
    type("Keyword", "ok");
    fireEvent.click(screen.getByLabelText("Follow redirects"));
    fireEvent.click(screen.getByLabelText("Ignore TLS errors"));
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(onSaved.mock.calls[0]?.[0].id).toBe(ID);
    const spec = api.sent[0];
    expect(spec).toMatchObject({
      name: "Checkout",
      url: "https://shop.example/health",
      method: "HEAD",
      intervalSeconds: 30,
      timeoutMs: 5000,
      expectedStatus: [
        { min: 200, max: 200 },
        { min: 301, max: 302 },
      ],
      keyword: "ok",
      followRedirects: false,
      ignoreTlsErrors: true,
    });
  });

  it("edits a monitor with its whole spec, keeping what the form does not show", async () => {
    const stored = create(MonitorSchema, {
      id: ID,
      name: "Checkout",
      url: "https://shop.example/health",
      method: "POST",
      headers: { Authorization: "Bearer t" },
      body: '{"ping":true}',
      intervalSeconds: 120,
      timeoutMs: 2000,
      expectedStatus: [{ min: 200, max: 299 }],
      followRedirects: true,
      enabled: false,
      confirmations: 4,
      recoveryConfirmations: 2,
      reminderMinutes: 60,
      alertChannelIds: ["c-ops"],
    });
    const api = fakeApi({ stored, channels: [OPS, PAGER] });
    const { onSaved } = renderForm(api, ID);
    await screen.findByRole("button", { name: "Save changes" });
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Checkout");
    expect((screen.getByLabelText("Method") as HTMLSelectElement).value).toBe("POST");
    expect((screen.getByLabelText("Expected status") as HTMLInputElement).value).toBe("200-299");
    expect((screen.getByLabelText("Confirmations") as HTMLInputElement).value).toBe("4");
    expect(((await screen.findByLabelText("#ops")) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText("Pager bridge") as HTMLInputElement).checked).toBe(false);
    expect(screen.getByRole("link", { name: "Cancel" }).getAttribute("href")).toBe(
      `/monitors/${ID}`,
    );

    type("Name", "Checkout v2");
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]).toMatchObject({
      name: "Checkout v2",
      method: "POST",
      headers: { Authorization: "Bearer t" },
      body: '{"ping":true}',
      intervalSeconds: 120,
      timeoutMs: 2000,
      expectedStatus: [{ min: 200, max: 299 }],
      enabled: false,
      confirmations: 4,
      recoveryConfirmations: 2,
      reminderMinutes: 60,
      alertChannelIds: ["c-ops"],
    });
  });

  it("sends the confirmations, reminder and chosen alert channels", async () => {
    const api = fakeApi({ channels: [OPS, PAGER] });
    const { onSaved } = renderForm(api);
    type("Name", "Checkout");
    type("URL", "https://shop.example/health");
    expect((screen.getByLabelText("Confirmations") as HTMLInputElement).value).toBe("2");
    expect((screen.getByLabelText("Recovery confirmations") as HTMLInputElement).value).toBe("1");
    type("Confirmations", "3");
    type("Recovery confirmations", "2");
    type("Reminder every (minutes)", "30");
    fireEvent.click(await screen.findByLabelText("Pager bridge"));
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]).toMatchObject({
      confirmations: 3,
      recoveryConfirmations: 2,
      reminderMinutes: 30,
      alertChannelIds: ["c-pager"],
    });
  });

  it("sends public badges off by default and on when ticked", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    type("Name", "Checkout");
    type("URL", "https://shop.example/health");
    const box = screen.getByLabelText("Public badges") as HTMLInputElement;
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]?.publicBadges).toBe(true);
  });

  it("points to the alerts page when there are no channels to choose", async () => {
    renderForm(fakeApi());
    const link = await screen.findByRole("link", { name: "Alerts page" });
    expect(link.getAttribute("href")).toBe("/alerts");
    expect(screen.queryByRole("checkbox", { name: "#ops" })).toBeNull();
  });

  it("shows the server's message about the confirmations beside that field", async () => {
    const message = "monitor.confirmations must be between 1 and 10";
    renderForm(fakeApi({ reject: new ConnectError(message, Code.InvalidArgument) }));
    type("Confirmations", "0");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(errorOf("Confirmations")).toBe(message));
  });

  it("says so in the server's words when the monitor to edit cannot be loaded", async () => {
    renderForm(fakeApi(), ID);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("monitor not found");
    expect(screen.queryByRole("button", { name: "Save changes" })).toBeNull();
  });

  it("asks what to check first, and shows only the chosen kind's fields", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    expect((screen.getByLabelText("HTTP") as HTMLInputElement).checked).toBe(true);
    expect(screen.getByLabelText("URL")).toBeTruthy();

    fireEvent.click(screen.getByLabelText("TCP port"));
    expect(screen.queryByLabelText("URL")).toBeNull();
    expect(screen.queryByLabelText("Method")).toBeNull();
    expect(screen.queryByLabelText("Ignore TLS errors")).toBeNull();
    fireEvent.click(screen.getByLabelText("TLS"));
    expect(screen.getByLabelText("Ignore TLS errors")).toBeTruthy();
    expect(screen.getByLabelText("Certificate expiry alerts (days before)")).toBeTruthy();
    fireEvent.click(screen.getByLabelText("TLS"));

    type("Name", "Redis");
    type("Host", "cache.internal");
    type("Port", "6379");
    type("Send", "PING\\r\\n");
    type("Expect", "+PONG");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]).toMatchObject({
      name: "Redis",
      url: "",
      method: "",
      expectedStatus: [],
      conditions: [],
      tcp: { host: "cache.internal", port: 6379, tls: false, send: "PING\\r\\n", expect: "+PONG" },
      intervalSeconds: 60,
      ignoreTlsErrors: false,
      tlsExpiryAlertDays: [],
    });
  });

  it("refuses a TCP port out of range beside the field, without asking the server", async () => {
    const api = fakeApi();
    renderForm(api);
    fireEvent.click(screen.getByLabelText("TCP port"));
    type("Host", "db.internal");
    type("Port", "99999");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(errorOf("Port")).toBe("Enter a port from 1 to 65535"));
    expect(document.activeElement).toBe(screen.getByLabelText("Port"));
    expect(api.sent).toEqual([]);
  });

  it("makes a heartbeat from a cron schedule and its zone, with no interval nor timeout", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    fireEvent.click(screen.getByLabelText("Heartbeat"));
    expect(screen.queryByLabelText("Interval (seconds)")).toBeNull();
    expect(screen.queryByLabelText("Timeout")).toBeNull();
    expect((screen.getByLabelText("Confirmations") as HTMLInputElement).value).toBe("1");
    type("Name", "Nightly backup");
    fireEvent.click(screen.getByLabelText("On a cron schedule"));
    type("Cron expression", "0 3 * * *");
    fireEvent.change(screen.getByLabelText("Time zone"), { target: { value: "Europe/Paris" } });
    type("Grace time", "30 min");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    const spec = api.sent[0];
    expect(spec?.heartbeat).toMatchObject({
      periodSeconds: 0,
      graceSeconds: 1800,
      cron: "0 3 * * *",
      timezone: "Europe/Paris",
    });
    expect(spec?.intervalSeconds).toBeUndefined();
    expect(spec?.timeoutMs).toBeUndefined();
    expect(spec?.confirmations).toBe(1);
  });

  it("asks a DNS monitor's expected text only when the answer must contain it", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    fireEvent.click(screen.getByLabelText("DNS"));
    type("Name", "Mail");
    type("Domain name", "example.com");
    fireEvent.change(screen.getByLabelText("Record type"), { target: { value: "MX" } });
    expect(screen.queryByLabelText("Expected text")).toBeNull();
    fireEvent.click(screen.getByLabelText("A record containing"));
    expect(screen.getByLabelText("Expected text").getAttribute("placeholder")).toBe(
      "10 mail.example.com",
    );
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(errorOf("Expected text")).toBe("Enter the text"));
    expect(api.sent).toEqual([]);

    type("Expected text", "mx.example.com");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]?.dns).toMatchObject({
      name: "example.com",
      recordType: "MX",
      expect: "mx.example.com",
      expectExact: false,
      expectNxdomain: false,
    });
  });

  it("shows the server's message about a condition beside its line, counting sent lines only", async () => {
    const message = 'monitor.conditions[1] expected an operator after "status" at position 7';
    const api = fakeApi({ reject: new ConnectError(message, Code.InvalidArgument) });
    renderForm(api);
    type("Name", "Health");
    type("URL", "https://shop.example/health");
    fireEvent.click(screen.getByRole("button", { name: "Add condition status == 200" }));
    fireEvent.click(screen.getByRole("button", { name: "Add condition" }));
    fireEvent.click(screen.getByRole("button", { name: "Add condition" }));
    type("Condition 3", "status 200");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));

    await waitFor(() => expect(api.sent).toHaveLength(1));
    expect(api.sent[0]?.conditions).toEqual(["status == 200", "status 200"]);
    // The blank line went, so the second line shown is the server's conditions[1].
    await waitFor(() => expect(errorOf("Condition 2")).toBe(message));
    expect(errorOf("Condition 1")).toBeUndefined();
    expect(screen.queryByLabelText("Condition 3")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Condition 2")));

    // Editing that line takes its message away; removing a line takes them all.
    type("Condition 2", "status == 201");
    expect(errorOf("Condition 2")).toBeUndefined();
    fireEvent.click(screen.getByRole("button", { name: "Remove condition 1" }));
    expect((screen.getByLabelText("Condition 1") as HTMLInputElement).value).toBe("status == 201");
  });

  it("sends certificate expiry days for an HTTPS URL only", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    type("Name", "Shop");
    type("URL", "http://shop.example/");
    expect(screen.queryByLabelText("Certificate expiry alerts (days before)")).toBeNull();
    type("URL", "https://shop.example/");
    type("Certificate expiry alerts (days before)", "30, 7, 1");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]).toMatchObject({
      tlsExpiryAlertDays: [30, 7, 1],
      tlsExpiryAlertsOff: false,
    });
  });

  it("edits a TCP monitor in its own kind, and says what changing the kind does", async () => {
    const stored = create(MonitorSchema, {
      id: ID,
      kind: MonitorKind.TCP,
      name: "Postgres",
      intervalSeconds: 30,
      timeoutMs: 5000,
      tcp: { host: "db.internal", port: 5432, tls: true },
      tlsExpiryAlertDays: [],
      confirmations: 2,
      recoveryConfirmations: 1,
    });
    const api = fakeApi({ stored });
    const { onSaved } = renderForm(api, ID);
    await screen.findByRole("button", { name: "Save changes" });
    expect((screen.getByLabelText("TCP port") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText("Host") as HTMLInputElement).value).toBe("db.internal");
    expect(
      (screen.getByLabelText("No certificate expiry alerts") as HTMLInputElement).checked,
    ).toBe(true);
    fireEvent.click(screen.getByLabelText("DNS"));
    expect(screen.getByText(/Saving makes it a DNS monitor/)).toBeTruthy();
    fireEvent.click(screen.getByLabelText("TCP port"));
    expect(screen.queryByText(/Saving makes it/)).toBeNull();

    type("Port", "6432");
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]).toMatchObject({
      tcp: { host: "db.internal", port: 6432, tls: true },
      tlsExpiryAlertsOff: true,
      tlsExpiryAlertDays: [],
      intervalSeconds: 30,
    });
  });
});

describe("MonitorForm regions", () => {
  it("sends the regions typed and the rule chosen, which it offers only for several regions", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    type("Name", "Shop");
    type("URL", "https://shop.example/");
    expect(screen.getByText(/Empty: the installation's default region/)).toBeTruthy();
    type("Regions", "eu-west");
    expect(screen.queryByLabelText("Decided by")).toBeNull();
    type("Regions", "eu-west, us-east  ap-south,eu-west");
    const rule = screen.getByLabelText("Decided by") as HTMLSelectElement;
    expect(rule.value).toBe("majority");
    fireEvent.change(rule, { target: { value: "all" } });
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]?.regions).toEqual(["eu-west", "us-east", "ap-south"]);
    expect(api.sent[0]?.regionRule).toBe(RegionRule.ALL);
  });

  it("sends no regions when left empty, for the installation's default", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    type("Name", "Shop");
    type("URL", "https://shop.example/");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]?.regions).toEqual([]);
    expect(api.sent[0]?.regionRule).toBe(RegionRule.UNSPECIFIED);
  });

  it("refuses a region name no worker could have, beside the field, without asking the server", async () => {
    const api = fakeApi();
    renderForm(api);
    type("Name", "Shop");
    type("URL", "https://shop.example/");
    type("Regions", "eu-west EU_East");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(errorOf("Regions")).toMatch(/"EU_East" is not a region name/));
    expect(api.sent).toHaveLength(0);
  });

  it("shows the server's message about the regions beside that field", async () => {
    const message = "monitor.regions must be empty for a heartbeat monitor";
    renderForm(fakeApi({ reject: new ConnectError(message, Code.InvalidArgument) }));
    type("Name", "Shop");
    type("URL", "https://shop.example/");
    type("Regions", "a b");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(errorOf("Regions")).toBe(message));
  });

  it("fills the regions and rule of the monitor being edited, and keeps them", async () => {
    const stored = create(MonitorSchema, {
      id: ID,
      kind: MonitorKind.DNS,
      name: "Zone",
      intervalSeconds: 60,
      timeoutMs: 5000,
      dns: { name: "example.com", recordType: "A" },
      regions: ["a", "b", "c"],
      regionRule: RegionRule.ANY,
      confirmations: 2,
      recoveryConfirmations: 1,
    });
    const api = fakeApi({ stored });
    const { onSaved } = renderForm(api, ID);
    await screen.findByRole("button", { name: "Save changes" });
    expect((screen.getByLabelText("Regions") as HTMLInputElement).value).toBe("a, b, c");
    expect((screen.getByLabelText("Decided by") as HTMLSelectElement).value).toBe("any");
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]).toMatchObject({ regions: ["a", "b", "c"], regionRule: RegionRule.ANY });
  });

  it("asks no regions of a heartbeat, and sends none", async () => {
    const api = fakeApi();
    const { onSaved } = renderForm(api);
    type("Regions", "a b");
    fireEvent.click(screen.getByLabelText("Heartbeat"));
    expect(screen.queryByLabelText("Regions")).toBeNull();
    type("Name", "Backup");
    fireEvent.click(screen.getByRole("button", { name: "Add monitor" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
    expect(api.sent[0]?.regions).toEqual([]);
  });
});
