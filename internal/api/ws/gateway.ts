import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Redis } from "ioredis";
import { type WebSocket, WebSocketServer } from "ws";
import { readCredentials } from "../../auth/authenticate.js";
import type { Caller } from "../../auth/caller.js";
import { decodeRevocation, revocationChannel, revokes } from "../../auth/revocations.js";
import { crossOriginReason } from "../../auth/same-origin.js";
import { PermissionDeniedError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { Queryable } from "../../db/pool.js";
import type { Topic } from "../../stream/topics.js";
import { refuse, takePlace } from "./admission.js";
import { headerReader } from "./authorize.js";
import { CLOSE_POLICY_VIOLATION, StreamClient } from "./client.js";
import { afterHandshake } from "./handshake.js";
import { createHub } from "./hub.js";
import { type ReplayScope, replayPages } from "./replay.js";
import { createStreamLeases } from "./stream-leases.js";

export { CLOSE_POLICY_VIOLATION } from "./client.js";

/** StreamGatewayDeps are what the gateway uses; the caller opens and closes the connections. */
export interface StreamGatewayDeps {
  /** Postgres, for the monitors' last results (monitor_state) replayed on subscribe. */
  pool: Queryable;
  /** A dedicated connection: it enters subscriber mode and can run no other command. */
  subscriber: Pick<
    Redis,
    "psubscribe" | "punsubscribe" | "subscribe" | "unsubscribe" | "on" | "once" | "off" | "status"
  >;
  /**
   * A command connection, for the host rings replayed on subscribe and the count of open
   * connections per member or API token (shared by every API process).
   */
  redis: Pick<Redis, "smembers" | "pipeline" | "eval" | "zrem">;
  /** Key prefix of the stream channels and host rings (as given to the publisher). */
  prefix: string;
  /** PULSAR_SHARED_HOSTS: every organization also receives the shared hosts' events. */
  sharedHosts: boolean;
  /**
   * authorize resolves who opens a connection (see authorizeUpgrade): undefined refuses it
   * with 401; a PermissionDeniedError (a worker token, say) refuses it with 403.
   */
  authorize: (req: IncomingMessage) => Promise<Caller | undefined>;
  log: Logger;
  /**
   * Ping interval; a client that has not answered the previous ping is dropped. 30 s. Each
   * beat also extends this process's connection leases, which last three beats: the places of
   * a process that died without closing its connections are free again within 90 s.
   */
  heartbeatMs?: number;
  /**
   * PULSAR_USER_MAX_STREAMS: open connections per signed-in member (all their sessions) or per
   * API token, over every API process; one more is refused with 429. 20.
   */
  maxStreamsPerUser?: number;
  /** Frames (any kind) a client may send per second on average; past it, 1008. 10. */
  framesPerSecond?: number;
  /** Frames a client may send at once before framesPerSecond applies. 20. */
  frameBurst?: number;
  /** Replays one connection may have read and sent at once, over all its topics. 4. */
  maxReplaysInFlight?: number;
  /** Bytes the server may hold for one client before closing it with 1013. 1 MiB. */
  maxBufferedBytes?: number;
  /** Largest client frame answered with an error frame; 4× this closes with 1009. 16 KiB. */
  maxFrameBytes?: number;
  /** Topics one connection may subscribe to. 100. */
  maxTopics?: number;
  /** How long close() waits for clients to acknowledge 1001 before cutting them. 2 s. */
  closeGraceMs?: number;
}

/** StreamGateway serves the live stream on /ws of the API's HTTP server. */
export interface StreamGateway {
  /** handleUpgrade is the listener of the HTTP server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** ready settles once the Redis pattern subscription is active. */
  ready: Promise<void>;
  /** clientCount is the number of open connections. */
  clientCount(): number;
  /** close refuses new connections, closes every client with 1001 and detaches from Redis. */
  close(): Promise<void>;
}

/** STREAM_PATH is where the gateway answers WebSocket upgrades. */
export const STREAM_PATH = "/ws";

/** CLOSE_GOING_AWAY is the close code sent to clients when the server shuts down. */
export const CLOSE_GOING_AWAY = 1001;

/**
 * createStreamGateway builds the WebSocket gateway without listening: cmd/api wires its
 * handleUpgrade to the server, tests to a server on port 0. Frames are described in
 * proto/pulsar/v1/stream.proto and the README ("Live stream").
 */
export function createStreamGateway(deps: StreamGatewayDeps): StreamGateway {
  const maxFrameBytes = deps.maxFrameBytes ?? 16 * 1024;
  const heartbeatMs = deps.heartbeatMs ?? 30_000;
  const maxStreams = deps.maxStreamsPerUser ?? 20;
  const { log } = deps;
  // Frames between the soft and the hard limit get an error frame and the connection stays;
  // ws refuses to buffer anything larger (closing with 1009), so a client cannot make the
  // server hold an arbitrarily large message just to answer it.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxFrameBytes * 4,
    clientTracking: false,
    perMessageDeflate: false,
  });
  const hub = createHub(deps);
  const clients = new Set<StreamClient>();
  const clientOptions = {
    registry: hub,
    replayPages: (topic: Topic, scope: ReplayScope) => replayPages(deps, topic, scope),
    sharedHosts: deps.sharedHosts,
    log,
    maxFrameBytes,
    maxTopics: deps.maxTopics ?? 100,
    maxBufferedBytes: deps.maxBufferedBytes ?? 1024 * 1024,
    frameRate: { perSecond: deps.framesPerSecond ?? 10, burst: deps.frameBurst ?? 20 },
    maxReplaysInFlight: deps.maxReplaysInFlight ?? 4,
  };
  const leases = createStreamLeases({
    redis: deps.redis,
    prefix: deps.prefix,
    limit: maxStreams,
    leaseMs: 3 * heartbeatMs,
    log,
  });
  let closing: Promise<void> | undefined;

  const connected = (socket: WebSocket, caller: Caller) => {
    // An upgrade whose authorize() settled after close() began.
    if (closing) return socket.close(CLOSE_GOING_AWAY, "server shutting down");
    const client = new StreamClient(socket, caller, clientOptions);
    clients.add(client);
    // Every frame counts against the client's rate: a flood of pings (each answered with a
    // pong) or of unsolicited pongs costs as much as one of requests.
    socket.on("message", (data, isBinary) => client.handleFrame(data, isBinary));
    socket.on("ping", () => client.countFrame());
    socket.on("pong", () => {
      client.alive = true;
      client.countFrame();
    });
    socket.on("error", (error) => log.debug("stream client error", { error }));
    socket.once("close", () => {
      clients.delete(client);
      client.dispose();
    });
  };

  // A signed-out session or a revoked token must not keep its stream: every API process hears
  // the revocation and closes the connections opened with it (policy violation, 1008).
  const revocations = revocationChannel(deps.prefix);
  const onRevocation = (channel: Buffer, message: Buffer) => {
    if (channel.toString() !== revocations) return;
    const revocation = decodeRevocation(message);
    if (!revocation) return;
    for (const client of clients) {
      if (revokes(revocation, client.caller)) {
        client.socket.close(CLOSE_POLICY_VIOLATION, "credentials revoked");
      }
    }
  };
  deps.subscriber.on("messageBuffer", onRevocation);
  // Not while the connection is in its handshake: ioredis would drop the subscription.
  let revocationsSubscribed = false;
  const revocationsReady = afterHandshake(deps.subscriber)
    .then(() => {
      if (closing) return;
      revocationsSubscribed = true;
      return deps.subscriber.subscribe(revocations);
    })
    .then(() => undefined);
  revocationsReady.catch((error: unknown) =>
    log.error("subscribing to credential revocations failed", { error }),
  );

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
    leases.refresh().catch((error: unknown) => {
      log.warn("refreshing stream connection leases failed", { error });
    });
  }, heartbeatMs);
  heartbeat.unref();

  const admission = { leases, maxStreams, log };
  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer, caller: Caller) => {
    if (closing) return refuse(socket, 503, "Service Unavailable");
    if (!(await takePlace(admission, socket, caller))) return;
    wss.handleUpgrade(req, socket, head, (ws) => connected(ws, caller));
  };

  return {
    ready: Promise.all([hub.ready, revocationsReady]).then(() => undefined),
    clientCount: () => clients.size,
    handleUpgrade(req, socket, head) {
      // Until ws takes the socket over, a reset must not become an unhandled 'error'.
      socket.on("error", () => {});
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path !== STREAM_PATH) return refuse(socket, 404, "Not Found");
      if (closing) return refuse(socket, 503, "Service Unavailable");
      const header = headerReader(req);
      // Browsers send cookies with a WebSocket handshake from any site and CORS does not apply
      // to it: a cookie-authenticated upgrade must come from our own origin (cross-site
      // WebSocket hijacking). A bearer token cannot be attached by another site.
      if (readCredentials(header).kind === "session") {
        const crossOrigin = crossOriginReason(header);
        if (crossOrigin) {
          log.info("refusing a cross-origin stream connection", { reason: crossOrigin });
          return refuse(socket, 403, "Forbidden");
        }
      }
      deps
        .authorize(req)
        .then(
          (caller) => {
            if (!caller) return refuse(socket, 401, "Unauthorized");
            return upgrade(req, socket, head, caller);
          },
          (error: unknown) => {
            if (error instanceof PermissionDeniedError) return refuse(socket, 403, "Forbidden");
            log.error("authorizing a stream connection failed", { error });
            refuse(socket, 500, "Internal Server Error");
          },
        )
        .catch((error: unknown) => {
          log.error("upgrading a stream connection failed", { error });
          socket.destroy();
        });
    },
    close() {
      closing ??= closeAll();
      return closing;
    },
  };

  async function closeAll(): Promise<void> {
    clearInterval(heartbeat);
    hub.stop();
    deps.subscriber.off("messageBuffer", onRevocation);
    if (revocationsSubscribed) deps.subscriber.unsubscribe(revocations).catch(() => {});
    const closed = [...clients].map(
      (client) => new Promise<void>((resolve) => client.socket.once("close", () => resolve())),
    );
    for (const client of clients) client.socket.close(CLOSE_GOING_AWAY, "server shutting down");
    // A client that never answers the close handshake must not hold up the shutdown.
    const grace = setTimeout(() => {
      for (const client of clients) client.socket.terminate();
    }, deps.closeGraceMs ?? 2000);
    await Promise.all(closed);
    clearTimeout(grace);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}
