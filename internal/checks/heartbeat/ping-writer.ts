import type pg from "pg";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { AlertHandOut } from "../../alerts/hand-out.js";
import { createBatchWriter } from "../../core/batch-writer.js";
import type { Logger } from "../../core/logger.js";
import { connection, preparedConnection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import { type SendCommit, withTransaction } from "../../db/transaction.js";
import type { StreamPublisher } from "../../stream/publisher.js";
import { ownersOf, storeCheckResultsIn } from "../results/store-check-results.js";
import { lockMonitorStates } from "../status/monitor-states.js";
import {
  type HeartbeatRow,
  heartbeatSpecOf,
  saveHeartbeatStates,
  usOf,
} from "./heartbeat-state.js";
import * as q from "./heartbeat-state.queries.js";
import { applyPing, type PingKind } from "./ping-effects.js";

/** Ping is a ping accepted by the endpoint, to be stored. */
export interface Ping {
  monitorId: string;
  /** The token it came with: stored only if it is still the monitor's. */
  token: string;
  kind: PingKind;
  /** When its request arrived, epoch ms. */
  arrivedMs: number;
  /** Its body, cleaned (ping-body.ts). */
  body: string;
}

/**
 * PingOutcome is what became of a ping once its batch committed: stored, ignored because its
 * monitor is paused (the endpoint's cache did not know yet), or its monitor is gone (deleted,
 * no longer a heartbeat, or its token is not the monitor's any more).
 */
export type PingOutcome = "stored" | "paused" | "gone";

/** PingWriterDeps are what storing pings uses. */
export interface PingWriterDeps {
  pool: Pick<pg.Pool, "connect">;
  /** REGION of this process: the results' region. */
  region: string;
  /** Publishes committed results live; none in tests that do not look. */
  publisher?: Pick<StreamPublisher, "publishCheckResults">;
  /** Takes committed alert events (deliveries queued, events published). */
  handOut?: AlertHandOut;
  log: Logger;
  /** Epoch ms, fractions allowed; Date.now by default. */
  now?: () => number;
  /** How long a batch waits for more pings after its first: see DEFAULT_PING_BATCH_MS. */
  batchDelayMs?: number;
  /** How long a failing batch is retried before its pings are refused (503). */
  retryForMs?: number;
  /** Whether a monitor is in a maintenance window at an instant; none: no ping is marked. */
  inMaintenance?: (monitorId: string, atMs: number) => boolean;
}

/** PingWriter stores pings in batches; write resolves once the ping's batch has committed. */
export interface PingWriter {
  write(ping: Ping): Promise<PingOutcome>;
  /** close stores what is pending and stops. */
  close(): Promise<void>;
}

/**
 * DEFAULT_PING_BATCH_MS is how long a batch of pings waits after its first while other batches
 * are being written (a ping arriving when none is goes out at once). A ping is answered only
 * once stored, so this adds to answers under load; there batches grow anyway while others are
 * being written (up to 4 at once), so a longer window buys little: at 2,000 pings/s, 1, 2 and
 * 5 ms gave the same throughput and Postgres CPU (bench/README.md, bench/pings.ts).
 */
export const DEFAULT_PING_BATCH_MS = 1;

interface PendingPing {
  ping: Ping;
  outcome?: PingOutcome;
}

/**
 * createPingWriter stores pings as check results, in batches of one transaction each: lock the
 * batch's heartbeat_state rows (id order), apply each ping in arrival order (applyPing) with a
 * time taken under the lock, write the rows back, and store the results through
 * storeCheckResultsIn (status, incidents, alerts), so a ping's result and its effect on the
 * deadline commit together or not at all. After COMMIT the results are published and their
 * alert events handed out, as the check worker does; then the pings are answered.
 */
export function createPingWriter(deps: PingWriterDeps): PingWriter {
  const { log } = deps;
  const stamp = monotonicMicros(deps.now ?? Date.now);
  const writer = createBatchWriter<PendingPing>({
    label: "heartbeat pings",
    write: async (batch) => {
      const { results, outcomes, stored } = await withTransaction(deps.pool, (client, sendCommit) =>
        storePings(client, sendCommit, batch, stamp, deps.region, deps.inMaintenance),
      );
      // Only now, committed: a retried batch decides its outcomes afresh.
      batch.forEach((pending, i) => {
        pending.outcome = outcomes[i];
      });
      deps.publisher
        ?.publishCheckResults(results, ownersOf(stored.monitors))
        .catch((error: unknown) => log.warn("publishing ping results failed", { error }));
      await deps.handOut?.(stored.alertEvents);
    },
    maxDelayMs: deps.batchDelayMs ?? DEFAULT_PING_BATCH_MS,
    // A lone ping is not kept waiting for company that is not coming.
    writeAtOnceWhenIdle: true,
    // A client waits for its answer: a Postgres restart is bridged for a while, then refused.
    retryForMs: deps.retryForMs ?? 10_000,
    log,
  });
  return {
    async write(ping) {
      const pending: PendingPing = { ping };
      await writer.add(pending);
      return pending.outcome ?? "gone";
    },
    close: () => writer.close(),
  };
}

/** storePings is one batch's transaction; see createPingWriter. */
async function storePings(
  client: Queryable,
  sendCommit: SendCommit,
  batch: readonly PendingPing[],
  stamp: () => number,
  region: string,
  inMaintenance?: (monitorId: string, atMs: number) => boolean,
) {
  const ids = [...new Set(batch.map((p) => p.ping.monitorId))].sort();
  // The heartbeat rows, then the monitors' states (the order every writer locks them in), in
  // one round trip on a pipelined client: both are needed before anything is decided.
  let [rows, lockedStates] = await Promise.all([
    q.lockPingStates.run({ monitorIds: ids }, preparedConnection(client)),
    lockMonitorStates(client, ids),
  ]);
  if (rows.length < ids.length) {
    // Rare: a monitor the service did not arm (or deleted meanwhile: it stays missing).
    await q.ensureHeartbeatStates.run({ monitorIds: ids }, connection(client));
    rows = await q.lockPingStates.run({ monitorIds: ids }, preparedConnection(client));
  }
  const states = new Map(
    rows.map((row) => [
      row.monitor_id,
      {
        enabled: row.enabled,
        token: row.ping_token,
        spec: heartbeatSpecOf(row.kind_spec),
        times: {
          dueUs: usOf(row.due_us),
          startedUs: usOf(row.started_us),
          lastPingUs: usOf(row.last_ping_us),
        },
      },
    ]),
  );
  const results: CheckResult[] = [];
  const outcomes: PingOutcome[] = [];
  const changed = new Set<string>();
  for (const { ping } of batch) {
    const state = states.get(ping.monitorId);
    if (state === undefined || state.token !== ping.token || !state.enabled) {
      outcomes.push(state === undefined || state.token !== ping.token ? "gone" : "paused");
      continue;
    }
    const effect = applyPing(state.spec, state.times, { ...ping, atUs: stamp(), region });
    state.times = effect.times;
    changed.add(ping.monitorId);
    if (effect.result) {
      // Like a check in a window: stored, counted in no uptime, alerting on nothing.
      effect.result.maintenance = inMaintenance?.(ping.monitorId, ping.arrivedMs) ?? false;
      results.push(effect.result);
    }
    outcomes.push("stored");
  }
  const saved: HeartbeatRow[] = [];
  for (const monitorId of changed) {
    const state = states.get(monitorId);
    if (state) saved.push({ monitorId, ...state.times });
  }
  // The heartbeat rows go out first; COMMIT follows the results' statements in the same
  // round trip.
  const [, stored] = await Promise.all([
    saveHeartbeatStates(client, saved),
    storeCheckResultsIn(client, results, { lockedStates, sendCommit }),
  ]);
  return { results, outcomes, stored };
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
