import type { X509Certificate } from "node:crypto";
import net, { type LookupFunction, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import tls, { type SecureContext, type TLSSocket } from "node:tls";
import type { buildConnector } from "undici";
import {
  type AddressPolicy,
  type BlockedAddressError,
  judgeAddresses,
} from "../../netpolicy/address-policy.js";
import { timedLookup } from "./timed-lookup.js";
import { tlsVerifyError } from "./tls-info.js";
import type { HopMarks } from "./waterfall.js";

/** ConnectorHop is the part of a hop the connector reads and fills. */
export interface ConnectorHop extends HopMarks {
  readonly hostname: string;
  readonly ignoreTlsErrors: boolean;
  socket: Socket | undefined;
  remoteAddress: string;
  cert: X509Certificate | undefined;
  /** Set when the certificate was judged untrusted; the hop fails with it. */
  tlsRejection: Error | undefined;
  /** Set when the policy refused the IP literal or the connected address; the hop fails with it. */
  blocked: BlockedAddressError | undefined;
}

/**
 * hopConnector builds the undici connector of one hop: a fresh socket, DNS timed by our own
 * lookup, TLS without session resumption (a check must pay the full handshake it measures),
 * and `connect` / `secureConnect` listeners prepended so that they run before the one that
 * hands the socket to undici, which writes the request at once: their instants are the end of
 * connect and of TLS.
 *
 * With a `policy`, no byte reaches a refused address, judged three times over: an IP literal
 * before any socket exists (net does no lookup for it), every address a name resolves to in
 * the lookup, and the socket's remoteAddress when it connects, before undici can write.
 */
export function hopConnector(
  hop: ConnectorHop,
  secureContext: SecureContext,
  lookup: LookupFunction | undefined,
  policy: AddressPolicy | undefined,
): buildConnector.connector {
  const timed = timedLookup(hop, lookup, policy);
  return (options, callback) => {
    // undici hands over the host without IPv6 brackets: exactly what net will dial.
    if (policy !== undefined && net.isIP(options.hostname) !== 0) {
      const blocked = judgeAddresses(policy, options.hostname, options.hostname);
      if (blocked !== undefined) {
        hop.blocked = blocked;
        // Not synchronously: undici is still inside its own connect() when it calls us.
        queueMicrotask(() => callback(blocked, null));
        return;
      }
    }
    const socket = openSocket(hop.https, options.hostname, Number(options.port), {
      secureContext,
      lookup: timed,
    });
    hop.socket = socket;
    let answered = false;
    const answer = (err: Error | null) => {
      if (answered) return;
      answered = true;
      // Refused at connect: the socket is destroyed, but the connected event, after ours,
      // still fires; the refusal is the real outcome.
      if (err === null && hop.blocked !== undefined) callback(hop.blocked, null);
      else if (err === null && hop.tlsRejection !== undefined) callback(hop.tlsRejection, null);
      else if (err === null) callback(null, socket);
      else callback(err, null);
    };
    socket.once(hop.https ? "secureConnect" : "connect", () => answer(null));
    socket.on("error", answer);
    socket.prependOnceListener("connect", () => {
      hop.connectEnd = performance.now();
      // Connected without our lookup reporting (a custom lookup that skipped it): no DNS time.
      if (hop.dnsEnd < 0) hop.dnsEnd = hop.start;
      hop.remoteAddress = socket.remoteAddress ?? "";
      // The last guard: whatever path led here, judge the address actually connected to, and
      // destroy the socket before undici's listener (after this one) writes the request.
      if (policy === undefined || socket.remoteAddress === undefined) return;
      hop.blocked = judgeAddresses(policy, hop.hostname, socket.remoteAddress);
      if (hop.blocked !== undefined) socket.destroy(hop.blocked);
    });
    if (hop.https) {
      const secure = socket as TLSSocket;
      secure.prependOnceListener("secureConnect", () => {
        hop.tlsEnd = performance.now();
        // Node 20 hands out the peer X509Certificate only once per socket; it is the cheap
        // form (getPeerCertificate() computes fingerprints: ~5x the CPU).
        hop.cert = secure.getPeerX509Certificate();
        if (secure.authorized || hop.ignoreTlsErrors) return;
        const code = String(secure.authorizationError ?? "CERT_UNTRUSTED");
        hop.tlsRejection = tlsVerifyError(code, hop.cert, hop.hostname);
        socket.destroy();
      });
    }
  };
}

/**
 * openSocket dials what undici's own connector would (the same buffer sizes, ALPN and SNI
 * rules) without building one per hop: buildConnector makes a TLS session cache with its own
 * FinalizationRegistry, and a WeakRef per socket for a connect timeout the check does not use
 * (its deadline covers connecting), garbage for every check.
 */
function openSocket(
  https: boolean,
  hostname: string,
  port: number,
  options: { secureContext: SecureContext; lookup: LookupFunction },
): Socket {
  if (https) {
    const secure: WithHighWaterMark<tls.ConnectionOptions> = {
      highWaterMark: 16384,
      secureContext: options.secureContext,
      // Node still judges the certificate (TLSSocket.authorized: chain and hostname) and the
      // secureConnect listener enforces that verdict before a byte of the request is written.
      // Enforcing it ourselves lets us read the certificate first, so a rejected one (expired,
      // say) still reports its expiry date and issuer.
      rejectUnauthorized: false,
      // No SNI for an IP literal (RFC 6066); no session: a check pays the full handshake.
      servername: net.isIP(hostname) === 0 ? hostname : undefined,
      ALPNProtocols: ["http/1.1"],
      lookup: options.lookup,
      port: port > 0 ? port : 443,
      host: hostname,
    };
    // As undici's connector: requests are written whole, never held back by Nagle.
    return tls.connect(secure).setNoDelay(true);
  }
  const plain: WithHighWaterMark<net.TcpNetConnectOpts> = {
    highWaterMark: 64 * 1024,
    lookup: options.lookup,
    port: port > 0 ? port : 80,
    host: hostname,
  };
  return net.connect(plain).setNoDelay(true);
}

/** undici's buffer sizes: Node takes highWaterMark on sockets; its typings do not list it. */
type WithHighWaterMark<T> = T & { highWaterMark: number };
