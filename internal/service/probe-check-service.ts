import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import {
  CheckLeaseSchema,
  type ProbeCheckService,
  type ProbeStats,
} from "../../gen/pulsar/v1/probe_pb.js";
import { InvalidArgumentError, ResourceExhaustedError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { MAX_LEASE_ID_LENGTH } from "../regions/lease-id.js";
import { getProbe, type ProbeIdentity } from "../regions/probe-identity.js";
import type { ProbeRegions } from "../regions/probe-regions.js";
import { type ProbeResultsDeps, storeProbeResults } from "../regions/probe-results.js";
import { createProbeTakeSlots } from "../regions/probe-take-slots.js";
import { recordProbe } from "../regions/region-presence.js";
import { requireProbeResults } from "./probe-result-input.js";

/** ProbeCheckServiceDeps are what the probes' RPCs use. */
export interface ProbeCheckServiceDeps extends ProbeResultsDeps {
  /** The regions this API leases checks of (startProbeRegions). */
  regions: Pick<ProbeRegions, "region" | "leaseMs">;
  /**
   * Where the probes' presence is kept (internal/regions/region-presence.ts) and their running
   * TakeChecks are counted (internal/regions/probe-take-slots.ts).
   */
  redis: Pick<Redis, "hset" | "eval" | "zrem">;
  prefix: string;
  /** TakeChecks of one token running at once, over every API process; 4 when absent. */
  maxTakesPerToken?: number;
  log: Logger;
}

const MAX_CHECKS = 500;
const MAX_WAIT_MS = 20_000;
/** Lease ids in one ExtendLeases or ReportResults at most. */
const MAX_LEASE_IDS = 100;
const DEFAULT_MAX_TAKES_PER_TOKEN = 4;
/**
 * How long past its wait a TakeChecks' slot is held at most: a process killed mid-request frees
 * its slots this long after their waits would have ended. Leasing what is due takes a few ms.
 */
const TAKE_SLOT_MARGIN_MS = 10_000;

/**
 * createProbeCheckService implements pulsar.v1.ProbeCheckService, behind the probe gate
 * (internal/api/probe-auth-gate.ts): a probe takes its token's region's due checks as leases
 * of the region's check jobs (internal/regions/probe-region.ts), keeps them while it works, and
 * reports results, which are stored on a worker's path before their leases complete. Every call
 * records the probe as seen (RegionService).
 */
export function createProbeCheckService(
  deps: ProbeCheckServiceDeps,
): ServiceImpl<typeof ProbeCheckService> {
  const takeSlots = createProbeTakeSlots({
    redis: deps.redis,
    prefix: deps.prefix,
    limit: deps.maxTakesPerToken ?? DEFAULT_MAX_TAKES_PER_TOKEN,
  });
  // What each probe last said of itself in TakeChecks, for the calls that say nothing. Bounded:
  // one entry per token that called this process, and tokens are at most a few hundred.
  const lastStats = new Map<string, ProbeStats>();

  const seen = async (probe: ProbeIdentity, stats: ProbeStats | undefined, nowMs: number) => {
    if (stats) {
      if (lastStats.size >= 10_000) lastStats.clear();
      lastStats.set(probe.tokenId, stats);
    }
    const said = stats ?? lastStats.get(probe.tokenId);
    // A probe's first call to this process that says nothing: its TakeChecks, a moment away,
    // records it; recording blanks here would hide what it said to another API process.
    if (!said) return;
    await recordProbe(
      deps.redis,
      deps.prefix,
      probe.region,
      {
        tokenId: probe.tokenId,
        name: probe.name,
        version: said.version,
        checksPerSecond: said.checksPerSecond,
        latenessP99Ms: said.latenessP99Ms,
        clockOffsetMs: said.sentAt ? timestampMs(said.sentAt) - nowMs : 0,
      },
      nowMs,
    ).catch((error: unknown) => deps.log.warn("recording a probe as seen failed", { error }));
  };

  return {
    async takeChecks(req, ctx) {
      const probe = getProbe(ctx);
      const nowMs = Date.now();
      const maxChecks = requireCount("maxChecks", req.maxChecks, 1, MAX_CHECKS);
      const waitMs = requireCount("waitMs", req.waitMs, 0, MAX_WAIT_MS);
      if (req.stats) requireStats(req.stats);
      await seen(probe, req.stats, nowMs);
      const slot = await takeSlots.acquire(probe.tokenId, waitMs + TAKE_SLOT_MARGIN_MS);
      if (!slot) {
        throw new ResourceExhaustedError(
          `this probe token has ${takeSlots.limit} TakeChecks running already, the limit per token; wait for one to answer`,
          1,
        );
      }
      try {
        const region = await deps.regions.region(probe.region);
        const leases = await region.take(maxChecks, { waitMs, signal: ctx.signal });
        return {
          leases: leases.map((lease) => create(CheckLeaseSchema, lease)),
          leaseMs: region.leaseMs,
          region: probe.region,
          serverTime: timestampFromMs(Date.now()),
        };
      } finally {
        // Freed before the answer goes out, so that the probe's next call finds it free; if
        // Redis is away, the slot ends by itself.
        await takeSlots
          .release(slot)
          .catch((error: unknown) => deps.log.warn("freeing a TakeChecks slot failed", { error }));
      }
    },

    async extendLeases(req, ctx) {
      const probe = getProbe(ctx);
      requireLeaseIds("leaseIds", req.leaseIds);
      await seen(probe, undefined, Date.now());
      if (req.leaseIds.length === 0) return { lostLeaseIds: [] };
      const region = await deps.regions.region(probe.region);
      return { lostLeaseIds: await region.extend(req.leaseIds) };
    },

    async reportResults(req, ctx: HandlerContext) {
      const probe = getProbe(ctx);
      const nowMs = Date.now();
      requireProbeResults(req.results, nowMs);
      requireLeaseIds("finishedLeaseIds", req.finishedLeaseIds);
      await seen(probe, undefined, nowMs);
      // Stored before any lease completes: a lease completed and then a failed store would
      // lose the checks, while a stored result whose lease then lapses is only checked again.
      const { accepted, skipped } = await storeProbeResults(deps, probe.region, req.results);
      const lostLeaseIds =
        req.finishedLeaseIds.length === 0
          ? []
          : await (await deps.regions.region(probe.region)).complete(req.finishedLeaseIds);
      return { accepted, skipped, lostLeaseIds };
    },
  };
}

function requireCount(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be between ${min} and ${max}`);
  }
  return value;
}

function requireLeaseIds(field: string, ids: readonly string[]): void {
  if (ids.length > MAX_LEASE_IDS) {
    throw new InvalidArgumentError(field, `must have at most ${MAX_LEASE_IDS} lease ids`);
  }
  ids.forEach((id, i) => {
    if (id === "" || id.length > MAX_LEASE_ID_LENGTH) {
      throw new InvalidArgumentError(
        `${field}[${i}]`,
        `must be a lease id from TakeChecks (1–${MAX_LEASE_ID_LENGTH} characters)`,
      );
    }
  });
}

/** requireStats bounds what a probe says of itself: it is shown on the Regions page. */
function requireStats(stats: ProbeStats): void {
  if (stats.version.length > 64) {
    throw new InvalidArgumentError("stats.version", "must be at most 64 characters");
  }
  if (stats.regionLabel.length > 64) {
    throw new InvalidArgumentError("stats.regionLabel", "must be at most 64 characters");
  }
  for (const field of ["checksPerSecond", "latenessP99Ms"] as const) {
    const value = stats[field];
    if (!Number.isFinite(value) || value < 0 || value > 1e9) {
      throw new InvalidArgumentError(`stats.${field}`, "must be a finite number from 0 to 1e9");
    }
  }
  if (stats.sentAt) {
    const ms = timestampMs(stats.sentAt);
    if (!Number.isFinite(ms) || stats.sentAt.nanos < 0 || stats.sentAt.nanos >= 1e9) {
      throw new InvalidArgumentError("stats.sentAt", "must be a valid time");
    }
  }
}
