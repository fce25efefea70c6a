import type { Redis } from "ioredis";

/** HandshakeState is what afterHandshake reads of a connection. */
export type HandshakeState = Pick<Redis, "status" | "once" | "off">;

/**
 * afterHandshake settles once a SUBSCRIBE or PSUBSCRIBE sent on `connection` will last.
 *
 * While a connection is in its handshake (ioredis status "connect": socket open, client name
 * and ready check under way), ioredis writes (P)SUBSCRIBE at once instead of queueing it (Redis
 * allows them while it loads). Redis acknowledges the subscription, but the connection is then
 * in subscriber mode, so the ready check's INFO fails; ioredis reconnects and, because that
 * connection was never ready, does not subscribe again. The subscription looks active and every
 * message is lost, without an error. Sent when the connection is ready, or queued while it is
 * connecting or reconnecting (and sent once it is ready), a subscription is kept and re-issued
 * after every reconnect.
 *
 * Resolves at once unless the connection is in its handshake; rejects if it ends before it
 * is ready.
 */
export function afterHandshake(connection: HandshakeState): Promise<void> {
  if (connection.status !== "connect") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = () => {
      connection.off("end", ended);
      resolve();
    };
    const ended = () => {
      connection.off("ready", ready);
      reject(new Error("the Redis connection closed before it was ready"));
    };
    connection.once("ready", ready);
    connection.once("end", ended);
  });
}
