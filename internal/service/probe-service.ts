import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import {
  type ProbeService,
  type ProbeToken,
  ProbeTokenSchema,
} from "../../gen/pulsar/v1/probe_pb.js";
import * as accounts from "../accounts/accounts.js";
import { type Caller, getCaller } from "../auth/caller.js";
import { newSecret } from "../auth/secrets.js";
import { REGION_NAME } from "../checks/monitors/monitor-regions.js";
import {
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
} from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { requireUuid } from "../core/validate.js";
import { withTransaction } from "../db/transaction.js";
import { requireText } from "./account-input.js";
import type { SystemAdminCheck } from "./system-admin.js";

/** ProbeServiceDeps are what the probe-token RPCs use. */
export interface ProbeServiceDeps {
  pool: pg.Pool;
  /** Who may call them: the operator organization's signed-in admins. */
  isSystemAdmin: SystemAdminCheck;
  /** Adds a region to the regions known (CheckRegions.remember), so monitors may list it. */
  rememberRegion: (region: string) => Promise<void>;
  /** Tells this API that probe tokens changed: it serves their regions (ProbeRegions.refresh). */
  onTokensChanged?: () => Promise<void>;
  /** The installation's probe tokens at most (live ones); DEFAULT_MAX_PROBE_TOKENS when absent. */
  maxProbeTokens?: number;
  log?: Logger;
}

/** DEFAULT_MAX_PROBE_TOKENS bounds the installation's live probe tokens. */
export const DEFAULT_MAX_PROBE_TOKENS = 100;

/**
 * createProbeService implements pulsar.v1.ProbeService. Probe tokens are api_tokens rows of
 * scope probe with their region, held by the creator's organization (the operator's) but the
 * installation's: a probe checks every organization's monitors of its region, so only a system
 * admin (signed in, never an API token) may make, see or revoke them. A revoked token stops at
 * once: every probe call reads Postgres (internal/auth/authenticate.ts).
 */
export function createProbeService(deps: ProbeServiceDeps): ServiceImpl<typeof ProbeService> {
  const { pool } = deps;
  const maxTokens = deps.maxProbeTokens ?? DEFAULT_MAX_PROBE_TOKENS;
  const changed = async () => {
    await deps.onTokensChanged?.().catch((error: unknown) => {
      deps.log?.warn("serving the probe tokens' regions failed; the next refresh will", {
        error,
      });
    });
  };
  return {
    async createProbeToken(req, ctx) {
      const admin = await requireProbeAdmin(deps.isSystemAdmin, getCaller(ctx));
      const name = requireText("name", req.name, 100);
      const region = req.region.trim();
      if (!REGION_NAME.test(region)) {
        throw new InvalidArgumentError(
          "region",
          "must be 1–63 of a–z, 0–9 and '-', starting with a letter or digit (REGION's form)",
        );
      }
      const secret = newSecret("probe");
      const token = await withTransaction(pool, async (tx) => {
        await accounts.lockProbeTokens(tx);
        if ((await accounts.countLiveProbeTokens(tx)) >= maxTokens) {
          throw new ResourceExhaustedError(
            `this installation has reached its limit of ${maxTokens} probe tokens; revoke some first`,
          );
        }
        return accounts.insertApiToken(tx, {
          orgId: admin.orgId,
          createdBy: admin.user.id,
          name,
          scope: "probe",
          tokenHash: secret.hash,
          prefix: secret.prefix,
          region,
        });
      });
      // After COMMIT: a monitor may list the region from now on, and this API leases its checks.
      await deps.rememberRegion(region);
      await changed();
      return {
        token: secret.secret,
        probeToken: probeTokenMessage({ ...token, region }),
      };
    },

    async listProbeTokens(_req, ctx) {
      await requireProbeAdmin(deps.isSystemAdmin, getCaller(ctx));
      const tokens = await accounts.listProbeTokens(pool);
      return { probeTokens: tokens.map(probeTokenMessage) };
    },

    async revokeProbeToken(req, ctx) {
      await requireProbeAdmin(deps.isSystemAdmin, getCaller(ctx));
      const id = requireUuid("id", req.id);
      if (!(await accounts.revokeProbeToken(pool, id))) {
        throw new NotFoundError(`probe token ${id} not found`);
      }
      await changed();
      return {};
    },
  };
}

/** requireProbeAdmin throws permission_denied unless the caller is a signed-in system admin. */
async function requireProbeAdmin(
  isSystemAdmin: SystemAdminCheck,
  caller: Caller,
): Promise<Caller & { user: NonNullable<Caller["user"]> }> {
  if (!caller.user || !(await isSystemAdmin(caller))) {
    throw new PermissionDeniedError(
      "only a signed-in admin of the operator organization (the first one created) may manage probe tokens: a probe checks every organization's monitors of its region",
    );
  }
  return { ...caller, user: caller.user };
}

/** probeTokenMessage builds a pulsar.v1.ProbeToken (never the secret). */
function probeTokenMessage(token: accounts.ProbeTokenRow): ProbeToken {
  return create(ProbeTokenSchema, {
    id: token.id,
    name: token.name,
    region: token.region,
    prefix: token.prefix,
    createdAt: timestampFromDate(token.createdAt),
    lastUsedAt: token.lastUsedAt && timestampFromDate(token.lastUsedAt),
    createdBy: token.createdByEmail,
  });
}
