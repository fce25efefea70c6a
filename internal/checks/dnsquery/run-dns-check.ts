import dns from "node:dns";
import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  CheckErrorKind,
  type CheckResult,
  CheckResultSchema,
  type CheckTarget,
  type DnsSpec,
} from "../../../gen/pulsar/v1/check_pb.js";
import { type AddressPolicy, policyFor } from "../../netpolicy/address-policy.js";
import { hostPort } from "./dns-server.js";
import { existsButNxdomainExpected, judgeRecords, noRecords } from "./expectation.js";
import { type Failure, fail, quote } from "./failure.js";
import { answerText, formatRecords } from "./format-records.js";
import {
  errorCode,
  type QueryContext,
  queryFailure,
  serverWords,
  timeoutFailure,
} from "./query-failure.js";
import { queryRecords } from "./query-records.js";
import { type Query, readQuery } from "./read-query.js";
import { findServerAddress } from "./server-address.js";

/** DnsCheckOptions are what a DNS check takes besides its target. All are optional. */
export interface DnsCheckOptions {
  /** Cancels the check: it resolves at once, down, with "check cancelled". */
  signal?: AbortSignal;
  /**
   * The worker's resolvers ("host[:port]", as dns.setServers takes them), asked when the
   * monitor names no server. Default: the process's, dns.getServers().
   */
  servers?: readonly string[];
  /**
   * Resolves a server given as a host name, with net's lookup signature (workers pass
   * createDnsLookup's). Default: node:dns `lookup`.
   */
  lookup?: LookupFunction;
  /**
   * Refuses a monitor's own server at an address that is not globally routable, as the HTTP
   * check refuses targets: down with CHECK_ERROR_KIND_BLOCKED and no packet sent. Link-local
   * and cloud metadata addresses are refused either way. The worker's resolvers are never
   * judged: the operator chose them.
   */
  blockPrivateTargets?: boolean;
  /** Replaces the judgement of a server's address (policyFor(blockPrivateTargets)); for tests. */
  addressPolicy?: AddressPolicy;
}

/** DEFAULT_TIMEOUT_MS bounds a check whose target leaves timeoutMs at 0. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Each server is asked twice, so that one lost UDP packet does not fail the check. c-ares
 * (1.34, Node 20 and 24) waits about twice its timeout for a try's answer, with jitter, so two
 * tries take about four times it per server: that much is fitted into the check's timeout, and
 * the check's own timer stops whatever is left when it runs out.
 */
const TRIES = 2;
const TIMEOUT_SHARES = 4;

/**
 * runDnsCheck performs one DNS check of `target.dns`: one query of one record type, to the
 * monitor's server or the worker's resolvers, judged as DnsSpec says. It never rejects: a
 * failure is a result with `up: false`, an `error` in words and an `errorKind`. The answer's
 * records are in `answer`, one per line, sorted. The whole check, resolving a server's name
 * included, is timed as DNS (`timing.dnsMs` = `timing.totalMs`) and bounded by timeoutMs.
 * `monitorId` and `region` are left empty for the caller to fill.
 */
export function runDnsCheck(
  target: CheckTarget,
  options: DnsCheckOptions = {},
): Promise<CheckResult> {
  return new Promise((resolve) => new DnsCheckRun(target, options, resolve).start());
}

/** What a query that was run tells: the records, or the failure, and the records shown. */
interface Outcome {
  readonly failure: Failure | undefined;
  readonly records: readonly string[];
}

/** DnsCheckRun is the state of one DNS check until it resolves exactly once. */
class DnsCheckRun {
  readonly #startedAtMs = Date.now();
  readonly #t0 = performance.now();
  readonly #target: CheckTarget;
  readonly #options: DnsCheckOptions;
  readonly #timeoutMs: number;
  readonly #resolve: (result: CheckResult) => void;
  #resolver: dns.promises.Resolver | undefined = undefined;
  #timer: NodeJS.Timeout | undefined = undefined;
  #finished = false;
  /** What the check is waiting for, for the words of a timeout. */
  #waitingFor = "";
  /** The custom server's address, once known ("127.0.0.1:53"). */
  #remote = "";

  constructor(
    target: CheckTarget,
    options: DnsCheckOptions,
    resolve: (result: CheckResult) => void,
  ) {
    this.#target = target;
    this.#options = options;
    this.#timeoutMs = target.timeoutMs > 0 ? target.timeoutMs : DEFAULT_TIMEOUT_MS;
    this.#resolve = resolve;
  }

  start(): void {
    const { signal } = this.#options;
    if (signal?.aborted) {
      this.#onAbort();
      return;
    }
    const query = readQuery(this.#target.dns);
    if ("failure" in query) {
      this.#finish({ failure: query.failure, records: [] });
      return;
    }
    this.#timer = setTimeout(this.#onTimeout, this.#timeoutMs);
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#run(query).then(
      (outcome) => this.#finish(outcome),
      // Nothing in #run should throw; if it does, the check still ends, down, in words.
      (err: unknown) => {
        const failure = fail(CheckErrorKind.UNSPECIFIED, `DNS check failed: ${quote(String(err))}`);
        this.#finish({ failure, records: [] });
      },
    );
  }

  /** #run asks the question; its outcome is dropped if the check already ended. */
  async #run({ spec, type, server }: Query): Promise<Outcome> {
    let servers: readonly string[];
    if (server === undefined) {
      servers = this.#options.servers ?? dns.getServers();
    } else {
      this.#waitingFor = `resolving the DNS server ${server.host}`;
      const policy =
        this.#options.addressPolicy ?? policyFor(this.#options.blockPrivateTargets ?? false);
      const found = await findServerAddress(server, this.#options.lookup ?? dns.lookup, policy);
      if (typeof found !== "string") return { failure: found, records: [] };
      this.#remote = hostPort(found, server.port);
      servers = [this.#remote];
    }
    const where = server === undefined ? undefined : this.#remote;
    this.#waitingFor = `no answer from ${serverWords(where)}`;
    const resolver = this.#newResolver(servers);
    if (typeof resolver === "string")
      return { failure: fail(CheckErrorKind.UNSPECIFIED, resolver), records: [] };
    try {
      const records = formatRecords(await queryRecords(resolver, spec.name, type));
      const failure = spec.expectNxdomain
        ? existsButNxdomainExpected(spec.name, type, records)
        : judgeRecords(spec.name, type, records, spec);
      return { failure, records };
    } catch (err) {
      const ctx = { name: spec.name, type, server: where, timeoutMs: this.#timeoutMs };
      return { failure: judgeError(err, spec, ctx), records: [] };
    }
  }

  /** #newResolver makes this check's resolver, or says why the servers are unusable. */
  #newResolver(servers: readonly string[]): dns.promises.Resolver | string {
    const perServer = this.#timeoutMs / (TIMEOUT_SHARES * Math.max(1, servers.length));
    const resolver = new dns.promises.Resolver({
      timeout: Math.max(1, Math.floor(perServer)),
      tries: TRIES,
    });
    this.#resolver = resolver;
    if (servers.length === 0) return resolver; // c-ares then asks 127.0.0.1, as libc would
    try {
      resolver.setServers([...servers]);
      return resolver;
    } catch (err) {
      return `unusable DNS servers ${quote(servers.join(", "))} (${errorCode(err) || String(err)})`;
    }
  }

  readonly #onTimeout = (): void => {
    this.#finish({ failure: timeoutFailure(this.#timeoutMs, this.#waitingFor), records: [] });
  };

  readonly #onAbort = (): void => {
    this.#finish({ failure: fail(CheckErrorKind.UNSPECIFIED, "check cancelled"), records: [] });
  };

  #finish(outcome: Outcome): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    // Stops the queries of a check that timed out or was cancelled (they fail ECANCELLED, and
    // #run's outcome is then dropped above); a no-op once the answer is in.
    this.#resolver?.cancel();
    const totalMs = performance.now() - this.#t0;
    const { failure, records } = outcome;
    this.#resolve(
      create(CheckResultSchema, {
        checkedAt: timestampFromMs(this.#startedAtMs),
        up: failure === undefined,
        error: failure?.error ?? "",
        errorKind: failure?.kind ?? CheckErrorKind.UNSPECIFIED,
        timing: { dnsMs: totalMs, totalMs },
        remoteAddress: this.#remote,
        answer: answerText(records),
        loopDelayMs: 0,
      }),
    );
  }
}

/**
 * judgeError reads a query's rejection: NXDOMAIN is up when expected, an empty answer is
 * judged like one without the expected record, the rest are the server's failures.
 */
function judgeError(err: unknown, spec: DnsSpec, ctx: QueryContext): Failure | undefined {
  const code = errorCode(err);
  if (code === "ENOTFOUND" && spec.expectNxdomain) return undefined;
  if (code === "ENODATA") {
    return spec.expectNxdomain
      ? existsButNxdomainExpected(spec.name, ctx.type, [])
      : noRecords(spec.name, ctx.type);
  }
  return queryFailure(err, ctx);
}
