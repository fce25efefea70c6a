// @vitest-environment happy-dom
import { create, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  type GetHostHistoryRequest,
  HostSampleSchema,
  HostSchema,
  HostService,
} from "../../../../gen/pulsar/v1/host_pb";
import { StreamEventSchema } from "../../../../gen/pulsar/v1/stream_pb";
import { LiveStream } from "../../api/stream";
import { StreamContext } from "../../api/use-stream";
import { HostsView } from "./hosts-view";

afterEach(cleanup);

/** A WebSocket stand-in: records what the app sends, and delivers frames when told. */
class FakeSocket {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: Event) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {}
  open() {
    this.readyState = WebSocket.OPEN;
    this.onopen?.(new Event("open"));
  }
  deliver(frame: Parameters<typeof create<typeof StreamEventSchema>>[1]) {
    const event = create(StreamEventSchema, frame);
    this.onmessage?.({ data: JSON.stringify(toJson(StreamEventSchema, event)) });
  }
}

function setup() {
  const historyCalls: GetHostHistoryRequest[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(HostService, {
      listHosts: () => ({
        hosts: [
          create(HostSchema, {
            id: "h1",
            hostname: "web-1",
            os: "Debian GNU/Linux 12",
            cores: 4,
            memoryBytes: 8 * 2 ** 30,
            online: true,
            lastSeen: timestampFromMs(Date.now()),
          }),
        ],
      }),
      getHostHistory: (req) => {
        historyCalls.push(req);
        return {
          series: [
            {
              metric: "cpu_percent",
              points: [{ at: timestampFromMs(Date.now() - 60_000), avg: 10, max: 20 }],
            },
          ],
        };
      },
    });
  });
  const sockets: FakeSocket[] = [];
  const stream = new LiveStream({
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      // The stream uses only the members FakeSocket has.
      return socket as unknown as WebSocket;
    },
  });
  render(
    <StreamContext.Provider value={stream}>
      <HostsView client={createClient(HostService, transport)} onUnauthenticated={() => {}} />
    </StreamContext.Provider>,
  );
  return { historyCalls, sockets };
}

const cpuCard = () => screen.getByText("CPU", { selector: "dt" }).parentElement;

describe("HostsView", () => {
  it("shows the CPU stat of the first online host as soon as a sample arrives", async () => {
    const { sockets } = setup();
    await waitFor(() => expect(sockets).toHaveLength(1));
    const socket = sockets[0] as FakeSocket;
    socket.open();
    // The socket opens with the session; the page subscribes once its host list has loaded.
    await waitFor(() => expect(socket.sent).toContainEqual({ subscribe: ["host:h1"] }));
    expect(cpuCard()?.textContent).toContain("—");

    socket.deliver({
      topic: "host:h1",
      replay: true,
      payload: {
        case: "hostSample",
        value: create(HostSampleSchema, {
          hostId: "h1",
          hostname: "web-1",
          sampledAt: timestampFromMs(Date.now()),
          cpu: { totalPercent: 12.34, perCorePercent: [10, 14.7], load1: 0.5 },
          memory: { totalBytes: 8 * 2 ** 30, usedBytes: 2 * 2 ** 30 },
          disks: [{ mount: "/", sizeBytes: 100, usedBytes: 41 }],
          topProcesses: [{ pid: 42, name: "postgres", cpuPercent: 3.2, memoryBytes: 1024 }],
        }),
      },
    });

    await waitFor(() => expect(cpuCard()?.textContent).toContain("12.3 %"));
    const processes = screen.getByRole("table", { name: "Top processes by CPU use" });
    const rows = within(processes).getAllByRole("row").slice(1);
    expect(
      rows.map((row) =>
        [...(row as HTMLTableRowElement).cells].slice(0, 3).map((c) => c.textContent),
      ),
    ).toEqual([["postgres", "42", "3.2 %"]]);
    const cores = within(screen.getByRole("list", { name: "CPU per core" })).getAllByRole(
      "listitem",
    );
    expect(cores.map((core) => core.title)).toEqual(["Core 0: 10.0 %", "Core 1: 14.7 %"]);
    const disks = within(screen.getByRole("region", { name: "Disks" })).getAllByRole("listitem");
    expect(disks.map((disk) => disk.textContent)).toEqual(["/41.0 %41 B of 100 B"]);
  });

  it("loads the last hour from GetHostHistory when the range switches to 1 h", async () => {
    const { historyCalls } = setup();
    await screen.findByText("web-1", { selector: "h2 span" });
    expect(historyCalls).toHaveLength(0);

    fireEvent.click(screen.getByRole("button", { name: "1 h" }));

    await waitFor(() => expect(historyCalls).toHaveLength(1));
    const request = historyCalls[0] as GetHostHistoryRequest;
    expect(request.hostId).toBe("h1");
    expect(Number(request.until?.seconds) - Number(request.since?.seconds)).toBe(3600);
    await screen.findByText("Load (1 min)");
    expect(screen.getAllByRole("figure").map((chart) => chart.getAttribute("aria-label"))).toEqual([
      "CPU use, last 1 h",
      "Memory used, last 1 h",
      "Network, last 1 h",
      "Load (1 min), last 1 h",
      "Fullest disk, last 1 h",
    ]);
    expect(screen.getByRole("button", { name: "1 h" }).getAttribute("aria-pressed")).toBe("true");
  });
});
