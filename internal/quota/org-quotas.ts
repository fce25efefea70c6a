import type pg from "pg";
import { ResourceExhaustedError } from "../core/errors.js";
import { withTransaction } from "../db/transaction.js";
import { type CountedKind, countOrgRows, lockOrgQuota } from "./quotas-db.js";

export type { CountedKind };

/** OrgQuotas are how many rows of each kind one organization may hold. */
export type OrgQuotas = Readonly<Record<CountedKind, number>>;

/**
 * QUOTA_VARIABLES names the setting behind each quota, for messages and the README. The names
 * are literal types (as const), so that orgQuotasFromConfig asks for exactly those settings.
 */
export const QUOTA_VARIABLES = {
  monitors: "PULSAR_ORG_MAX_MONITORS",
  channels: "PULSAR_ORG_MAX_CHANNELS",
  hostRules: "PULSAR_ORG_MAX_HOST_RULES",
  apiTokens: "PULSAR_ORG_MAX_API_TOKENS",
  agentTokens: "PULSAR_ORG_MAX_AGENT_TOKENS",
  hosts: "PULSAR_ORG_MAX_HOSTS",
  members: "PULSAR_ORG_MAX_MEMBERS",
  statusPages: "PULSAR_ORG_MAX_STATUS_PAGES",
} as const satisfies Readonly<Record<CountedKind, string>>;

/** What each kind is called in messages. */
const NOUNS: Readonly<Record<CountedKind, string>> = {
  monitors: "monitors",
  channels: "alert channels",
  hostRules: "host rules",
  apiTokens: "API and worker tokens",
  agentTokens: "agent tokens",
  hosts: "hosts",
  members: "members and pending invitations",
  statusPages: "status pages",
};

/** What the organization can do about a full quota, said in the refusal. */
const CURES: Readonly<Record<CountedKind, string>> = {
  monitors: "remove some first",
  channels: "remove some first",
  hostRules: "remove some first",
  apiTokens: "revoke some first",
  agentTokens: "revoke some first",
  // A host, once it reported, stays the organization's: agents must reuse their host ids.
  hosts: "reuse the ids of hosts it has (AGENT_HOST_ID) or ask the operator to raise the limit",
  members: "remove members or revoke invitations first",
  statusPages: "delete some first",
};

/** DEFAULT_ORG_QUOTAS are the documented defaults (internal/config), for tests and tools. */
export const DEFAULT_ORG_QUOTAS: OrgQuotas = {
  monitors: 10_000,
  channels: 50,
  hostRules: 200,
  apiTokens: 50,
  agentTokens: 1000,
  hosts: 1000,
  members: 500,
  statusPages: 20,
};

/** orgQuotasFromConfig reads the quotas out of the process configuration. */
export function orgQuotasFromConfig(
  config: {
    [K in (typeof QUOTA_VARIABLES)[CountedKind]]: number;
  },
): OrgQuotas {
  return {
    monitors: config.PULSAR_ORG_MAX_MONITORS,
    channels: config.PULSAR_ORG_MAX_CHANNELS,
    hostRules: config.PULSAR_ORG_MAX_HOST_RULES,
    apiTokens: config.PULSAR_ORG_MAX_API_TOKENS,
    agentTokens: config.PULSAR_ORG_MAX_AGENT_TOKENS,
    hosts: config.PULSAR_ORG_MAX_HOSTS,
    members: config.PULSAR_ORG_MAX_MEMBERS,
    statusPages: config.PULSAR_ORG_MAX_STATUS_PAGES,
  };
}

/**
 * QuotaExceededError is an organization at one of its quotas: resource_exhausted, naming the
 * limit and the variable that sets it. Waiting does not help, so it carries no retry-after.
 */
export class QuotaExceededError extends ResourceExhaustedError {
  override name = "QuotaExceededError";
  constructor(
    readonly kind: CountedKind,
    readonly limit: number,
  ) {
    super(
      `this organization has reached its limit of ${limit} ${NOUNS[kind]} (${QUOTA_VARIABLES[kind]}); ${CURES[kind]}`,
    );
  }
}

/** QuotaRequest says what is about to be added, for whom, and the limit that applies. */
export interface QuotaRequest {
  orgId: string;
  kind: CountedKind;
  limit: number;
  /** Rows the insert adds; 1 when absent. */
  adding?: number;
}

/**
 * insertWithinQuota runs `insert` in a transaction only if the organization holds fewer than
 * `limit` rows of the kind once it has run; otherwise it throws QuotaExceededError and nothing
 * is written. Counting and inserting happen under the organization's lock for that kind, so two
 * requests at once cannot both take the last place.
 */
export async function insertWithinQuota<T>(
  pool: Pick<pg.Pool, "connect">,
  request: QuotaRequest,
  insert: (tx: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const adding = request.adding ?? 1;
  return withTransaction(pool, async (tx) => {
    await lockOrgQuota(tx, request.kind, request.orgId);
    const used = await countOrgRows(tx, request.kind, request.orgId);
    if (used + adding > request.limit) throw new QuotaExceededError(request.kind, request.limit);
    return insert(tx);
  });
}
