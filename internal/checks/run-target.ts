import type { LookupFunction } from "node:net";
import type { CheckResult, CheckTarget } from "../../gen/pulsar/v1/check_pb.js";
import { policyFor } from "../netpolicy/address-policy.js";
import type { RunCheck } from "./check-processor.js";
import { runDnsCheck } from "./dnsquery/index.js";
import { runCheck as runHttpCheck, userAgentOf } from "./http/index.js";
import type { OwnServiceGuard } from "./own-services.js";
import { runTcpCheck } from "./tcp/index.js";

/** CheckRunnerOptions are what every kind of check takes from the worker's configuration. */
export interface CheckRunnerOptions {
  /** Name resolution of targets and of DNS monitors' servers given by name (c-ares). */
  lookup?: LookupFunction;
  /** PULSAR_BLOCK_PRIVATE_TARGETS: refuse targets (and DNS servers) inside the network. */
  blockPrivateTargets?: boolean;
  /** The resolvers a DNS monitor without a server asks (CHECK_DNS_SERVERS); default the system's. */
  dnsServers?: readonly string[];
  /** For tests and private CAs: trust exactly this CA instead of the public roots. */
  ca?: string | Buffer;
  /**
   * Pulsar's own Redis and Postgres (createOwnServiceGuard): a TCP monitor that sends bytes is
   * refused there whatever blockPrivateTargets says. None: no such refusal (tests).
   */
  ownServices?: Pick<OwnServiceGuard, "policyForPort">;
  /**
   * The worker's REGION and Pulsar's version, named by the User-Agent of HTTP checks
   * (userAgentOf). None: the User-Agent names neither (tests, benchmarks).
   */
  identity?: { region: string; version: string };
}

/**
 * createCheckRunner returns the worker's check: each target by its kind (a job carries tcp or
 * dns, or else an HTTP URL), every kind with the same resolver and address policy.
 */
export function createCheckRunner(options: CheckRunnerOptions = {}): RunCheck {
  const shared = {
    lookup: options.lookup,
    blockPrivateTargets: options.blockPrivateTargets ?? false,
    ca: options.ca,
  };
  const userAgent = options.identity
    ? userAgentOf(options.identity.version, options.identity.region)
    : undefined;
  return (target: CheckTarget, run: { signal?: AbortSignal }): Promise<CheckResult> => {
    if (target.tcp) {
      // Only bytes written can do harm: a connect-only check of Redis stays possible.
      const guarded = options.ownServices && target.tcp.send !== undefined;
      const addressPolicy = guarded
        ? options.ownServices?.policyForPort(target.tcp.port, policyFor(shared.blockPrivateTargets))
        : undefined;
      return runTcpCheck(target, { ...shared, ...run, addressPolicy });
    }
    if (target.dns) {
      return runDnsCheck(target, {
        signal: run.signal,
        lookup: options.lookup,
        blockPrivateTargets: shared.blockPrivateTargets,
        servers: options.dnsServers,
      });
    }
    return runHttpCheck(target, { ...shared, ...run, userAgent });
  };
}
