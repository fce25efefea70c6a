import type { X509Certificate } from "node:crypto";
import net, { type LookupFunction, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { SecureContext } from "node:tls";
import { Client, type Dispatcher } from "undici";
import type { AddressPolicy, BlockedAddressError } from "../../netpolicy/address-policy.js";
import { CONDITION_BODY_BYTES } from "../conditions/index.js";
import { KeywordScanner, MAX_BODY_BYTES } from "./body.js";
import { BodyWindow } from "./body-window.js";
import { type ConnectorHop, hopConnector } from "./connector.js";
import type { Phase } from "./errors.js";
import { type HopRequest, isRedirect } from "./request.js";

/** HopSettings are the parts of a check every hop needs. */
export interface HopSettings {
  readonly secureContext: SecureContext;
  /** Resolves names; undefined means node:dns lookup. */
  readonly lookup: LookupFunction | undefined;
  readonly ignoreTlsErrors: boolean;
  /** When true a redirect response ends the hop at its headers, with `location` set. */
  readonly followRedirects: boolean;
  /** Searched for in the body of a final (non-redirect) response when set and non-empty. */
  readonly keyword: string | undefined;
  /** Judges every address a hop connects to (redirect hops too); undefined allows all. */
  readonly addressPolicy: AddressPolicy | undefined;
  /** Keep the final response's headers: a condition reads them. */
  readonly keepHeaders: boolean;
  /** Keep the first CONDITION_BODY_BYTES of the final response's body: a condition reads it. */
  readonly keepBody: boolean;
}

/** Passed to undici when a check stops a hop; shared, so stopping allocates no Error. */
const STOPPED = new Error("pulsar: check finished with this hop");
const noop = () => {};

/**
 * Hop is one request on a fresh connection: its own undici Client (keep-alive reuse would
 * hide connect and TLS), its own connector, and itself as the undici dispatch handler, so
 * each event is tied to its check without any process-wide correlation. `onDone` is called
 * once, when the response ended, failed, or stopped at a redirect's headers.
 */
export class Hop implements ConnectorHop, Dispatcher.DispatchHandler {
  readonly start: number;
  dnsEnd = -1;
  connectEnd = -1;
  tlsEnd = -1;
  firstByte = -1;
  /** When the hop ended (response complete, failure, or redirect headers). */
  end = -1;
  readonly https: boolean;
  readonly hostname: string;
  readonly ignoreTlsErrors: boolean;
  socket: Socket | undefined = undefined;
  remoteAddress = "";
  cert: X509Certificate | undefined = undefined;
  tlsRejection: Error | undefined = undefined;
  blocked: BlockedAddressError | undefined = undefined;

  statusCode = 0;
  /** Location of a redirect that should be followed. */
  location: string | undefined = undefined;
  /** Body bytes received, all of them, not only the searched window; up to MAX_BODY_BYTES
   *  and the chunk that reached it. */
  bytes = 0;
  /** Why the hop failed; undefined on success. */
  error: unknown = undefined;
  scanner: KeywordScanner | undefined = undefined;
  /** The final response's headers, when settings.keepHeaders (undici bounds their size). */
  headers: Record<string, string | string[] | undefined> | undefined = undefined;
  /** The head of the final response's body, when settings.keepBody. */
  body: BodyWindow | undefined = undefined;

  readonly #client: Client;
  readonly #settings: HopSettings;
  readonly #onDone: (hop: Hop) => void;
  #done = false;

  /**
   * `start` is when the hop's clock starts: the check's own start for the first hop, so that
   * setting up the request counts as DNS rather than as redirect time.
   */
  constructor(
    readonly request: HopRequest,
    settings: HopSettings,
    start: number,
    onDone: (hop: Hop) => void,
  ) {
    const { url } = request;
    this.start = start;
    this.https = url.protocol === "https:";
    // URL keeps IPv6 literals in brackets; net and the words want them bare.
    this.hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    this.ignoreTlsErrors = settings.ignoreTlsErrors;
    if (net.isIP(this.hostname) !== 0) this.dnsEnd = this.start;
    this.#settings = settings;
    this.#onDone = onDone;
    this.#client = new Client(url.origin, {
      connect: hopConnector(this, settings.secureContext, settings.lookup, settings.addressPolicy),
      // The check's own deadline bounds the whole hop; undici's timers would be extra work.
      headersTimeout: 0,
      bodyTimeout: 0,
      // The socket is never reused (close() ends it), so a server's short keep-alive must not
      // make undici end it first: with its default 2 s margin a server answering "Keep-Alive:
      // timeout=1" (or 2) has every socket destroyed with a fresh Error, whose stack Node then
      // formats, a tenth of a check's CPU.
      keepAliveTimeoutThreshold: 0,
    });
  }

  /** port is the TCP port the hop connects to. */
  get port(): number {
    return this.request.url.port !== "" ? Number(this.request.url.port) : this.https ? 443 : 80;
  }

  /** phase is what the hop was doing when it ended (or is doing now). */
  get phase(): Phase {
    if (this.dnsEnd < 0) return "dns";
    if (this.connectEnd < 0) return "connect";
    if (this.https && this.tlsEnd < 0) return "tls";
    if (this.firstByte < 0) return "response";
    return "body";
  }

  /** send dispatches the request; the outcome arrives through onDone. */
  send(): void {
    const { url, method, headers, body } = this.request;
    // No `reset: true` ("connection: close"), though the socket serves one request: undici
    // would then destroy it with a fresh Error, whose stack Node formats on destroy, a tenth of
    // a check's CPU. close() ends the connection right after the response instead.
    this.#client.dispatch(
      { path: url.pathname + url.search, method, headers, body: body ?? null },
      this,
    );
  }

  /** close releases the connection, whatever state it is in; safe to call more than once. */
  close(): void {
    this.#done = true;
    // Deferred: close is often reached from inside an undici callback, and destroying a
    // client under its own parser is asking for re-entrancy trouble.
    // Destroying with the shared STOPPED error (not none) also spares undici from making a
    // SocketError of its own when it sees the socket close.
    queueMicrotask(() => {
      this.socket?.destroy(STOPPED);
      this.#client.destroy(STOPPED, noop);
    });
  }

  onRequestStart(): void {}

  /** Not in the v2 handler API, but undici 7 forwards it: the first byte, before parsing. */
  onResponseStarted(): void {
    if (this.firstByte < 0) this.firstByte = performance.now();
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx informational: the real response follows
    this.statusCode = statusCode;
    if (this.#settings.followRedirects && isRedirect(statusCode)) {
      const location = headers.location;
      this.location = Array.isArray(location) ? location[0] : location;
      if (this.location !== undefined) {
        // The redirect's body is of no interest: stop here, the next hop starts now.
        this.#finish(undefined);
        controller.abort(STOPPED);
        return;
      }
    }
    const { keyword, keepHeaders, keepBody } = this.#settings;
    if (keyword !== undefined && keyword !== "") this.scanner = new KeywordScanner(keyword);
    if (keepHeaders) this.headers = headers;
    if (keepBody) this.body = new BodyWindow(CONDITION_BODY_BYTES);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#done) return;
    this.bytes += chunk.length;
    this.scanner?.push(chunk);
    this.body?.push(chunk);
    if (this.bytes >= MAX_BODY_BYTES) {
      // Enough: the response is judged on what was read, and the connection closed.
      this.#finish(undefined);
      controller.abort(STOPPED);
    }
  }

  onResponseEnd(): void {
    this.#finish(undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    // The hop's own TLS verdict is the real cause of the connect error undici reports, and
    // the hop ended when that verdict was given.
    // Likewise a refused address is the cause, whatever undici made of the destroyed socket.
    if (this.blocked !== undefined) this.#finish(this.blocked);
    else if (this.tlsRejection !== undefined) this.#finish(this.tlsRejection, this.tlsEnd);
    else this.#finish(err);
  }

  #finish(error: unknown, end = performance.now()): void {
    if (this.#done) return;
    this.#done = true;
    this.end = end;
    this.error = error;
    this.#onDone(this);
  }
}
