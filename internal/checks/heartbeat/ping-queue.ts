import type pg from "pg";
import { createBatchWriter } from "../../core/batch-writer.js";
import type { Logger } from "../../core/logger.js";
import { preparedConnection } from "../../db/connection.js";
import type { PingKind } from "./ping-effects.js";
import * as q from "./ping-inbox.queries.js";

/** Ping is a ping accepted by the endpoint, to be queued. */
export interface Ping {
  monitorId: string;
  /** The token it came with: queued only if it is the monitor's. */
  token: string;
  kind: PingKind;
  /** When its request arrived, epoch ms. */
  arrivedMs: number;
  /** Its body, cleaned (ping-body.ts). */
  body: string;
}

/**
 * PingOutcome is what became of a ping once its batch committed: queued (acknowledged: it will
 * be applied), ignored because its monitor is paused (the endpoint's cache did not know yet),
 * or its monitor is gone (deleted, no longer a heartbeat, or its token is not the monitor's
 * any more).
 */
export type PingOutcome = "queued" | "paused" | "gone";

/** PingQueueDeps are what queueing pings uses. */
export interface PingQueueDeps {
  /** Each batch is one statement on a pooled client: it commits by itself. */
  pool: Pick<pg.Pool, "connect">;
  /** REGION of this process: the pings' results' region. */
  region: string;
  log: Logger;
  /** How long a batch waits for more pings after its first: see DEFAULT_PING_BATCH_MS. */
  batchDelayMs?: number;
  /** How long a failing batch is retried before its pings are refused (503). */
  retryForMs?: number;
  /** Called after each batch that queued a ping: the applier's cue. */
  onQueued?: () => void;
}

/** PingQueue puts pings in the inbox; write resolves once the ping's batch has committed. */
export interface PingQueue {
  write(ping: Ping): Promise<PingOutcome>;
  /** close queues what is pending and stops. */
  close(): Promise<void>;
}

/**
 * DEFAULT_PING_BATCH_MS is how long a batch of pings waits after its first while other batches
 * are being written (a ping arriving when none is goes out at once). A ping is answered only
 * once queued, so this adds to answers under load; there batches grow anyway while others are
 * being written (up to 4 at once), so a longer window buys little: at 2,000 pings/s, 1, 2 and
 * 5 ms gave the same throughput and Postgres CPU (bench/README.md, bench/pings.ts).
 */
export const DEFAULT_PING_BATCH_MS = 1;

interface PendingPing {
  ping: Ping;
  outcome?: PingOutcome;
}

/**
 * createPingQueue puts pings in the inbox (ping_inbox) in batches, one statement each
 * (QueuePings): a lone ping costs one round trip and one commit, which is all its answer waits
 * for. Each ping is checked against its monitor in that statement, so a paused or deleted
 * monitor's pings are refused at once (the endpoint's cache may be stale). What a ping does to
 * its monitor is applied right after, in batches (ping-applier.ts).
 */
export function createPingQueue(deps: PingQueueDeps): PingQueue {
  const writer = createBatchWriter<PendingPing>({
    label: "heartbeat pings",
    write: async (batch) => {
      const pings = batch.map((pending) => pending.ping);
      const client = await deps.pool.connect();
      let rows: q.QueuePingsResult[];
      try {
        rows = await q.queuePings.run(
          {
            monitorIds: pings.map((p) => p.monitorId),
            tokens: pings.map((p) => p.token),
            kinds: pings.map((p) => p.kind),
            arrivedMs: pings.map((p) => p.arrivedMs),
            bodies: pings.map((p) => p.body),
            region: deps.region,
          },
          preparedConnection(client),
        );
      } finally {
        client.release();
      }
      // Only now, committed: a retried batch decides its outcomes afresh.
      for (const row of rows) {
        const pending = batch[Number(row.ord) - 1];
        if (pending) pending.outcome = outcomeOf(row.outcome);
      }
      if (batch.some((pending) => pending.outcome === "queued")) deps.onQueued?.();
    },
    maxDelayMs: deps.batchDelayMs ?? DEFAULT_PING_BATCH_MS,
    // A lone ping is not kept waiting for company that is not coming.
    writeAtOnceWhenIdle: true,
    // A client waits for its answer: a Postgres restart is bridged for a while, then refused.
    retryForMs: deps.retryForMs ?? 10_000,
    log: deps.log,
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

function outcomeOf(text: string): PingOutcome {
  return text === "queued" || text === "paused" ? text : "gone";
}
