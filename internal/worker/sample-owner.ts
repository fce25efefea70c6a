import { findApiToken } from "../accounts/accounts.js";
import { hashSecret } from "../auth/secrets.js";
import { ConfigError } from "../config/parse-environment.js";
import type { Logger } from "../core/logger.js";
import type { Queryable } from "../db/pool.js";
import type { Owner } from "../hosts/server/sample-store.js";

/** SampleOwnerDeps are what deciding whom the worker's host samples belong to uses. */
export interface SampleOwnerDeps {
  pool: Queryable;
  /** PULSAR_WORKER_TOKEN, if set. */
  workerToken: string | undefined;
  /** PULSAR_SHARED_HOSTS. */
  sharedHosts: boolean;
  log: Logger;
}

/**
 * resolveSampleOwner decides whom this worker's host samples belong to: PULSAR_WORKER_TOKEN's
 * organization; else everyone (a shared host, orgId undefined) when PULSAR_SHARED_HOSTS is on;
 * else nobody (undefined), and the host is not sampled. A token that is unknown, revoked or not
 * a worker token throws a ConfigError naming PULSAR_WORKER_TOKEN, for the process to stop on:
 * sampling under the wrong owner would publish a host to the wrong people.
 */
export async function resolveSampleOwner(
  deps: SampleOwnerDeps,
): Promise<{ orgId: Owner } | undefined> {
  const { log } = deps;
  if (deps.workerToken) {
    const token = await findApiToken(deps.pool, hashSecret(deps.workerToken));
    if (token?.scope !== "worker") {
      const problem = token ? `is a token of scope ${token.scope}` : "is unknown or revoked";
      throw new ConfigError(
        `PULSAR_WORKER_TOKEN ${problem}: create a worker token (CreateApiToken, scope worker) and set it`,
      );
    }
    log.info("host samples belong to the worker token's organization", { orgId: token.org.id });
    return { orgId: token.org.id };
  }
  if (deps.sharedHosts) return { orgId: undefined };
  log.info(
    "not sampling this host: PULSAR_SHARED_HOSTS=false and no PULSAR_WORKER_TOKEN says which organization it belongs to",
  );
  return undefined;
}
