import type { X509Certificate } from "node:crypto";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { TLSSocket } from "node:tls";
import {
  CheckErrorKind,
  type CheckResult,
  type CheckTarget,
} from "../../../gen/pulsar/v1/check_pb.js";
import { BlockedAddressError, judgeAddresses, policyFor } from "../../netpolicy/address-policy.js";
import { type Failure, fail } from "../http/errors.js";
import { LoopDelaySampler } from "../http/loop-delay.js";
import { type CheckOptions, DEFAULT_TIMEOUT_MS } from "../http/run-check.js";
import { secureContextFor, tlsVerifyError } from "../http/tls-info.js";
import type { HopMarks } from "../http/waterfall.js";
import { AnswerReader } from "./answer-reader.js";
import { type DialSettings, dial } from "./dial.js";
import {
  closedFailure,
  missingAnswer,
  type TcpPhase,
  tcpNetworkFailure,
  timeoutFailure,
} from "./tcp-failures.js";
import { isPlan, type TcpPlan, tcpPlan } from "./tcp-plan.js";
import { tcpResult } from "./tcp-result.js";

/** Loop delay is a property of the process, not of a check: one sampler serves all. */
const sharedLoopDelay = new LoopDelaySampler();

/**
 * runTcpCheck performs one TCP check of `target.tcp` and measures it: up when the connection
 * is accepted (and, with tls, the handshake succeeds and the certificate is trusted unless
 * ignoreTlsErrors; and, with expect, the answer contains it) within `target.timeoutMs`. It
 * never rejects: a target that is down, slow or unreachable is a result with `up: false`, an
 * `error` in words and an `errorKind`. `monitorId` and `region` are left empty for the caller.
 */
export function runTcpCheck(target: CheckTarget, options: CheckOptions = {}): Promise<CheckResult> {
  return new Promise((resolve) => new TcpRun(target, options, resolve).start());
}

/** TcpRun is the state of one TCP check, until it resolves exactly once. */
class TcpRun {
  readonly #startedAtMs = Date.now();
  readonly #marks: HopMarks;
  readonly #target: CheckTarget;
  readonly #options: CheckOptions;
  readonly #sampler: LoopDelaySampler;
  readonly #timeoutMs: number;
  readonly #resolve: (result: CheckResult) => void;
  #plan: TcpPlan | undefined = undefined;
  #reader: AnswerReader | undefined = undefined;
  #socket: Socket | undefined = undefined;
  #cert: X509Certificate | undefined = undefined;
  #remoteAddress = "";
  /** Connected (and through TLS): what follows is sending and reading. */
  #ready = false;
  #sent = false;
  #timer: NodeJS.Timeout | undefined = undefined;
  #finished = false;
  /** How long after start() the loop came round: the rest of the burst that started us. */
  #startLag = 0;

  constructor(target: CheckTarget, options: CheckOptions, resolve: (result: CheckResult) => void) {
    this.#target = target;
    this.#options = options;
    this.#sampler = options.loopDelay ?? sharedLoopDelay;
    this.#timeoutMs = target.timeoutMs > 0 ? target.timeoutMs : DEFAULT_TIMEOUT_MS;
    this.#resolve = resolve;
    const https = target.tcp?.tls ?? false;
    const start = performance.now();
    this.#marks = { start, dnsEnd: -1, connectEnd: -1, tlsEnd: -1, firstByte: -1, https };
  }

  start(): void {
    this.#sampler.open();
    setImmediate(this.#onFirstTurn);
    if (this.#options.signal?.aborted) {
      this.#onAbort();
      return;
    }
    const plan = tcpPlan(this.#target);
    if (!isPlan(plan)) {
      this.#finish(performance.now(), plan);
      return;
    }
    this.#plan = plan;
    this.#reader = new AnswerReader(plan.expect);
    this.#timer = setTimeout(this.#onTimeout, this.#timeoutMs);
    this.#options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#connect(plan);
  }

  #connect(plan: TcpPlan): void {
    const options = this.#options;
    let settings: DialSettings;
    let socket: Socket | BlockedAddressError;
    try {
      settings = {
        secureContext: secureContextFor(options.secureContext, options.ca),
        lookup: options.lookup,
        policy: options.addressPolicy ?? policyFor(options.blockPrivateTargets ?? false),
      };
      socket = dial(plan, settings, this.#marks);
    } catch (err) {
      // A CA that does not parse, options net or tls refuse: they throw, and a check never
      // rejects.
      this.#fail(err);
      return;
    }
    if (socket instanceof BlockedAddressError) {
      this.#fail(socket);
      return;
    }
    this.#socket = socket;
    socket.on("error", this.#fail);
    // Prepended: with TLS, net's own connect listener starts the handshake, and the address
    // must be judged before anything (a ClientHello included) is written.
    socket.prependOnceListener("connect", () => this.#onConnect(socket, settings));
    if (plan.tls) socket.once("secureConnect", () => this.#onSecure(socket as TLSSocket));
    socket.on("data", this.#onData);
    socket.once("end", this.#onClosed);
    socket.once("close", this.#onClosed);
  }

  #onConnect(socket: Socket, settings: DialSettings): void {
    this.#marks.connectEnd = performance.now();
    // Connected without our lookup reporting (a custom lookup that skipped it): no DNS time.
    if (this.#marks.dnsEnd < 0) this.#marks.dnsEnd = this.#marks.start;
    this.#remoteAddress = socket.remoteAddress ?? "";
    // The last guard: whatever path led here, judge the address actually connected to.
    const blocked = judgeAddresses(settings.policy, this.#where().host, this.#remoteAddress);
    if (blocked !== undefined) {
      this.#finish(performance.now(), tcpNetworkFailure(blocked, "connect", this.#where()));
      return;
    }
    if (!this.#plan?.tls) this.#onReady(this.#marks.connectEnd);
  }

  #onSecure(socket: TLSSocket): void {
    this.#marks.tlsEnd = performance.now();
    // The cheap form of the certificate (getPeerCertificate() computes fingerprints).
    this.#cert = socket.getPeerX509Certificate();
    if (!socket.authorized && !this.#target.ignoreTlsErrors) {
      const code = String(socket.authorizationError ?? "CERT_UNTRUSTED");
      const rejection = tlsVerifyError(code, this.#cert, this.#plan?.host ?? "");
      this.#finish(this.#marks.tlsEnd, tcpNetworkFailure(rejection, "tls", this.#where()));
      return;
    }
    this.#onReady(this.#marks.tlsEnd);
  }

  /** #onReady runs once connected (and through TLS): write, wait for the answer, or be done. */
  #onReady(at: number): void {
    this.#ready = true;
    const plan = this.#plan;
    if (plan === undefined) return;
    if (plan.send === undefined && plan.expect === undefined) {
      this.#finish(at, undefined);
      return;
    }
    if (plan.send === undefined) return;
    this.#socket?.write(plan.send, (err) => {
      if (err) return; // the 'error' event reports it
      this.#sent = true;
      if (plan.expect === undefined) this.#finish(performance.now(), undefined);
    });
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#finished || this.#reader === undefined) return;
    if (this.#marks.firstByte < 0) this.#marks.firstByte = performance.now();
    const verdict = this.#reader.push(chunk);
    const expect = this.#plan?.expect;
    if (verdict === "found") {
      this.#finish(performance.now(), undefined);
    } else if (verdict === "full" && expect !== undefined) {
      this.#finish(performance.now(), missingAnswer(expect, this.#reader.text(), "full"));
    } else if (verdict === "full") {
      // Waiting for our write to flush: what the peer sends meanwhile is not read at all.
      this.#socket?.pause();
    }
  };

  /** The peer ended the connection (or it closed) without an error, before a verdict. */
  readonly #onClosed = (): void => {
    if (this.#finished) return;
    const expect = this.#plan?.expect;
    const failure =
      this.#ready && expect !== undefined
        ? missingAnswer(expect, this.#reader?.text() ?? "", "closed")
        : closedFailure(this.#phase());
    this.#finish(performance.now(), failure);
  };

  readonly #fail = (err: unknown): void => {
    if (this.#finished) return;
    this.#finish(performance.now(), tcpNetworkFailure(err, this.#phase(), this.#where()));
  };

  readonly #onFirstTurn = (): void => {
    this.#startLag = performance.now() - this.#marks.start;
  };

  readonly #onTimeout = (): void => {
    const answer = this.#reader?.text() ?? "";
    const failure = timeoutFailure(this.#timeoutMs, this.#phase(), this.#plan?.expect, answer);
    this.#finish(performance.now(), failure);
  };

  readonly #onAbort = (): void => {
    this.#finish(performance.now(), fail(CheckErrorKind.UNSPECIFIED, "check cancelled"));
  };

  /** #phase is what the check is doing now, for the words of a failure. */
  #phase(): TcpPhase {
    const marks = this.#marks;
    if (marks.dnsEnd < 0) return "dns";
    if (marks.connectEnd < 0) return "connect";
    if (marks.https && marks.tlsEnd < 0) return "tls";
    if (this.#plan?.send !== undefined && !this.#sent && marks.firstByte < 0) return "send";
    return marks.firstByte < 0 ? "answer" : "reading";
  }

  #where(): { host: string; port: number } {
    return { host: this.#plan?.host ?? "", port: this.#plan?.port ?? 0 };
  }

  #finish(end: number, failure: Failure | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    // No error given: an 'error' event now would be one more thing to handle after the verdict.
    this.#socket?.destroy();
    const plan = this.#plan;
    this.#resolve(
      tcpResult({
        startedAtMs: this.#startedAtMs,
        start: this.#marks.start,
        end,
        failure,
        // Without a socket nothing was sent: the few microseconds spent belong to no phase.
        marks: this.#socket === undefined ? undefined : this.#marks,
        reader: this.#reader,
        keepsAnswer: plan !== undefined && (plan.send !== undefined || plan.expect !== undefined),
        cert: this.#cert,
        remoteAddress: this.#remoteAddress,
        loopDelayMs: Math.max(this.#startLag, this.#sampler.close(this.#marks.start)),
      }),
    );
  }
}
