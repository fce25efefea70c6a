// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AlertService, type Channel, ChannelSchema } from "../../../gen/pulsar/v1/alert_pb";
import {
  type Monitor,
  MonitorSchema,
  MonitorService,
  type MonitorSpec,
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
});
