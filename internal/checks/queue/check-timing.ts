import type { CheckJob } from "../../../gen/pulsar/v1/check_pb.js";
import { DEFAULT_TIMEOUT_MS } from "../http/index.js";

// The timing rules of a queued check, shared by the processor (which drops stale checks and
// locks monitors) and the admission (which holds organizations' slots and delays their excess).
// Apart from check-queue.ts on purpose: the API queues checks too, and these need the HTTP
// check's default timeout, which would load the check itself into the API process.

/** Lock and slot lifetime past the check's timeout: the check itself is bounded by its timeout. */
const LOCK_MARGIN_MS = 1000;

/** The interval of a check that does not carry one (queued before checks did). */
const FALLBACK_INTERVAL_MS = 60_000;

/**
 * A check taken this close to the end of its interval is dropped: between being taken and its
 * first byte come the monitor's lock (a Redis round trip) and the check's set-up, so one taken
 * a millisecond before the end would start after it — late by a whole interval, beside the next
 * interval's check. Checks waiting for their organization come back exactly there, so the edge
 * is often hit, not a rarity.
 */
const STALE_MARGIN_MS = 100;

/** staleAtMs is when a check becomes a whole interval late: from then on it is dropped. */
export function staleAtMs(check: CheckJob): number {
  const interval = check.intervalSeconds > 0 ? check.intervalSeconds * 1000 : FALLBACK_INTERVAL_MS;
  return check.scheduledAtMs + interval - STALE_MARGIN_MS;
}

/**
 * slotTimeMs is how long a check may take: its timeout and the lock's margin. It bounds the
 * monitor's lock and the organization's slot the check holds.
 */
export function slotTimeMs(check: CheckJob): number {
  const timeout = check.target?.timeoutMs ?? 0;
  return (timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS) + LOCK_MARGIN_MS;
}
