import type pg from "pg";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { AlertHandOut } from "../../alerts/hand-out.js";
import type { Logger } from "../../core/logger.js";
import { preparedConnection } from "../../db/connection.js";
import { withTransaction } from "../../db/transaction.js";
import type { StreamPublisher } from "../../stream/publisher.js";
import { announceStored, storeCheckResultsIn } from "../results/store-check-results.js";
import {
  type HeartbeatRow,
  type HeartbeatTimes,
  heartbeatSpecOf,
  saveHeartbeatStates,
  usOf,
} from "./heartbeat-state.js";
import { applyPing, type PingKind } from "./ping-effects.js";
import * as q from "./ping-inbox.queries.js";

/** PingApplyDeps are what applying queued pings uses. */
export interface PingApplyDeps {
  pool: Pick<pg.Pool, "connect">;
  /** Publishes committed results live; none in tests that do not look. */
  publisher?: Pick<StreamPublisher, "publishCheckResults">;
  /** Takes committed alert events (deliveries queued, events published). */
  handOut?: AlertHandOut;
  /** Whether a monitor is in a maintenance window at an instant; none: no ping is marked. */
  inMaintenance?: (monitorId: string, atMs: number) => boolean;
  log: Logger;
}

/** APPLY_BATCH_MONITORS bounds the monitors whose pings one transaction applies (and locks). */
export const APPLY_BATCH_MONITORS = 500;

/** AppliedPings is what one round did, committed. */
export interface AppliedPings {
  /** Pings taken from the inbox: applied, or dropped as their monitor is paused or gone. */
  taken: number;
  /** Monitors they were pings of: APPLY_BATCH_MONITORS means more may be waiting. */
  monitors: number;
  /** The results stored (a start stores none). */
  results: CheckResult[];
}

/**
 * applyQueuedPings applies the inbox's pings of up to `monitors` monitors in one transaction:
 * take them with their heartbeat_state rows locked (TakeQueuedPings: every pending ping of a
 * monitor at once, in the order queued, deleted from the inbox in the same transaction), apply
 * each in that order (applyPing) with a time from `stamp` taken under the lock, write the rows
 * back, and store the results through storeCheckResultsIn (status, incidents, alerts): a
 * ping's result, its effect on the deadline and its leaving the inbox commit together or not
 * at all, so each ping is applied exactly once, whichever process applies it. A ping whose
 * monitor was paused, deleted or made another kind since it was queued is dropped. After
 * COMMIT the results are published and their alert events handed out, as a worker does.
 */
export async function applyQueuedPings(
  deps: PingApplyDeps,
  stamp: () => number,
  monitors = APPLY_BATCH_MONITORS,
): Promise<AppliedPings> {
  const round = await withTransaction(deps.pool, async (client, sendCommit) => {
    const db = preparedConnection(client);
    // One round trip: a monitor without its state row gets one, then the pings are taken.
    const [, pings] = await Promise.all([
      q.ensureQueuedHeartbeatStates.run(undefined, db),
      q.takeQueuedPings.run({ monitors }, db),
    ]);
    const states = new Map<string, { times: HeartbeatTimes; row: q.TakeQueuedPingsResult }>();
    const results: CheckResult[] = [];
    for (const ping of pings) {
      let state = states.get(ping.monitor_id);
      if (state === undefined) {
        state = {
          row: ping,
          times: {
            dueUs: usOf(ping.due_us),
            startedUs: usOf(ping.started_us),
            lastPingUs: usOf(ping.last_ping_us),
          },
        };
        states.set(ping.monitor_id, state);
      }
      const { row } = state;
      // Paused or no longer a heartbeat since it was queued: nothing to apply (the monitor
      // service disarmed it). Its token was checked when it was queued: a monitor given another
      // token since still counts a ping acknowledged with the old one.
      if (!row.is_heartbeat || !row.enabled) continue;
      const effect = applyPing(heartbeatSpecOf(row.kind_spec), state.times, {
        monitorId: ping.monitor_id,
        kind: ping.kind as PingKind,
        arrivedMs: ping.arrived_ms,
        atUs: stamp(),
        body: ping.body,
        region: ping.region,
      });
      state.times = effect.times;
      if (effect.result) {
        // Like a check in a window: stored, counted in no uptime, alerting on nothing.
        effect.result.maintenance = deps.inMaintenance?.(ping.monitor_id, ping.arrived_ms) ?? false;
        results.push(effect.result);
      }
    }
    const saved: HeartbeatRow[] = [];
    for (const [monitorId, { row, times }] of states) {
      if (row.is_heartbeat && row.enabled) saved.push({ monitorId, ...times });
    }
    // The heartbeat rows go out first; COMMIT follows the results' statements.
    const [, stored] = await Promise.all([
      saveHeartbeatStates(client, saved),
      storeCheckResultsIn(client, results, { sendCommit }),
    ]);
    return { taken: pings.length, monitors: states.size, results, stored };
  });
  await announceStored(deps, round.results, round.stored, "ping results");
  return { taken: round.taken, monitors: round.monitors, results: round.results };
}

/** PingApplier applies the inbox in the background of the process that queues pings. */
export interface PingApplier {
  /** kick says pings were queued: a round runs now, or right after the one running. */
  kick(): void;
  /** close stops, having applied what is in the inbox. */
  close(): Promise<void>;
}

/** APPLY_RETRY_MS is when a round runs again after one that failed (Postgres away). */
export const APPLY_RETRY_MS = 1_000;

/**
 * createPingApplier applies queued pings as they come: each kick starts a round, or another
 * round after the one running; rounds follow each other while there is a backlog. A failed
 * round is logged and retried after APPLY_RETRY_MS. Workers' sweepers apply the inbox too,
 * every second (sweeper.ts): pings an API process queued and could not apply (killed), or
 * skipped while another transaction held their monitor's row, are applied there.
 */
export function createPingApplier(
  deps: PingApplyDeps & { now?: () => number; retryMs?: number },
): PingApplier {
  const stamp = monotonicMicros(deps.now ?? Date.now);
  const retryMs = deps.retryMs ?? APPLY_RETRY_MS;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const later = () => {
    clearTimeout(timer);
    if (closed) return;
    timer = setTimeout(kick, retryMs);
    timer.unref();
  };
  const loop = async () => {
    try {
      do {
        again = false;
        const round = await applyQueuedPings(deps, stamp);
        if (round.monitors >= APPLY_BATCH_MONITORS) again = true;
      } while (again);
    } catch (error) {
      deps.log.warn("applying queued pings failed", { error });
      later();
    } finally {
      // In the same turn as the last look at `again`: a kick after it starts a new loop.
      running = undefined;
    }
  };
  function kick() {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = loop();
  }
  return {
    kick,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
      // What is left (the endpoint has stopped queueing): applied now, not at the next sweep.
      await applyQueuedPings(deps, stamp).catch((error: unknown) =>
        deps.log.warn("applying queued pings failed", { error }),
      );
    },
  };
}

/**
 * monotonicMicros returns a clock of epoch microseconds that never repeats a value: a result's
 * checkedAt is part of its key, and two pings of one monitor may come within a millisecond.
 */
export function monotonicMicros(now: () => number): () => number {
  let last = 0;
  return () => {
    last = Math.max(Math.floor(now() * 1000), last + 1);
    return last;
  };
}
