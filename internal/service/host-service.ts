import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import type { GetHostHistoryRequest, HostService } from "../../gen/pulsar/v1/host_pb.js";
import { deleteHostRuleStates } from "../alerts/host-rules/host-rule-state.js";
import { getCaller } from "../auth/caller.js";
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from "../core/errors.js";
import { intInRange } from "../core/validate.js";
import { withTransaction } from "../db/transaction.js";
import { parseLabelSelector } from "../hosts/labels/label-selector.js";
import { getHostHistory } from "../hosts/server/host-history-db.js";
import * as hosts from "../hosts/server/hosts-db.js";
import type { OrgQuotas } from "../quota/org-quotas.js";
import { createAgentTokenRpcs } from "./agent-tokens.js";
import { requireHostId, resolveHostChanges } from "./host-input.js";

/** HostServiceDeps are what the host RPCs use. */
export interface HostServiceDeps {
  pool: pg.Pool;
  /** SAMPLE_INTERVAL_MS: how often hosts send samples, for "online" and the default step. */
  sampleIntervalMs: number;
  /** PULSAR_SHARED_HOSTS: whether every organization also sees the shared hosts. */
  sharedHosts: boolean;
  /** The organization's quotas (agent tokens); DEFAULT_ORG_QUOTAS when absent. */
  quotas?: OrgQuotas;
  now?: () => Date;
}

/** MAX_HISTORY_DAYS bounds a history window: retention is 30 days by default. */
export const MAX_HISTORY_DAYS = 90;
/** MAX_HISTORY_STEPS bounds the buckets of one history answer (per series). */
export const MAX_HISTORY_STEPS = 5000;
const DEFAULT_WINDOW_MS = 3_600_000;
const DEFAULT_STEPS = 300;

/** HistoryRange is a validated GetHostHistory request. */
export interface HistoryRange {
  hostId: string;
  since: Date;
  until: Date;
  stepSeconds: number;
}

/** onlineWindowMs is how recent a sample must be for its host to count as online. */
export const onlineWindowMs = (sampleIntervalMs: number): number =>
  Math.max(3 * sampleIntervalMs, 30_000);

/**
 * resolveHistoryRange validates a history request: host id required; until defaults to now and
 * since to an hour before it; since before until, at most 90 days apart; stepSeconds 0 means
 * the window in about 300 buckets (at least the sample interval, at least 1 s), else 1–86400,
 * and at most 5000 buckets in all.
 */
export function resolveHistoryRange(
  req: Pick<GetHostHistoryRequest, "hostId" | "since" | "until" | "stepSeconds">,
  sampleIntervalMs: number,
  now: Date,
): HistoryRange {
  if (req.hostId === "") throw new InvalidArgumentError("hostId", "is required");
  const until = req.until ? timestampDate(req.until) : now;
  const since = req.since
    ? timestampDate(req.since)
    : new Date(until.getTime() - DEFAULT_WINDOW_MS);
  const windowMs = until.getTime() - since.getTime();
  if (windowMs <= 0) throw new InvalidArgumentError("since", "must be before until");
  if (windowMs > MAX_HISTORY_DAYS * 86_400_000)
    throw new InvalidArgumentError(
      "since",
      `must be at most ${MAX_HISTORY_DAYS} days before until`,
    );
  const fallback = Math.max(
    Math.ceil(windowMs / 1000 / DEFAULT_STEPS),
    Math.ceil(sampleIntervalMs / 1000),
    1,
  );
  // 0 is the proto default: the field was not set.
  const step = req.stepSeconds === 0 ? undefined : req.stepSeconds;
  const stepSeconds = intInRange("stepSeconds", step, 1, 86_400, fallback);
  if (Math.ceil(windowMs / 1000 / stepSeconds) > MAX_HISTORY_STEPS) {
    throw new InvalidArgumentError(
      "stepSeconds",
      `is too small: the window holds more than ${MAX_HISTORY_STEPS} steps; raise stepSeconds`,
    );
  }
  return { hostId: req.hostId, since, until, stepSeconds };
}

/**
 * createHostService implements pulsar.v1.HostService over the hosts and host_samples tables the
 * workers and agents write, and the agent tokens (createAgentTokenRpcs). Every call sees the
 * caller's organization's hosts, plus the shared ones when sharedHosts is on; another
 * organization's host answers not_found like a host that never existed. Only the
 * organization's own hosts can be changed or deleted: a shared host answers permission_denied.
 * UpdateHost and DeleteHost are writes, metered per organization by the API's write meter.
 */
export function createHostService(deps: HostServiceDeps): ServiceImpl<typeof HostService> {
  const { pool } = deps;
  const now = deps.now ?? (() => new Date());
  const onlineWithinMs = onlineWindowMs(deps.sampleIntervalMs);
  const scopeOf = (ctx: HandlerContext): hosts.HostScope => ({
    orgId: getCaller(ctx).orgId,
    includeShared: deps.sharedHosts,
  });

  /** ownHost answers the caller's organization when the host is its own, else refuses. */
  const ownHost = async (ctx: HandlerContext, id: string): Promise<string> => {
    const scope = scopeOf(ctx);
    const host = await hosts.getHost(pool, scope, id, { onlineWithinMs, now: now() });
    if (!host) throw new NotFoundError(`host ${id} not found`);
    if (host.shared) {
      throw new PermissionDeniedError(
        `host ${id} is a shared host (sampled by the shared workers): it cannot be changed or deleted`,
      );
    }
    return scope.orgId;
  };

  return {
    ...createAgentTokenRpcs(pool, { quotas: deps.quotas }),
    async listHosts(req, ctx) {
      const selector = parseLabelSelector(req.labelSelector, "labelSelector");
      return {
        hosts: await hosts.listHosts(pool, scopeOf(ctx), { onlineWithinMs, now: now(), selector }),
      };
    },
    async updateHost(req, ctx) {
      const { id, changes } = resolveHostChanges(req);
      const orgId = await ownHost(ctx, id);
      const host = await hosts.updateHost(pool, orgId, id, changes, { onlineWithinMs, now: now() });
      // Deleted between the two statements.
      if (!host) throw new NotFoundError(`host ${id} not found`);
      return { host };
    },
    async deleteHost(req, ctx) {
      const id = requireHostId("id", req.id);
      const orgId = await ownHost(ctx, id);
      await withTransaction(pool, async (client) => {
        if (await hosts.deleteHost(client, orgId, id)) {
          await deleteHostRuleStates(client, orgId, id);
        }
      });
      return {};
    },
    async getHostHistory(req, ctx) {
      const scope = scopeOf(ctx);
      const range = resolveHistoryRange(req, deps.sampleIntervalMs, now());
      const host = await hosts.getHost(pool, scope, range.hostId, { onlineWithinMs, now: now() });
      if (!host) throw new NotFoundError(`host ${range.hostId} not found`);
      return { series: await getHostHistory(pool, scope, range) };
    },
  };
}
