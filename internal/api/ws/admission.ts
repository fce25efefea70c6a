import type { Duplex } from "node:stream";
import type { Caller } from "../../auth/caller.js";
import type { Logger } from "../../core/logger.js";
import { holderOf, type StreamLease, type StreamLeases } from "./stream-leases.js";

/** AdmissionDeps are the connection counter and its limit (PULSAR_USER_MAX_STREAMS). */
export interface AdmissionDeps {
  leases: StreamLeases;
  maxStreams: number;
  log: Logger;
}

/**
 * takePlace counts a new connection of caller against its member's or API token's limit and
 * ties the place to the socket: it is given back when the socket closes, whatever closes it
 * (ws refusing the handshake, either side closing, a terminate). False when the upgrade was
 * refused instead: 429 naming the limit, or 503 when Redis cannot count. A connection is never
 * let in uncounted: live events travel through Redis too, so without it the connection would
 * stay silent, and a degraded Redis is when a flood of uncounted connections would hurt most.
 */
export async function takePlace(
  deps: AdmissionDeps,
  socket: Duplex,
  caller: Caller,
): Promise<boolean> {
  const holder = holderOf(caller);
  let lease: StreamLease | undefined;
  try {
    lease = await deps.leases.acquire(holder);
  } catch (error) {
    deps.log.warn("counting stream connections failed: refusing the upgrade", { error });
    refuse(socket, 503, "Service Unavailable", "the live stream is unavailable");
    return false;
  }
  if (!lease) {
    refuse(
      socket,
      429,
      "Too Many Requests",
      `${holder.label} already has ${deps.maxStreams} open live-stream connections, the limit (PULSAR_USER_MAX_STREAMS)`,
    );
    return false;
  }
  const taken = lease;
  // Gone while Redis answered: its 'close' may have been emitted already.
  if (socket.destroyed) {
    deps.leases.release(taken);
    return false;
  }
  socket.once("close", () => deps.leases.release(taken));
  return true;
}

/** refuse answers an upgrade with an HTTP error and closes the socket. */
export function refuse(socket: Duplex, status: number, reason: string, body = ""): void {
  const type = body ? "Content-Type: text/plain; charset=utf-8\r\n" : "";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${type}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
