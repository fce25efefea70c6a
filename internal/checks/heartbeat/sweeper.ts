import type pg from "pg";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { AlertHandOut } from "../../alerts/hand-out.js";
import type { Logger } from "../../core/logger.js";
import { connection } from "../../db/connection.js";
import { withTransaction } from "../../db/transaction.js";
import type { StreamPublisher } from "../../stream/publisher.js";
import { announceStored, storeCheckResultsIn } from "../results/store-check-results.js";
import {
  type HeartbeatRow,
  heartbeatSpecOf,
  saveHeartbeatStates,
  usOf,
} from "./heartbeat-state.js";
import * as q from "./heartbeat-state.queries.js";
import { applyMiss } from "./miss-effects.js";
import { APPLY_BATCH_MONITORS, applyQueuedPings, monotonicMicros } from "./ping-applier.js";

/** SWEEP_BATCH bounds the deadlines one round records (and holds locked). */
export const SWEEP_BATCH = 500;
/** SWEEP_EVERY_MS is the time between rounds: a missed deadline is recorded within it. */
export const SWEEP_EVERY_MS = 1_000;

/** HeartbeatSweeperDeps are what the sweeper uses. */
export interface HeartbeatSweeperDeps {
  pool: Pick<pg.Pool, "connect">;
  /** REGION of this worker, recorded on missed results. */
  region: string;
  /** Publishes committed results live. */
  publisher?: Pick<StreamPublisher, "publishCheckResults">;
  /** Takes the alert events a round decided (monitors gone DOWN, reminders). */
  handOut?: AlertHandOut;
  /**
   * Whether a monitor is in a maintenance window at an instant (internal/maintenance's index):
   * a deadline missed inside one is stored marked, and alerts on nothing. None: never.
   */
  inMaintenance?: (monitorId: string, atMs: number) => boolean;
  log: Logger;
  /** SWEEP_BATCH unless given. */
  batch?: number;
}

/** SweepRound is what one round did: the missed results it stored, committed. */
export interface SweepRound {
  results: CheckResult[];
  /** Pings it found in the inbox and applied (or dropped) first. */
  pingsApplied: number;
}

/**
 * sweepHeartbeats runs one round at nowMs (the caller's clock: tests move it): first it applies
 * the pings still queued in the inbox (applyQueuedPings, at nowMs), then, in one transaction,
 * takes up to `batch` heartbeat monitors whose deadline has passed (oldest first,
 * skipping rows another sweeper or a ping's batch holds: see LockDueHeartbeats), records a
 * missed result for each and moves its deadline on (applyMiss), storing the results through
 * storeCheckResultsIn (status, incidents, alerts) in the same transaction. After COMMIT the
 * results are published and their alert events handed out. Many workers may sweep at once:
 * each deadline is recorded by exactly one.
 */
export async function sweepHeartbeats(
  deps: HeartbeatSweeperDeps,
  nowMs: number,
): Promise<SweepRound> {
  // Pings queued and not applied (their API process died, or is behind) come first: a monitor
  // with a ping still queued is not swept (LockDueHeartbeats), so they must not wait long.
  const stamp = monotonicMicros(() => nowMs);
  let pingsApplied = 0;
  for (;;) {
    const applied = await applyQueuedPings(deps, stamp);
    pingsApplied += applied.taken;
    if (applied.taken === 0 || applied.monitors < APPLY_BATCH_MONITORS) break;
  }
  const nowUs = Math.floor(nowMs * 1000);
  const { results, stored } = await withTransaction(deps.pool, async (client) => {
    const due = await q.lockDueHeartbeats.run(
      { now: new Date(nowMs), limit: deps.batch ?? SWEEP_BATCH },
      connection(client),
    );
    const rows: HeartbeatRow[] = [];
    const results: CheckResult[] = [];
    for (const row of due) {
      const effect = applyMiss({
        monitorId: row.monitor_id,
        spec: heartbeatSpecOf(row.kind_spec),
        times: {
          dueUs: Number(row.due_us),
          startedUs: usOf(row.started_us),
          lastPingUs: usOf(row.last_ping_us),
        },
        nowUs,
        region: deps.region,
        maintenance: deps.inMaintenance?.(row.monitor_id, nowMs) ?? false,
      });
      rows.push({ monitorId: row.monitor_id, ...effect.times });
      results.push(effect.result);
    }
    await saveHeartbeatStates(client, rows);
    return { results, stored: await storeCheckResultsIn(client, results) };
  });
  await announceStored(deps, results, stored, "missed heartbeats");
  return { results, pingsApplied };
}

/** HeartbeatSweeper is a running sweeper. */
export interface HeartbeatSweeper {
  /** stop ends the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

/**
 * startHeartbeatSweeper runs sweepHeartbeats now and every everyMs (SWEEP_EVERY_MS) until
 * stopped; a full round (a backlog) is followed by the next at once. A failed round is
 * logged; the next one retries, as nothing changes unless its transaction commits.
 */
export function startHeartbeatSweeper(
  deps: HeartbeatSweeperDeps & { everyMs?: number; now?: () => number },
): HeartbeatSweeper {
  const everyMs = deps.everyMs ?? SWEEP_EVERY_MS;
  const batch = deps.batch ?? SWEEP_BATCH;
  const now = deps.now ?? Date.now;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = () => {
    let full = false;
    running = sweepHeartbeats(deps, now())
      .then(({ results }) => {
        full = results.length >= batch;
        if (results.length > 0)
          deps.log.debug("recorded missed heartbeats", { count: results.length });
      })
      .catch((error: unknown) => deps.log.warn("sweeping heartbeats failed", { error }))
      .finally(() => {
        running = undefined;
        // A timeout after each round, not an interval: rounds never overlap in one process.
        if (!stopped) {
          timer = setTimeout(round, full ? 0 : everyMs);
          timer.unref();
        }
      });
  };
  round();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
