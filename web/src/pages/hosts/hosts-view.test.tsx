// @vitest-environment happy-dom
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { type GetHostHistoryRequest, HostSampleSchema } from "../../../../gen/pulsar/v1/host_pb";
import { type FakeSocket, renderHostsView } from "./hosts-test-kit";

afterEach(cleanup);

function setup() {
  const historyCalls: GetHostHistoryRequest[] = [];
  const { sockets } = renderHostsView({
    service: {
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
    },
  });
  return { historyCalls, sockets };
}

/** streamSample opens the page's socket and delivers one sample of web-1 on "host:h1". */
async function streamSample(
  sockets: FakeSocket[],
  sample: MessageInitShape<typeof HostSampleSchema>,
): Promise<void> {
  await waitFor(() => expect(sockets).toHaveLength(1));
  const socket = sockets[0] as FakeSocket;
  socket.open();
  await waitFor(() => expect(socket.sent).toContainEqual({ subscribe: ["host:h1"] }));
  socket.deliver({
    topic: "host:h1",
    replay: true,
    payload: {
      case: "hostSample",
      value: create(HostSampleSchema, {
        hostId: "h1",
        hostname: "web-1",
        sampledAt: timestampFromMs(Date.now()),
        ...sample,
      }),
    },
  });
}

const card = (label: string) => screen.getByText(label, { selector: "dt" }).parentElement;
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
      "Disk I/O, last 1 h",
      "File handles, last 1 h",
    ]);
    expect(screen.getByRole("button", { name: "1 h" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("shows the disk throughput, per disk and in total, and the open file handles of a sample", async () => {
    const { sockets } = setup();
    await streamSample(sockets, {
      diskIo: {
        readBytesPerSec: 3 * 2 ** 20,
        writeBytesPerSec: 512 * 2 ** 10,
        readOpsPerSec: 120,
        writeOpsPerSec: 4.5,
        devices: [
          {
            name: "nvme0n1",
            readBytesPerSec: 3 * 2 ** 20,
            writeBytesPerSec: 0,
            readOpsPerSec: 120,
            writeOpsPerSec: 0,
          },
          { name: "sda", writeBytesPerSec: 512 * 2 ** 10, writeOpsPerSec: 4.5 },
        ],
      },
      fileHandles: { allocated: 2048, max: 2 ** 63 - 1 },
    });

    await waitFor(() => expect(card("Disk read")?.textContent).toContain("3.0 MiB/s"));
    expect(card("Disk read")?.textContent).toContain("120/s reads");
    expect(card("Disk write")?.textContent).toContain("512 KiB/s");
    expect(card("File handles")?.textContent).toBe("File handles2,048open, no set limit");
    const devices = screen.getByRole("table", { name: "Disk I/O per disk" });
    expect(
      within(devices)
        .getAllByRole("row")
        .slice(1)
        .map((row) => [...(row as HTMLTableRowElement).cells].map((c) => c.textContent)),
    ).toEqual([
      ["nvme0n1", "3.0 MiB/s", "0 B/s", "120/s / 0.0/s"],
      ["sda", "0 B/s", "512 KiB/s", "0.0/s / 4.5/s"],
    ]);
    expect(screen.getByRole("figure", { name: "Disk throughput, live" })).toBeTruthy();
  });

  it("sorts the top processes by memory when its header is clicked, and back", async () => {
    const { sockets } = setup();
    await streamSample(sockets, {
      topProcesses: [
        {
          pid: 1,
          name: "node",
          command: "node /srv/api/server.js --port 3000",
          cpuPercent: 50,
          memoryBytes: 100 * 2 ** 20,
          memoryPercent: 1.2,
          threads: 11,
          openFiles: 40,
          state: "running",
        },
        {
          pid: 2,
          name: "node",
          command: "node /srv/worker/main.js",
          cpuPercent: 20,
          memoryBytes: 900 * 2 ** 20,
          memoryPercent: 11,
          threads: 7,
          openFiles: -1,
          state: "sleeping",
        },
        {
          pid: 3,
          name: "postgres",
          cpuPercent: 5,
          memoryBytes: 400 * 2 ** 20,
          memoryPercent: 4.9,
          threads: 1,
          openFiles: 12,
          state: "sleeping",
        },
      ],
    });
    const table = await screen.findByRole("table", { name: "Top processes by CPU use" });
    const pids = () =>
      within(table)
        .getAllByRole("row")
        .slice(1)
        .map((row) => (row as HTMLTableRowElement).cells[1]?.textContent);
    const header = (name: string) =>
      within(table).getByRole("button", { name }).closest("th") as HTMLElement;
    expect(pids()).toEqual(["1", "2", "3"]);
    expect(header("CPU").getAttribute("aria-sort")).toBe("descending");

    fireEvent.click(within(table).getByRole("button", { name: "Memory" }));
    expect(pids()).toEqual(["2", "3", "1"]);
    expect(header("Memory").getAttribute("aria-sort")).toBe("descending");
    expect(header("CPU").getAttribute("aria-sort")).toBe("none");
    fireEvent.click(within(table).getByRole("button", { name: "Memory" }));
    expect(pids()).toEqual(["1", "3", "2"]);
    expect(header("Memory").getAttribute("aria-sort")).toBe("ascending");

    // The worker's row: its whole command line in the tooltip, its unreadable open files a dash.
    const worker = within(table).getAllByRole("row")[3] as HTMLTableRowElement;
    expect(worker.cells[0]?.title).toBe("node /srv/worker/main.js");
    expect([...worker.cells].slice(3).map((c) => c.textContent)).toEqual([
      "900 MiB11.0 %",
      "7",
      "—",
      "sleeping",
    ]);
  });
});
