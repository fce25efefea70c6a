// @vitest-environment happy-dom
import { create, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AlertEvent,
  AlertEventSchema,
  AlertKind,
  AlertService,
  type Channel,
  ChannelSchema,
  type ChannelSpec,
  ComparisonOp,
  DeliveryStatus,
  HostMetric,
  HostRuleSchema,
  type HostRuleSpec,
} from "../../../../gen/pulsar/v1/alert_pb";
import { HostSchema, HostService } from "../../../../gen/pulsar/v1/host_pb";
import { StreamEventSchema } from "../../../../gen/pulsar/v1/stream_pb";
import { LiveStream } from "../../api/stream";
import { StreamContext } from "../../api/use-stream";
import { AlertsView } from "./alerts-view";

afterEach(cleanup);

const HOST = create(HostSchema, { id: "h-1", hostname: "db-1", online: true });

const OPS = create(ChannelSchema, {
  id: "c-ops",
  name: "#ops",
  kind: {
    case: "discord",
    value: { webhookUrl: "https://discord.com/api/webhooks/123/••••••" },
  },
});

function alertEvent(
  id: string,
  title: string,
  secondsAgo: number,
  fields: MessageInitShape<typeof AlertEventSchema> = {},
) {
  return create(AlertEventSchema, {
    id,
    kind: AlertKind.MONITOR_DOWN,
    title,
    message: "connect ECONNREFUSED",
    createdAt: timestampFromMs(Date.now() - secondsAgo * 1000),
    ...fields,
  });
}

/**
 * An in-memory AlertService and HostService as the server would answer: created channels come
 * back with their URL masked; `testAnswer`, `channelError` and `ruleError` stand in for a channel
 * that refuses, and a channel and a rule the server rejects. Every request is recorded.
 */
function fakeApi(
  options: {
    channels?: Channel[];
    events?: AlertEvent[];
    /** The history a page at a time (the page token is "p<index>"); instead of events. */
    eventPages?: AlertEvent[][];
    testAnswer?: { delivered: boolean; statusCode: number; error: string };
    channelError?: ConnectError;
    ruleError?: ConnectError;
  } = {},
) {
  let channels = [...(options.channels ?? [])];
  const sent = {
    channels: [] as ChannelSpec[],
    rules: [] as HostRuleSpec[],
    tests: [] as string[],
    eventPages: [] as { pageToken: string; pageSize: number }[],
  };
  const transport = createRouterTransport(({ service }) => {
    service(AlertService, {
      listChannels: () => ({ channels }),
      createChannel(req) {
        const spec = req.channel;
        if (spec) sent.channels.push(spec);
        if (options.channelError) throw options.channelError;
        const url = spec?.kind.case === "discord" ? spec.kind.value.webhookUrl : "";
        const channel = create(ChannelSchema, {
          id: `c-${channels.length + 1}`,
          name: spec?.name,
          kind: {
            case: "discord",
            value: { webhookUrl: url.replace(/[^/]+$/, "••••••") },
          },
        });
        channels = [channel, ...channels];
        return { channel };
      },
      deleteChannel(req) {
        channels = channels.filter((c) => c.id !== req.id);
        return {};
      },
      testChannel(req) {
        sent.tests.push(req.id);
        return options.testAnswer ?? { delivered: true, statusCode: 204, error: "" };
      },
      listRules: () => ({ rules: [] }),
      createRule(req) {
        if (req.rule) sent.rules.push(req.rule);
        if (options.ruleError) throw options.ruleError;
        return { rule: create(HostRuleSchema, { id: "r-1", spec: req.rule }) };
      },
      deleteRule: () => ({}),
      listAlertEvents(req) {
        sent.eventPages.push({ pageToken: req.pageToken, pageSize: req.pageSize });
        const pages = options.eventPages ?? [options.events ?? []];
        const index = req.pageToken === "" ? 0 : Number(req.pageToken.slice(1));
        return {
          events: pages[index] ?? [],
          nextPageToken: index + 1 < pages.length ? `p${index + 1}` : "",
        };
      },
    });
    service(HostService, { listHosts: () => ({ hosts: [HOST] }) });
  });
  return {
    client: createClient(AlertService, transport),
    hosts: createClient(HostService, transport),
    sent,
  };
}

/** A LiveStream over a fake socket: the test pushes alert events as the server would. */
function fakeStream() {
  const socket = {
    readyState: 1,
    sent: [] as string[],
    send(frame: string) {
      this.sent.push(frame);
    },
    close() {},
    onopen: null as null | (() => void),
    onmessage: null as null | ((message: { data: string }) => void),
    onclose: null as null | (() => void),
  };
  const stream = new LiveStream({ createSocket: () => socket as unknown as WebSocket });
  const push = (alert: AlertEvent, replay = false) =>
    socket.onmessage?.({
      data: JSON.stringify(
        toJson(
          StreamEventSchema,
          create(StreamEventSchema, {
            topic: "alerts",
            replay,
            payload: { case: "alertEvent", value: alert },
          }),
        ),
      ),
    });
  return { stream, socket, push };
}

function renderPage(api: ReturnType<typeof fakeApi>, stream?: LiveStream) {
  render(
    <StreamContext.Provider value={stream}>
      <AlertsView client={api.client} hosts={api.hosts} onUnauthenticated={() => {}} />
    </StreamContext.Provider>,
  );
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

describe("AlertsView", () => {
  it("creates a Discord channel and lists it with its URL masked", async () => {
    const api = fakeApi();
    renderPage(api);
    await screen.findByText(/No channels yet/);
    const form = screen.getByRole("form", { name: "Add a channel" });
    const secretUrl = "https://discord.com/api/webhooks/123/s3cr3t-t0ken";
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: " #ops " } });
    fireEvent.change(within(form).getByLabelText("Discord webhook URL"), {
      target: { value: secretUrl },
    });
    fireEvent.click(within(form).getByRole("button", { name: "Add channel" }));

    await screen.findByText("https://discord.com/api/webhooks/123/••••••");
    expect(api.sent.channels).toHaveLength(1);
    expect(api.sent.channels[0]).toMatchObject({
      name: "#ops",
      kind: { case: "discord", value: { webhookUrl: secretUrl } },
    });
    // Neither the list nor the cleared form keeps the token.
    expect(document.body.innerHTML).not.toContain("s3cr3t-t0ken");
    const list = screen.getByRole("list", { name: "Channels" });
    expect(within(list).getByText("#ops")).toBeTruthy();
    expect(within(list).getByText("Discord")).toBeTruthy();
  });

  it("shows why a test message failed, in the channel's words", async () => {
    const api = fakeApi({
      channels: [OPS],
      testAnswer: { delivered: false, statusCode: 404, error: "Unknown Webhook" },
    });
    renderPage(api);
    fireEvent.click(await screen.findByRole("button", { name: "Send test to #ops" }));
    expect(await screen.findByText("Test failed (HTTP 404): Unknown Webhook")).toBeTruthy();
    expect(api.sent.tests).toEqual(["c-ops"]);
  });

  it("shows the server's rejection of a rule beside the Threshold field", async () => {
    const message = "rule.threshold must be between 0 and 100 for a percentage";
    const api = fakeApi({
      channels: [OPS],
      ruleError: new ConnectError(message, Code.InvalidArgument),
    });
    renderPage(api);
    const form = screen.getByRole("form", { name: "Add a rule" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Disk full" } });
    await within(form).findByRole("option", { name: "db-1" });
    fireEvent.change(within(form).getByLabelText("Host"), { target: { value: "h-1" } });
    fireEvent.change(within(form).getByLabelText("Metric"), {
      target: { value: String(HostMetric.DISK_PERCENT) },
    });
    fireEvent.change(within(form).getByLabelText("Mount"), { target: { value: "/var" } });
    fireEvent.change(within(form).getByLabelText("Condition"), {
      target: { value: String(ComparisonOp.GTE) },
    });
    fireEvent.change(within(form).getByLabelText("Threshold"), { target: { value: "150" } });
    fireEvent.change(within(form).getByLabelText("For (seconds)"), { target: { value: "120" } });
    fireEvent.click(await within(form).findByLabelText("#ops"));
    fireEvent.click(within(form).getByRole("button", { name: "Add rule" }));

    const threshold = within(form).getByLabelText("Threshold");
    await waitFor(() => expect(errorOf(threshold)).toBe(message));
    expect(errorOf(within(form).getByLabelText("Name"))).toBeUndefined();
    expect(api.sent.rules[0]).toMatchObject({
      name: "Disk full",
      hostId: "h-1",
      metric: HostMetric.DISK_PERCENT,
      mount: "/var",
      op: ComparisonOp.GTE,
      threshold: 150,
      forSeconds: 120,
      channelIds: ["c-ops"],
    });
    expect(screen.getByText("No rules yet.")).toBeTruthy();
  });

  it("creates a rule for the hosts with some labels, and lists it by them", async () => {
    const api = fakeApi({ channels: [OPS] });
    renderPage(api);
    const form = screen.getByRole("form", { name: "Add a rule" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Prod CPU" } });
    await within(form).findByRole("option", { name: "db-1" });
    expect(within(form).queryByLabelText("Labels")).toBeNull();
    fireEvent.change(within(form).getByLabelText("Host"), { target: { value: "*labels" } });
    fireEvent.click(await within(form).findByLabelText("#ops"));
    fireEvent.click(within(form).getByRole("button", { name: "Add rule" }));
    const labels = within(form).getByLabelText("Labels");
    await waitFor(() => expect(errorOf(labels)).toBe("Enter the labels, e.g. env=prod"));
    expect(api.sent.rules).toHaveLength(0);

    fireEvent.change(labels, { target: { value: " env=prod " } });
    fireEvent.click(within(form).getByRole("button", { name: "Add rule" }));

    await waitFor(() => expect(api.sent.rules).toHaveLength(1));
    expect(api.sent.rules[0]).toMatchObject({ hostId: "", hostSelector: "env=prod" });
    const rules = await screen.findByRole("list", { name: "Rules" });
    expect(within(rules).getByText(/^Hosts: hosts with env=prod/)).toBeTruthy();
  });

  it("shows the channel quota's refusal below the form, keeping what was typed", async () => {
    const message =
      "this organization has reached its limit of 50 alert channels (PULSAR_ORG_MAX_CHANNELS); remove some first";
    const api = fakeApi({ channelError: new ConnectError(message, Code.ResourceExhausted) });
    renderPage(api);
    await screen.findByText(/No channels yet/);
    const form = screen.getByRole("form", { name: "Add a channel" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "#ops" } });
    fireEvent.change(within(form).getByLabelText("Discord webhook URL"), {
      target: { value: "https://discord.com/api/webhooks/1/t" },
    });
    fireEvent.click(within(form).getByRole("button", { name: "Add channel" }));

    const alert = await within(form).findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(errorOf(within(form).getByLabelText("Name"))).toBeUndefined();
    expect((within(form).getByLabelText("Name") as HTMLInputElement).value).toBe("#ops");
    expect(screen.getByText(/No channels yet/)).toBeTruthy();
  });

  it("shows the write-rate refusal of a rule below the form, in the server's words", async () => {
    const message =
      "this organization has reached its limit of 600 writes per minute (PULSAR_ORG_WRITES_PER_MINUTE); try again in 41 s";
    const api = fakeApi({
      channels: [OPS],
      ruleError: new ConnectError(message, Code.ResourceExhausted),
    });
    renderPage(api);
    const form = screen.getByRole("form", { name: "Add a rule" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "CPU high" } });
    fireEvent.change(within(form).getByLabelText("Threshold"), { target: { value: "90" } });
    fireEvent.click(await within(form).findByLabelText("#ops"));
    fireEvent.click(within(form).getByRole("button", { name: "Add rule" }));

    const alert = await within(form).findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(errorOf(within(form).getByLabelText("Threshold"))).toBeUndefined();
    expect(api.sent.rules).toHaveLength(1);
    expect(screen.getByText("No rules yet.")).toBeTruthy();
  });

  it("puts a live alert on top of the history, with how each delivery went", async () => {
    const recovered = alertEvent("e1", "Blog recovered", 60, {
      kind: AlertKind.MONITOR_RECOVERED,
      deliveries: [{ channelId: "c-ops", channelName: "#ops", status: DeliveryStatus.DELIVERED }],
    });
    const api = fakeApi({ events: [recovered] });
    const { stream, socket, push } = fakeStream();
    renderPage(api, stream);
    const log = await screen.findByRole("log", { name: "Alert history" });
    await within(log).findByText("Blog recovered");
    act(() => socket.onopen?.());
    expect(socket.sent).toContain(JSON.stringify({ subscribe: ["alerts"] }));
    // The replay's copy, as first published, is older than the listed one.
    const published = create(AlertEventSchema, recovered);
    published.deliveries = [];
    act(() => push(published, true));

    act(() =>
      push(
        alertEvent("e2", "Checkout API is down", 0, {
          deliveries: [
            {
              channelId: "c-ops",
              channelName: "#ops",
              status: DeliveryStatus.FAILED,
              error: "Discord answered 401 Unauthorized",
            },
          ],
        }),
      ),
    );
    const items = within(log)
      .getAllByRole("listitem")
      .filter((li) => li.parentElement?.tagName === "OL");
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain("Checkout API is down");
    expect(items[0]?.textContent).toContain("Down");
    expect(items[0]?.textContent).toContain("Failed — Discord answered 401 Unauthorized");
    expect(items[1]?.textContent).toContain("Blog recovered");
    expect(items[1]?.textContent).toContain("Delivered");
    stream.close();
  });

  it("loads older alerts below the history by the page token, a live one still going on top", async () => {
    const api = fakeApi({
      eventPages: [
        [alertEvent("a", "Alert A", 10), alertEvent("b", "Alert B", 20)],
        [alertEvent("c", "Alert C", 30), alertEvent("d", "Alert D", 40)],
        [alertEvent("e", "Alert E", 50)],
      ],
    });
    const { stream, socket, push } = fakeStream();
    renderPage(api, stream);
    const log = await screen.findByRole("log", { name: "Alert history" });
    await within(log).findByText("Alert B");
    act(() => socket.onopen?.());
    const titles = () =>
      within(log)
        .getAllByRole("listitem")
        .filter((li) => li.parentElement?.tagName === "OL")
        .map((li) => li.querySelector("span.break-words")?.textContent);

    fireEvent.click(screen.getByRole("button", { name: "Load older" }));
    await within(log).findByText("Alert D");
    act(() => push(alertEvent("live", "Alert live", 0)));
    fireEvent.click(screen.getByRole("button", { name: "Load older" }));
    await within(log).findByText("Alert E");

    expect(titles()).toEqual(["Alert live", "Alert A", "Alert B", "Alert C", "Alert D", "Alert E"]);
    expect(api.sent.eventPages).toEqual([
      { pageToken: "", pageSize: 100 },
      { pageToken: "p1", pageSize: 100 },
      { pageToken: "p2", pageSize: 100 },
    ]);
    expect(screen.queryByRole("button", { name: "Load older" })).toBeNull();
    expect(screen.getByText("That is the whole history.")).toBeTruthy();
    stream.close();
  });

  it("offers no older alerts when the first page is the whole history", async () => {
    renderPage(fakeApi({ events: [alertEvent("a", "Alert A", 10)] }));
    await screen.findByText("Alert A");
    expect(screen.queryByRole("button", { name: "Load older" })).toBeNull();
    expect(screen.queryByText("That is the whole history.")).toBeNull();
  });

  it("deletes a channel only after the person confirms", async () => {
    renderPage(fakeApi({ channels: [OPS] }));
    fireEvent.click(await screen.findByRole("button", { name: "Delete #ops" }));
    fireEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    expect(within(screen.getByRole("list", { name: "Channels" })).getByText("#ops")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Delete #ops" }));
    fireEvent.click(await screen.findByRole("button", { name: "Delete channel" }));
    await screen.findByText(/No channels yet/);
  });
});
