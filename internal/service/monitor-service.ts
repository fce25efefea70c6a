import { timestampDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import {
  type Monitor,
  MonitorKind,
  type MonitorService,
  MonitorStatus,
} from "../../gen/pulsar/v1/monitor_pb.js";
import { requireOrgChannels } from "../alerts/channels/org-channels.js";
import { getCaller } from "../auth/caller.js";
import { heartbeatDueAt } from "../checks/heartbeat/deadline.js";
import { armHeartbeat, disarmHeartbeat } from "../checks/heartbeat/heartbeat-state.js";
import { nameOfKind } from "../checks/monitors/monitor-kind.js";
import {
  ownRegionLatest,
  regionResultsOf,
  requireServedRegions,
  withDefaultRegion,
} from "../checks/monitors/monitor-regions.js";
import { scheduleOf } from "../checks/monitors/monitor-schedule.js";
import { resolveMonitorSpec } from "../checks/monitors/monitor-spec.js";
import {
  buildSummaries,
  summaryStart,
  TIMING_WINDOWS,
  timingPoint,
} from "../checks/monitors/monitor-summaries.js";
import * as monitors from "../checks/monitors/monitors.js";
import type { MonitorScheduler } from "../checks/queue/schedules.js";
import { getMonitorStatsWithRegions } from "../checks/results/region-stats.js";
import * as results from "../checks/results/results.js";
import { listHourlyRollups, listTimingBuckets } from "../checks/results/rollups.js";
import { resetMonitorStatus } from "../checks/status/monitor-states.js";
import { InvalidArgumentError, NotFoundError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { decodePageToken, encodePageToken } from "../core/page-token.js";
import { pageSize, requireUuid } from "../core/validate.js";
import type { Queryable } from "../db/pool.js";
import { withTransaction } from "../db/transaction.js";
import { monitorsInMaintenance } from "../maintenance/maintenance-status.js";
import { DEFAULT_ORG_QUOTAS, insertWithinQuota, type OrgQuotas } from "../quota/org-quotas.js";

/** MonitorServiceDeps are what the monitor RPCs use. */
export interface MonitorServiceDeps {
  pool: pg.Pool;
  scheduler: MonitorScheduler;
  log: Logger;
  /** How many monitors an organization may hold (`monitors`); DEFAULT_ORG_QUOTAS when absent. */
  quotas?: Pick<OrgQuotas, "monitors">;
  /** PUBLIC_URL: heartbeat ping URLs are given in full under it; absent, as paths. */
  publicUrl?: string;
  /** DEFAULT_REGION: the region shown for monitors that list none; "local" when absent. */
  defaultRegion?: string;
  /**
   * The regions workers have served (internal/checks/queue/check-regions.ts): a monitor may
   * list only those and the default region. None: every region of the right form is accepted
   * (tests whose workers are not running).
   */
  servedRegions?: () => Promise<readonly string[]>;
  now?: () => Date;
}

const ALERT_CHANNELS_FIELD = "monitor.alertChannelIds";

/** listKind reads ListMonitors' kind filter: "" for every kind; an unknown value is refused. */
function listKind(kind: MonitorKind) {
  const name = nameOfKind(kind);
  if (name === "" && kind !== MonitorKind.UNSPECIFIED)
    throw new InvalidArgumentError("kind", "must be a MonitorKind");
  return name === "" ? undefined : name;
}

/** MAX_SUMMARIES bounds GetMonitorSummaries: about the rows of a few screens. */
export const MAX_SUMMARIES = 500;

/** STATS_WINDOWS maps the accepted window names to their length in seconds. */
export const STATS_WINDOWS: Readonly<Record<string, number>> = {
  "1h": 3600,
  "24h": 86_400,
  "7d": 7 * 86_400,
  "30d": 30 * 86_400,
};

/**
 * createMonitorService implements pulsar.v1.MonitorService. Postgres is written first: it is
 * the system of record, and if Redis then fails the worker's reconciliation repairs the
 * schedule within seconds, so the RPC still succeeds.
 */
export function createMonitorService(deps: MonitorServiceDeps): ServiceImpl<typeof MonitorService> {
  const { pool, log } = deps;
  const now = deps.now ?? (() => new Date());
  const maxMonitors = deps.quotas?.monitors ?? DEFAULT_ORG_QUOTAS.monitors;
  const defaultRegion = deps.defaultRegion ?? "local";
  const requireServed = async (regions: readonly string[]) => {
    if (regions.length === 0 || !deps.servedRegions) return;
    requireServedRegions(regions, "monitor", await deps.servedRegions(), defaultRegion);
  };

  const syncSchedule = async (monitor: Monitor, orgId: string) => {
    try {
      // Heartbeats are not checked: their pings arrive. One that was another kind before loses
      // its job scheduler here.
      if (monitor.enabled && monitor.kind !== MonitorKind.HEARTBEAT)
        await deps.scheduler.schedule(scheduleOf(monitor, orgId));
      else await deps.scheduler.unschedule(monitor.id);
    } catch (error) {
      log.warn("could not update the job scheduler; reconciliation will", {
        monitorId: monitor.id,
        error,
      });
    }
  };
  const pingBase = deps.publicUrl?.replace(/\/+$/, "") ?? "";
  // What the installation adds to a stored monitor: a heartbeat's URL in full, when it knows
  // its address, and the default region of one that lists none. After syncSchedule, which
  // schedules the regions as stored, as reconciliation does.
  const shown = (monitor: Monitor): Monitor => {
    if (monitor.pingUrl !== "") monitor.pingUrl = `${pingBase}${monitor.pingUrl}`;
    return withDefaultRegion(monitor, defaultRegion);
  };
  const found = <T>(read: T | undefined, id: string): T => {
    if (!read) throw new NotFoundError(`monitor ${id} not found`);
    return read;
  };
  // A running monitor in a maintenance window shows MAINTENANCE, decided when read (one query
  // over the organization's maintenances), so the status follows the window to the second.
  // A heartbeat's deadline starts over from the write; the answer shows the new one.
  const armIfHeartbeat = async (db: Queryable, monitor: Monitor) => {
    if (monitor.kind !== MonitorKind.HEARTBEAT || !monitor.heartbeat || !monitor.enabled) return;
    const at = now().getTime();
    await armHeartbeat(db, monitor.id, monitor.heartbeat, at);
    const dueMs = heartbeatDueAt(monitor.heartbeat, at);
    monitor.heartbeatDueAt = dueMs === null ? undefined : timestampFromMs(dueMs);
    monitor.heartbeatStartedAt = undefined;
  };
  // A heartbeat_state row whose deadline nobody waits for would be read by every sweep.
  const disarmIfWaiting = async (db: Queryable, monitor: Monitor) => {
    if (monitor.kind !== MonitorKind.HEARTBEAT || !monitor.enabled) {
      await disarmHeartbeat(db, monitor.id);
      monitor.heartbeatDueAt = undefined;
      monitor.heartbeatStartedAt = undefined;
    }
  };
  // An edit, pause or resume, and all that follows it, in one transaction: the monitors row,
  // then its heartbeat armed or disarmed (so no crash leaves a heartbeat unwatched, nor a paused
  // one swept), then, paused, its status ended. The heartbeat_state row goes before the
  // monitor_state row: pings and sweeps lock them in that order too, so neither can deadlock
  // with this. Undefined when the organization has no such monitor.
  //
  // Pausing a monitor ends its status along with its checks. Its open incident is ended now,
  // and no RECOVERED alert is sent: nobody checked that the target came back, and whoever
  // paused it knows it is paused; a recovery would tell the channels something untrue. Its
  // status starts afresh: once resumed, its first results decide (an UP monitor is not assumed
  // UP, a DOWN one not assumed DOWN, so a resumed monitor neither stays in a stale incident nor
  // alerts again for the old one).
  const changeMonitor = (write: (tx: Queryable) => Promise<Monitor | undefined>) =>
    withTransaction(pool, async (tx) => {
      const monitor = await write(tx);
      if (!monitor) return undefined;
      await armIfHeartbeat(tx, monitor);
      await disarmIfWaiting(tx, monitor);
      if (!monitor.enabled) await resetMonitorStatus(tx, monitor.id);
      return monitor;
    });
  const showMaintenance = async (orgId: string, list: Monitor[]): Promise<Monitor[]> => {
    // Only a running monitor can show it: a page of paused ones costs no query.
    if (!list.some((monitor) => monitor.enabled)) return list;
    const covered = await monitorsInMaintenance(pool, orgId, now());
    for (const monitor of list)
      if (monitor.enabled && covered.has(monitor.id)) monitor.status = MonitorStatus.MAINTENANCE;
    return list;
  };

  return {
    async createMonitor(req, ctx) {
      const spec = resolveMonitorSpec(req.monitor);
      await requireServed(spec.regions);
      const orgId = getCaller(ctx).orgId;
      await requireOrgChannels(
        pool,
        orgId,
        ALERT_CHANNELS_FIELD,
        req.monitor?.alertChannelIds ?? [],
      );
      // Refused at the quota: nothing stored, so nothing scheduled either.
      const monitor = await insertWithinQuota(
        pool,
        { orgId, kind: "monitors", limit: maxMonitors },
        async (tx) => {
          const inserted = await monitors.insertMonitor(tx, orgId, spec, now());
          await armIfHeartbeat(tx, inserted);
          return inserted;
        },
      );
      await syncSchedule(monitor, orgId);
      return { monitor: shown(monitor) };
    },
    async updateMonitor(req, ctx) {
      const id = requireUuid("id", req.id);
      const spec = resolveMonitorSpec(req.monitor);
      await requireServed(spec.regions);
      const orgId = getCaller(ctx).orgId;
      await requireOrgChannels(
        pool,
        orgId,
        ALERT_CHANNELS_FIELD,
        req.monitor?.alertChannelIds ?? [],
      );
      // A heartbeat's deadline starts over from the edit (a changed period or schedule applies
      // at once); one paused, or no longer a heartbeat, waits for nothing. A spec that pauses
      // the monitor ends its incident too.
      const monitor = found(
        await changeMonitor((tx) => monitors.updateMonitor(tx, orgId, id, spec, now())),
        id,
      );
      await syncSchedule(monitor, orgId);
      return { monitor: shown(monitor) };
    },
    async deleteMonitor(req, ctx) {
      const id = requireUuid("id", req.id);
      if (!(await monitors.deleteMonitor(pool, getCaller(ctx).orgId, id)))
        throw new NotFoundError(`monitor ${id} not found`);
      try {
        await deps.scheduler.unschedule(id);
      } catch (error) {
        log.warn("could not remove the job scheduler; reconciliation will", {
          monitorId: id,
          error,
        });
      }
      return {};
    },
    async getMonitor(req, ctx) {
      const id = requireUuid("id", req.id);
      const orgId = getCaller(ctx).orgId;
      // Each region's latest result comes with the monitor, from the read of
      // monitor_region_state that gives its region_states.
      const read = found(await monitors.getMonitorWithRegionResults(pool, orgId, id, now()), id);
      const monitor = shown(read.monitor);
      await showMaintenance(orgId, [monitor]);
      monitor.regionResults = regionResultsOf(
        monitor.regions,
        monitor.regions.length > 1 ? read.regionLatest : ownRegionLatest(monitor),
        monitor.intervalSeconds,
        now(),
      );
      return { monitor };
    },
    async listMonitors(req, ctx) {
      const limit = pageSize("pageSize", req.pageSize, 100, 1000);
      const afterSeq = decodePageToken("pageToken", req.pageToken);
      // One extra row tells whether another page exists, so the last page has no token.
      const orgId = getCaller(ctx).orgId;
      const page = await monitors.listMonitorsPage(
        pool,
        orgId,
        {
          afterSeq,
          limit: limit + 1,
          kind: listKind(req.kind),
        },
        now(),
      );
      const more = page.monitors.length > limit;
      const rows = await showMaintenance(
        orgId,
        more ? page.monitors.slice(0, limit) : page.monitors,
      );
      const last = page.seqs[rows.length - 1];
      return {
        monitors: rows.map(shown),
        nextPageToken: more && last ? encodePageToken(last) : "",
      };
    },
    async pauseMonitor(req, ctx) {
      const id = requireUuid("id", req.id);
      const orgId = getCaller(ctx).orgId;
      // Ends its open incident, without a recovery alert, and resets its status: see
      // changeMonitor.
      const monitor = found(
        await changeMonitor((tx) => monitors.setMonitorEnabled(tx, orgId, id, false, now())),
        id,
      );
      await syncSchedule(monitor, orgId);
      return { monitor: shown(monitor) };
    },
    async resumeMonitor(req, ctx) {
      const id = requireUuid("id", req.id);
      const orgId = getCaller(ctx).orgId;
      // A heartbeat resumed waits a whole period from now, not from before it was paused.
      const monitor = found(
        await changeMonitor((tx) => monitors.setMonitorEnabled(tx, orgId, id, true, now())),
        id,
      );
      await syncSchedule(monitor, orgId);
      return { monitor: shown(monitor) };
    },
    async listCheckResults(req, ctx) {
      const monitorId = requireUuid("monitorId", req.monitorId);
      const limit = pageSize("limit", req.limit, 100, 1000);
      const since = req.since ? timestampDate(req.since) : undefined;
      const until = req.until ? timestampDate(req.until) : undefined;
      if (since && until && since >= until)
        throw new InvalidArgumentError("since", "must be before until");
      // Results carry no organization: owning the monitor is what lets the caller read them.
      found(await monitors.getMonitor(pool, getCaller(ctx).orgId, monitorId), monitorId);
      return { results: await results.listCheckResults(pool, { monitorId, since, until, limit }) };
    },
    async getMonitorStats(req, ctx) {
      const monitorId = requireUuid("monitorId", req.monitorId);
      const window = req.window === "" ? "24h" : req.window;
      const seconds = STATS_WINDOWS[window];
      if (seconds === undefined) {
        throw new InvalidArgumentError(
          "window",
          `must be one of ${Object.keys(STATS_WINDOWS).join(", ")}`,
        );
      }
      // Results carry no organization: owning the monitor is what lets the caller read them.
      const monitor = found(
        await monitors.getMonitor(pool, getCaller(ctx).orgId, monitorId),
        monitorId,
      );
      const since = new Date(now().getTime() - seconds * 1000);
      // Each region's figures when asked and there are several (one region's are the
      // monitor's): then one query reads the window once for the monitor and its regions.
      // Without them the plain query costs less than the one grouped by region as well.
      if (req.withRegions && monitor.regions.length > 1) {
        return getMonitorStatsWithRegions(pool, {
          monitorId,
          regions: monitor.regions,
          since,
          window,
        });
      }
      return { stats: await results.getMonitorStats(pool, { monitorId, since, window }) };
    },
    async getMonitorSummaries(req, ctx) {
      if (req.monitorIds.length > MAX_SUMMARIES) {
        throw new InvalidArgumentError("monitorIds", `must hold at most ${MAX_SUMMARIES} ids`);
      }
      const ids = [...new Set(req.monitorIds.map((id, i) => requireUuid(`monitorIds[${i}]`, id)))];
      const start = summaryStart(now());
      const rollups = await listHourlyRollups(pool, {
        orgId: getCaller(ctx).orgId,
        monitorIds: ids,
        since: start,
      });
      // Only ids the organization owns: the rollups query joins monitors by org, but a monitor
      // without checks has no rollups, so ownership is checked once more for those.
      const owned = new Set(rollups.map((r) => r.monitorId));
      const unknown = ids.filter((id) => !owned.has(id));
      if (unknown.length > 0) {
        for (const id of await monitors.filterOwnedMonitorIds(pool, getCaller(ctx).orgId, unknown))
          owned.add(id);
      }
      return {
        summaries: buildSummaries(
          ids.filter((id) => owned.has(id)),
          rollups,
          start,
        ),
      };
    },
    async getMonitorTimings(req, ctx) {
      const monitorId = requireUuid("monitorId", req.monitorId);
      const window = req.window === "" ? "24h" : req.window;
      const spec = TIMING_WINDOWS[window];
      if (!spec) {
        throw new InvalidArgumentError(
          "window",
          `must be one of ${Object.keys(TIMING_WINDOWS).join(", ")}`,
        );
      }
      found(await monitors.getMonitor(pool, getCaller(ctx).orgId, monitorId), monitorId);
      const since = new Date(now().getTime() - spec.seconds * 1000);
      const buckets = await listTimingBuckets(pool, { monitorId, since, stepSeconds: spec.step });
      return { points: buckets.map(timingPoint), stepSeconds: spec.step };
    },
  };
}
