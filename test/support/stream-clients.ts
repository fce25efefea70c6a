// Helpers shared by the gateway's tests and the stream benchmark. Not imported by production code.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { WebSocket } from "ws";
import {
  CpuSampleSchema,
  type HostSample,
  HostSampleSchema,
  MemorySampleSchema,
} from "../../gen/pulsar/v1/host_pb.js";
import { authorizeUpgrade } from "../../internal/api/ws/authorize.js";
import {
  createStreamGateway,
  type StreamGateway,
  type StreamGatewayDeps,
} from "../../internal/api/ws/gateway.js";

/** Frame is the JSON a client receives, as far as the tests look into it. */
export interface Frame {
  topic: string;
  replay: boolean;
  hostSample?: { hostId: string; hostname: string; sampledAt: string };
  checkResult?: { monitorId: string; checkedAt: string; up?: boolean };
  error?: { code: string; message: string };
}

/** TestClient is a real ws client that records every frame it receives. */
export interface TestClient {
  socket: WebSocket;
  frames: Frame[];
  /** send writes a request object as JSON, or a string as is. */
  send(request: object | string): void;
  /** waitFor resolves once the recorded frames satisfy `done`; rejects after timeoutMs. */
  waitFor(done: (frames: Frame[]) => boolean, timeoutMs?: number): Promise<Frame[]>;
  /** closed resolves with the close code and reason once the connection has closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/** bearerHeaders are the handshake headers of a client holding token. */
export function bearerHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * connectClient opens a WebSocket to url with the given handshake headers (credentials, say
 * bearerHeaders(apiToken)) and waits until it is open.
 */
export async function connectClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<TestClient> {
  const socket = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  socket.on("message", (data) => {
    frames.push(JSON.parse(String(data)) as Frame);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return {
    socket,
    frames,
    closed,
    send: (request) => socket.send(typeof request === "string" ? request : JSON.stringify(request)),
    waitFor(done, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done(frames)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(frames);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out with ${frames.length} frames: ${JSON.stringify(frames.slice(-3))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** GatewayServer is a gateway served by a real HTTP server on 127.0.0.1 and a free port. */
export interface GatewayServer {
  gateway: StreamGateway;
  server: Server;
  /** The ws:// URL of /ws. */
  url: string;
  /** close closes the gateway (clients get 1001), then the server. */
  close(): Promise<void>;
}

/**
 * upgradeStatus tries a handshake with the given headers and resolves with the HTTP status
 * that refused it, or 101 when the connection opened (it is then closed at once).
 */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once("open", () => {
      resolve(101);
      socket.terminate();
    });
    // Aborting a refused handshake emits an error too: the promise has settled by then.
    socket.on("error", (error) => reject(error));
  });
}

/**
 * GatewayTestDeps are a gateway's deps where authorize defaults to the API's own
 * (authorizeUpgrade against deps.pool: real tokens and sessions) and sharedHosts to true.
 */
export type GatewayTestDeps = Omit<StreamGatewayDeps, "authorize" | "sharedHosts"> &
  Partial<Pick<StreamGatewayDeps, "authorize" | "sharedHosts">>;

/** listenGateway starts an HTTP server whose upgrades go to a new gateway built from deps. */
export async function listenGateway(deps: GatewayTestDeps): Promise<GatewayServer> {
  const gateway = createStreamGateway({
    ...deps,
    authorize: deps.authorize ?? authorizeUpgrade({ pool: deps.pool, log: deps.log }),
    sharedHosts: deps.sharedHosts ?? true,
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on("upgrade", gateway.handleUpgrade);
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve),
  );
  await gateway.ready;
  const { port } = server.address() as AddressInfo;
  return {
    gateway,
    server,
    url: `ws://127.0.0.1:${port}/ws`,
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** hostSample builds a sample of hostId taken at sampledAtMs; `init` sets other fields. */
export function hostSample(
  hostId: string,
  sampledAtMs: number,
  init: MessageInitShape<typeof HostSampleSchema> = {},
): HostSample {
  const sample = create(HostSampleSchema, init);
  sample.hostId = hostId;
  sample.hostname ||= `${hostId}.example`;
  sample.sampledAt ??= timestampFromMs(sampledAtMs);
  sample.cpu ??= create(CpuSampleSchema, { totalPercent: 12.5, perCorePercent: [10, 15] });
  sample.memory ??= create(MemorySampleSchema, { totalBytes: 8e9, usedBytes: 2e9 });
  return sample;
}
