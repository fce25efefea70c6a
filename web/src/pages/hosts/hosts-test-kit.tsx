import { create, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createClient, createRouterTransport, type ServiceImpl } from "@connectrpc/connect";
import { render } from "@testing-library/react";
import { type Host, HostSchema, HostService } from "../../../../gen/pulsar/v1/host_pb";
import { StreamEventSchema } from "../../../../gen/pulsar/v1/stream_pb";
import { LiveStream } from "../../api/stream";
import { StreamContext } from "../../api/use-stream";
import { HostsView } from "./hosts-view";

/** FakeSocket is a WebSocket stand-in: it records what the app sends, and delivers frames. */
export class FakeSocket {
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

/** WEB_1 is the host the tests' ListHosts answers with unless told otherwise. */
export const WEB_1: Host = create(HostSchema, {
  id: "h1",
  hostname: "web-1",
  os: "Debian GNU/Linux 12",
  cores: 4,
  memoryBytes: 8 * 2 ** 30,
  online: true,
  lastSeen: timestampFromMs(Date.now()),
});

/**
 * renderHostsView renders the hosts page over an in-memory HostService (ListHosts answers
 * `hosts`; `service` replaces any method) and a LiveStream over FakeSockets.
 */
export function renderHostsView(
  options: { id?: string; hosts?: Host[]; service?: Partial<ServiceImpl<typeof HostService>> } = {},
) {
  const transport = createRouterTransport(({ service }) => {
    service(HostService, {
      listHosts: () => ({ hosts: options.hosts ?? [WEB_1] }),
      getHostHistory: () => ({ series: [] }),
      ...options.service,
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
      <HostsView
        id={options.id}
        client={createClient(HostService, transport)}
        onUnauthenticated={() => {}}
      />
    </StreamContext.Provider>,
  );
  return { sockets };
}
