import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { type ContextValues, createContextKey, createContextValues } from "@connectrpc/connect";

/** ClientInfo is what the HTTP layer knows about who sent a request. */
export interface ClientInfo {
  /** The client's IP: the socket's peer, or the proxy's X-Forwarded-For when trusted. */
  ip: string;
  /** Whether the client reached us over HTTPS (directly, or at a trusted proxy). */
  secure: boolean;
}

/** NodeRequest is what clientInfoOf reads of an HTTP/1.1 or HTTP/2 request. */
export interface NodeRequest {
  socket: Socket | TLSSocket;
  headers: IncomingHttpHeaders;
}

/** clientInfoKey holds a request's ClientInfo in its Connect context values. */
export const clientInfoKey = createContextKey<ClientInfo>(
  { ip: "unknown", secure: false },
  { description: "the client's address and scheme" },
);

/**
 * clientInfoOf reads a Node request. Behind a reverse proxy (trustProxy) the client is the
 * last address the proxy appended to X-Forwarded-For: earlier entries are whatever the client
 * sent and could be forged to dodge per-IP limits.
 */
export function clientInfoOf(req: NodeRequest, trustProxy: boolean): ClientInfo {
  const socketIp = req.socket.remoteAddress ?? "unknown";
  const tls = (req.socket as Partial<TLSSocket>).encrypted === true;
  if (!trustProxy) return { ip: socketIp, secure: tls };
  const forwarded = headerText(req.headers["x-forwarded-for"])?.split(",").at(-1)?.trim();
  const proto = headerText(req.headers["x-forwarded-proto"])?.split(",")[0]?.trim();
  return { ip: forwarded || socketIp, secure: tls || proto === "https" };
}

/** clientContextValues is the connectNodeAdapter `contextValues` hook that records ClientInfo. */
export function clientContextValues(trustProxy: boolean): (req: NodeRequest) => ContextValues {
  return (req) => createContextValues().set(clientInfoKey, clientInfoOf(req, trustProxy));
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}
