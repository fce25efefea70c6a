import type { JsonObject } from "@bufbuild/protobuf";
import { Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type pg from "pg";
import type { CheckJob } from "../../gen/pulsar/v1/check_pb.js";
import {
  addCheckBatch,
  type CheckQueue,
  checkQueueName,
  createCheckQueue,
  decodeCheckBatch,
} from "../checks/queue/check-queue.js";
import { slotTimeMs, staleAtMs } from "../checks/queue/check-timing.js";
import { monitorLockPrefix, startRegionDispatch } from "../checks/queue/region-dispatch.js";
import type { Logger } from "../core/logger.js";
import type { ProbeLeaseMetrics } from "../metrics/probe-lease-metrics.js";
import { createJobWaiter, type Handed } from "./job-waiter.js";
import { decodeLeaseId, encodeLeaseId, type LeaseRef, newLeaseToken } from "./lease-id.js";
import { createProbeMonitorLocks } from "./probe-monitor-locks.js";

/** ProbeRegionDeps are the connections and settings of one region served to probes. */
export interface ProbeRegionDeps {
  pool: pg.Pool;
  /** A plain (command) connection: the schedule, the monitor locks. */
  redis: Redis;
  /** BullMQ's connection (maxRetriesPerRequest null); BullMQ duplicates it. */
  bullConnection: Redis;
  prefix: string;
  region: string;
  /** DEFAULT_REGION: the region of a monitor that lists none. */
  defaultRegion: string;
  /** PROBE_LEASE_MS: a lease's lock; lapsed ones are looked for twice as often. */
  leaseMs: number;
  reconcileEveryMs: number;
  /** Counts checks and leases by outcome (pulsar_probe_*); none in tests that do not look. */
  metrics?: ProbeLeaseMetrics;
  log: Logger;
}

/** Lease is one check job held by a probe: the checks of it the probe is to run. */
export interface Lease {
  id: string;
  checks: CheckJob[];
}

/** TakeOptions bound how long TakeChecks waits for checks to fall due. */
export interface TakeOptions {
  waitMs: number;
  /** The request's: a probe that hung up takes nothing more. */
  signal?: AbortSignal;
}

/** ProbeRegion leases one region's check jobs to probes. */
export interface ProbeRegion {
  readonly region: string;
  readonly leaseMs: number;
  /** take leases due checks, up to `maxChecks`, waiting up to waitMs for the first. */
  take(maxChecks: number, options: TakeOptions): Promise<Lease[]>;
  /** extend extends leases by leaseMs; returns the ids of those no longer held. */
  extend(leaseIds: readonly string[]): Promise<string[]>;
  /**
   * complete completes leases whose results are stored, and frees their monitors' locks;
   * returns the ids of those no longer held (their checks may have run again elsewhere).
   */
  complete(leaseIds: readonly string[]): Promise<string[]>;
  /** drain ends TakeChecks' waits at once and leases no more (SIGTERM, before the server closes). */
  drain(): void;
  /** close stops dispatching and leasing; leases held lapse and go to another API's probes. */
  close(): Promise<void>;
}

/**
 * startProbeRegion serves a region to remote probes: it runs the region's dispatch (a region of
 * probes alone has no worker to claim its due checks and reconcile its schedule) and leases the
 * region's check jobs with BullMQ's manual job processing. A leased job is active in BullMQ,
 * locked with the lease's token for leaseMs; a probe that stops extending it loses it, and the
 * stalled-job check (run by every API serving the region, twice a lease) hands it to another
 * probe of the region. The checks of a job are also guarded by the region's monitor locks, the
 * workers' own, so a probe and a worker of one region never check one monitor at once.
 * TakeChecks that wait for checks to fall due wait on BullMQ's blocking fetch, one per region
 * (job-waiter.ts), which wakes as soon as a job is queued or a delayed one is due.
 */
export async function startProbeRegion(deps: ProbeRegionDeps): Promise<ProbeRegion> {
  const { region, leaseMs, log, metrics } = deps;
  const queue: CheckQueue = createCheckQueue(deps.bullConnection, deps.prefix, region);
  const worker = new Worker<JsonObject, void, string>(checkQueueName(region), null, {
    connection: deps.bullConnection,
    prefix: deps.prefix,
    autorun: false,
    lockDuration: leaseMs,
    // Twice a lease: a lapsed lease is seen at the second pass after it was taken, so its checks
    // go to another probe within about 1.5 leases (2 when BullMQ skips a pass, as it does when
    // its timer beats the pass's rate-limit key by a millisecond). A live probe's extension
    // takes its job out of the passes' watch.
    stalledInterval: Math.max(500, Math.floor(leaseMs / 2)),
  });
  worker.on("error", (error) => log.warn("probe lease worker error", { region, error }));
  // Every API process runs the stalled-job check: each lapsed lease is counted by the one whose
  // pass moved it back.
  worker.on("stalled", () => metrics?.observeProbeLeases(region, "lapsed", 1));
  /**
   * putBack returns a job taken for a request that has left to the end of the wait list that
   * jobs are taken from: the next probe gets it at once, not once its lock lapses.
   */
  const putBack = async ({ job, token }: Handed<RegionJob>) => {
    await job.moveToWait(token).catch((error: unknown) =>
      // Its lock lapses within a lease, and the stalled-job check moves it back then.
      log.warn("returning a check job nobody waits for failed", { region, jobId: job.id, error }),
    );
  };
  // The waiting TakeChecks' one blocked fetch, on the worker's own blocking connection.
  const waiter = createJobWaiter<RegionJob>({
    // Typed as always resolving a job; it resolves undefined when its block times out.
    next: (token) => worker.getNextJob(token, { block: true }) as Promise<RegionJob | undefined>,
    putBack,
    newToken: newLeaseToken,
    log,
    region,
  });
  const locks = createProbeMonitorLocks(deps.redis, monitorLockPrefix(deps.prefix, region));
  await worker.waitUntilReady();
  void worker.startStalledCheckTimer();
  const stopDispatch = startRegionDispatch({
    pool: deps.pool,
    redis: deps.redis,
    queue,
    prefix: deps.prefix,
    region,
    defaultRegion: deps.defaultRegion,
    reconcileEveryMs: deps.reconcileEveryMs,
    log,
  });
  let closed = false;

  /**
   * leaseJob turns a job just taken into a lease of at most `room` checks: those a whole
   * interval late are dropped, those past `room` go back to the queue as a job of their own,
   * those whose monitor another check holds are left out. A job left with none is completed.
   */
  const leaseJob = async (
    job: RegionJob,
    token: string,
    room: number,
  ): Promise<Lease | undefined> => {
    const jobId = job.id;
    if (jobId === undefined) return undefined;
    const at = Date.now();
    let checks: CheckJob[];
    try {
      checks = decodeCheckBatch(job.data, job);
    } catch (error) {
      log.warn("check job unreadable; failed", { region, jobId, error });
      await job.moveToFailed(new Error("unreadable check job"), token, false);
      return undefined;
    }
    const fresh = checks.filter((check) => at < staleAtMs(check));
    metrics?.observeProbeChecks(region, "stale", checks.length - fresh.length);
    if (fresh.length < checks.length) {
      log.debug("checks dropped: a whole interval late", {
        region,
        jobId,
        dropped: checks.length - fresh.length,
      });
    }
    const kept = fresh.slice(0, room);
    if (fresh.length > room) await addCheckBatch(queue, fresh.slice(room));
    // Held from now until the check's slot plus its timeout, as a worker holds it from start:
    // freed earlier when the results arrive (complete).
    const taken = await locks.acquire(
      token,
      kept.map((check) => ({
        monitorId: check.monitorId,
        ttlMs: Math.max(0, check.scheduledAtMs - at) + slotTimeMs(check),
      })),
    );
    const held = kept.filter((_, i) => taken[i]);
    metrics?.observeProbeChecks(region, "locked", kept.length - held.length);
    if (held.length < kept.length) {
      log.debug("checks skipped: previous check still running", {
        region,
        jobId,
        skipped: kept.length - held.length,
      });
    }
    if (held.length === 0) {
      await job.moveToCompleted(undefined, token, false);
      return undefined;
    }
    metrics?.observeProbeChecks(region, "leased", held.length);
    metrics?.observeProbeLeases(region, "taken", 1);
    return { id: encodeLeaseId({ jobId, token }), checks: held };
  };

  const takeNow = async (room: number, leases: Lease[]): Promise<number> => {
    while (room > 0 && !closed) {
      const token = newLeaseToken();
      const job = await worker.getNextJob(token, { block: false });
      if (!job) break;
      const lease = await leaseJob(job, token, room);
      if (lease) {
        leases.push(lease);
        room -= lease.checks.length;
      }
    }
    return room;
  };

  /** extendRefs extends leases' locks in one call; the refs no longer held. */
  const extendRefs = async (refs: readonly LeaseRef[]): Promise<Set<LeaseRef>> => {
    if (refs.length === 0) return new Set();
    const failed = new Set(
      await worker.extendJobLocks(
        refs.map((ref) => ref.jobId),
        refs.map((ref) => ref.token),
        leaseMs,
      ),
    );
    return new Set(refs.filter((ref) => failed.has(ref.jobId)));
  };

  /** refsOf reads lease ids, each once; ids no API made are lost leases. */
  const refsOf = (leaseIds: readonly string[]) => {
    const refs = new Map<string, LeaseRef>();
    const unknown: string[] = [];
    for (const id of new Set(leaseIds)) {
      const ref = decodeLeaseId(id);
      if (ref) refs.set(id, ref);
      else unknown.push(id);
    }
    return { refs, unknown };
  };

  return {
    region,
    leaseMs,
    async take(maxChecks, { waitMs, signal }) {
      const leases: Lease[] = [];
      const deadline = Date.now() + waitMs;
      let room = await takeNow(maxChecks, leases);
      while (leases.length === 0 && !closed) {
        const handed = await waiter.wait(deadline, signal);
        if (!handed) break;
        if (signal?.aborted || closed) {
          await putBack(handed);
          break;
        }
        const lease = await leaseJob(handed.job, handed.token, room);
        if (lease) {
          leases.push(lease);
          room -= lease.checks.length;
        }
        // Checks that fell due with it go in the same answer.
        room = await takeNow(room, leases);
      }
      return leases;
    },
    async extend(leaseIds) {
      const { refs, unknown } = refsOf(leaseIds);
      const lost = await extendRefs([...refs.values()]);
      return [...unknown, ...[...refs].filter(([, ref]) => lost.has(ref)).map(([id]) => id)];
    },
    async complete(leaseIds) {
      const { refs, unknown } = refsOf(leaseIds);
      // Extending first tells the leases still held, atomically, and keeps them held while
      // they are completed one by one.
      const lapsed = await extendRefs([...refs.values()]);
      const lost = [...unknown];
      for (const [id, ref] of refs) {
        if (lapsed.has(ref)) {
          lost.push(id);
          continue;
        }
        const job = await Job.fromId<JsonObject, void, string>(worker, ref.jobId);
        if (!job) {
          lost.push(id);
          continue;
        }
        try {
          await job.moveToCompleted(undefined, ref.token, false);
        } catch (error) {
          // BullMQ's refusals (lock lost or taken, job gone) carry a negative code; anything
          // else (Redis down) fails the call.
          if (!isJobStateRefusal(error)) throw error;
          lost.push(id);
          continue;
        }
        const monitorIds = decodeCheckBatch(job.data, job).map((check) => check.monitorId);
        await locks.release(ref.token, monitorIds);
        metrics?.observeProbeLeases(region, "completed", 1);
      }
      metrics?.observeProbeLeases(region, "lost", lost.length);
      return lost;
    },
    drain() {
      closed = true;
      void waiter.stop();
    },
    async close() {
      closed = true;
      const waited = waiter.stop();
      await stopDispatch();
      // Forced: a fetch blocked in BZPOPMIN would hold a polite QUIT of the blocking connection
      // until its block times out (seconds); no job runs in this worker to wait for.
      await worker.close(true);
      await waited;
      await queue.close();
    },
  };
}

/** RegionJob is a check job as the region's worker takes it. */
type RegionJob = Job<JsonObject, void, string>;

/** isJobStateRefusal tells BullMQ's refusal of a job's move (finished-errors.ts) from a fault. */
function isJobStateRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && code < 0;
}
