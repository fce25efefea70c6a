import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import type { SecureContext } from "node:tls";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  CheckErrorKind,
  type CheckResult,
  CheckResultSchema,
  type CheckTarget,
} from "../../../gen/pulsar/v1/check_pb.js";
import { type AddressPolicy, policyFor } from "../../netpolicy/address-policy.js";
import {
  type CompiledConditions,
  type ConditionCache,
  compileConditions,
  evaluateConditions,
  needsBody,
  needsHeaders,
} from "../conditions/index.js";
import { conditionFacts } from "./condition-facts.js";
import { type Failure, fail, networkFailure, PHASE_WORDS } from "./errors.js";
import { Hop, type HopSettings } from "./hop.js";
import { judgeConditions, judgeKeyword, judgeStatus } from "./judge.js";
import { LoopDelaySampler } from "./loop-delay.js";
import {
  firstRequest,
  type HopRequest,
  isFailure,
  MAX_REDIRECTS,
  redirectRequest,
} from "./request.js";
import { certExpiresAtMs, certIssuerName, secureContextFor } from "./tls-info.js";
import { waterfall } from "./waterfall.js";

/** CheckOptions are what a check takes besides its target. All are optional. */
export interface CheckOptions {
  /** Cancels the check: it resolves at once, down, with "check cancelled". */
  signal?: AbortSignal;
  /**
   * TLS context shared by every check (building one parses the root store: milliseconds of
   * CPU). Default: one process-wide context trusting Node's root CAs.
   */
  secureContext?: SecureContext;
  /** For tests and private CAs: trust exactly this CA (PEM) instead of the public roots. */
  ca?: string | Buffer;
  /**
   * Resolves host names, with net's lookup signature. Workers pass createDnsLookup's
   * (c-ares, off libuv's thread pool, with its own timeout). Default: node:dns `lookup`
   * (getaddrinfo on the thread pool, where a name whose DNS server does not answer holds a
   * thread for seconds and stalls every lookup queued behind it).
   */
  lookup?: LookupFunction;
  /** Where loop delay is sampled. Default: one sampler shared by the process's checks. */
  loopDelay?: LoopDelaySampler;
  /**
   * Refuses targets that are not globally routable (loopback, private, link-local, …),
   * judged on every address actually connected to, on every hop: a public service must not
   * be a window onto its own network. Such a check is down with CHECK_ERROR_KIND_BLOCKED and
   * nothing is sent. Default false: a self-hosted monitor watches its own network; link-local
   * and cloud metadata addresses are refused either way (alwaysBlockedReason).
   */
  blockPrivateTargets?: boolean;
  /**
   * Replaces the judgement of addresses (see {@link AddressPolicy}); applies even when
   * blockPrivateTargets is off. For tests, whose targets are all loopback.
   */
  addressPolicy?: AddressPolicy;
  /**
   * Where the target's conditions are parsed and kept. Default: one cache shared by the
   * process, so a monitor's conditions are parsed once, not at every check.
   */
  conditionCache?: ConditionCache;
  /** The User-Agent sent unless the target sets its own. Default: USER_AGENT. */
  userAgent?: string;
}

/** DEFAULT_TIMEOUT_MS bounds a check whose target leaves timeoutMs at 0. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Loop delay is a property of the process, not of a check: one sampler serves all. */
const sharedLoopDelay = new LoopDelaySampler();

/**
 * runCheck performs one HTTP(S) check of `target` and measures it. It never rejects: a
 * target that is down, slow or unreachable is a result with `up: false`, an `error` in words
 * and an `errorKind`. `monitorId` and `region` are left empty for the caller to fill.
 */
export function runCheck(target: CheckTarget, options: CheckOptions = {}): Promise<CheckResult> {
  return new Promise((resolve) => new CheckRun(target, options, resolve).start());
}

/** CheckRun is the state of one check across its hops, until it resolves exactly once. */
class CheckRun {
  readonly #startedAtMs = Date.now();
  readonly #t0 = performance.now();
  readonly #target: CheckTarget;
  readonly #signal: AbortSignal | undefined;
  readonly #sampler: LoopDelaySampler;
  readonly #settings: HopSettings;
  readonly #timeoutMs: number;
  readonly #conditions: CompiledConditions;
  readonly #userAgent: string | undefined;
  readonly #resolve: (result: CheckResult) => void;
  #hop: Hop | undefined = undefined;
  #redirects = 0;
  #timer: NodeJS.Timeout | undefined = undefined;
  #finished = false;
  /** How long after start() the loop came round: the rest of the burst that started us. */
  #startLag = 0;

  constructor(target: CheckTarget, options: CheckOptions, resolve: (result: CheckResult) => void) {
    this.#target = target;
    this.#signal = options.signal;
    this.#sampler = options.loopDelay ?? sharedLoopDelay;
    this.#timeoutMs = target.timeoutMs > 0 ? target.timeoutMs : DEFAULT_TIMEOUT_MS;
    this.#resolve = resolve;
    this.#userAgent = options.userAgent;
    this.#conditions = compileConditions(target.conditions, options.conditionCache);
    // Headers and body are kept only for conditions that read them: a check without
    // conditions buffers nothing.
    const conditions = this.#conditions.ok ? this.#conditions.conditions : [];
    this.#settings = {
      secureContext: secureContextFor(options.secureContext, options.ca),
      lookup: options.lookup,
      ignoreTlsErrors: target.ignoreTlsErrors,
      followRedirects: target.followRedirects,
      keyword: target.keyword,
      addressPolicy: options.addressPolicy ?? policyFor(options.blockPrivateTargets ?? false),
      keepHeaders: needsHeaders(conditions),
      keepBody: needsBody(conditions),
    };
  }

  start(): void {
    this.#sampler.open();
    // A scheduler starting many checks in one go delays every socket event of the first ones
    // until the last has started; the sampler's 10 ms ticks would see only part of that.
    setImmediate(this.#onFirstTurn);
    if (this.#signal?.aborted) {
      this.#onAbort();
      return;
    }
    const first = firstRequest(this.#target, this.#userAgent);
    if (isFailure(first)) {
      this.#finish(performance.now(), first);
      return;
    }
    this.#timer = setTimeout(this.#onTimeout, this.#timeoutMs);
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#startHop(first);
  }

  #startHop(request: HopRequest): void {
    const start = this.#hop === undefined ? this.#t0 : performance.now();
    this.#hop = new Hop(request, this.#settings, start, this.#onHopDone);
    this.#hop.send();
  }

  readonly #onHopDone = (hop: Hop): void => {
    if (this.#finished) return;
    const outcome = this.#judge(hop);
    if (outcome === undefined || isFailure(outcome)) {
      this.#finish(hop.end, outcome);
    } else {
      this.#redirects += 1;
      hop.close();
      this.#startHop(outcome);
    }
  };

  /** #judge decides what a finished hop means: a failure, success (undefined), or a next hop. */
  #judge(hop: Hop): Failure | HopRequest | undefined {
    if (hop.error !== undefined) {
      return networkFailure(hop.error, {
        phase: hop.phase,
        hostname: hop.hostname,
        port: hop.port,
      });
    }
    if (hop.location !== undefined) {
      if (this.#redirects >= MAX_REDIRECTS) {
        return fail(CheckErrorKind.REDIRECT, `too many redirects (more than ${MAX_REDIRECTS})`);
      }
      return redirectRequest(hop.request, hop.statusCode, hop.location);
    }
    // Status, then keyword, then conditions: the first that fails is the check's failure.
    const { expectedStatus, keyword, invertKeyword } = this.#target;
    const statusFailure = judgeStatus(hop.statusCode, expectedStatus);
    if (statusFailure !== undefined) return statusFailure;
    if (hop.scanner !== undefined && keyword !== undefined) {
      const keywordFailure = judgeKeyword(keyword, invertKeyword, hop.scanner.found);
      if (keywordFailure !== undefined) return keywordFailure;
    }
    return this.#judgeConditions(hop);
  }

  #judgeConditions(hop: Hop): Failure | undefined {
    const compiled = this.#conditions;
    if (!compiled.ok) return fail(CheckErrorKind.CONDITION, compiled.error);
    if (compiled.conditions.length === 0) return undefined;
    // The hop has ended: its end is the check's end, as in the result's timing.
    const facts = conditionFacts(hop, hop.end - this.#t0, Date.now());
    return judgeConditions(evaluateConditions(compiled.conditions, facts));
  }

  readonly #onFirstTurn = (): void => {
    this.#startLag = performance.now() - this.#t0;
  };

  readonly #onTimeout = (): void => {
    const doing = this.#hop === undefined ? "" : ` (${PHASE_WORDS[this.#hop.phase]})`;
    const words = `timeout after ${this.#timeoutMs} ms${doing}`;
    this.#finish(performance.now(), fail(CheckErrorKind.TIMEOUT, words));
  };

  readonly #onAbort = (): void => {
    this.#finish(performance.now(), fail(CheckErrorKind.UNSPECIFIED, "check cancelled"));
  };

  #finish(end: number, failure: Failure | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this.#onAbort);
    const hop = this.#hop;
    hop?.close();
    const loopDelayMs = Math.max(this.#startLag, this.#sampler.close(this.#t0));
    const cert = hop?.cert;
    const expiresAtMs = cert === undefined ? undefined : certExpiresAtMs(cert);
    this.#resolve(
      create(CheckResultSchema, {
        checkedAt: timestampFromMs(this.#startedAtMs),
        up: failure === undefined,
        statusCode: hop?.statusCode ?? 0,
        error: failure?.error ?? "",
        errorKind: failure?.kind ?? CheckErrorKind.UNSPECIFIED,
        timing: waterfall(this.#t0, hop, end),
        responseBytes: BigInt(hop?.bytes ?? 0),
        tlsCertExpiresAt: expiresAtMs === undefined ? undefined : timestampFromMs(expiresAtMs),
        tlsCertIssuer: cert === undefined ? "" : certIssuerName(cert),
        redirectCount: this.#redirects,
        remoteAddress: hop?.remoteAddress ?? "",
        loopDelayMs,
      }),
    );
  }
}
