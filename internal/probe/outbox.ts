import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";

/** OutboxBatch is the oldest part of an outbox: what one ReportResults call carries. */
export interface OutboxBatch {
  results: CheckResult[];
  /** Leases whose every result is in this batch or an earlier one. */
  finishedLeaseIds: string[];
  /** The sequence number of the last entry taken: ack(lastSeq) removes the batch. */
  lastSeq: number;
}

/**
 * Outbox holds what the probe has yet to report, oldest first: results, and after the last
 * result of a lease, that lease's id. Reporting a prefix of it therefore never names a lease
 * finished before all its results went out ("in this call or an earlier one").
 */
export interface Outbox {
  /** pushLease appends a finished lease's results, then its id; answers how many results were
   *  pushed out (the oldest) to keep within capacity. */
  pushLease(leaseId: string, results: readonly CheckResult[]): number;
  /** pushResults appends results with no lease to finish (a lease the API said was lost). */
  pushResults(results: readonly CheckResult[]): number;
  /** peek returns the oldest entries: at most maxResults results and maxLeases lease ids. */
  peek(maxResults: number, maxLeases: number): OutboxBatch;
  /** ack removes the entries up to and including lastSeq (those the API stored). */
  ack(lastSeq: number): void;
  /** Results held. */
  readonly results: number;
  /** Results and lease ids held. */
  readonly size: number;
  /** Results pushed out since the outbox was made. */
  readonly dropped: number;
}

type Entry = { seq: number; result: CheckResult } | { seq: number; leaseId: string };

/**
 * createOutbox makes an outbox of at most `capacity` results (PROBE_BUFFER_MAX). Past it the
 * oldest entries go from the front: results, and lease ids that reach the front on the way.
 * A lease whose results went may thus still be reported finished (its job completes) or not
 * (it lapses, and BullMQ drops its checks as stale): either way those checks are long past
 * their slot. Lease ids alone are bounded as well (twice the capacity),
 * for leases whose checks were all dropped as stale. Entries carry sequence numbers so that an
 * ack after the oldest were pushed out (during a slow call) removes only what was sent.
 */
export function createOutbox(capacity: number): Outbox {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error("capacity must be >= 1");
  // Entries before head are cleared (undefined), so that sent results are not kept alive.
  let items: (Entry | undefined)[] = [];
  let head = 0;
  let nextSeq = 1;
  let results = 0;
  let dropped = 0;

  // Removing from the front by index, compacting now and then, keeps push and ack O(1).
  const compact = () => {
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  };
  const shift = (): Entry | undefined => {
    const entry = items[head];
    items[head++] = undefined;
    if (entry && "result" in entry) results--;
    return entry;
  };
  const bound = (): number => {
    let pushedOut = 0;
    while (results > capacity || items.length - head > capacity * 2) {
      const entry = shift();
      if (entry && "result" in entry) pushedOut++;
    }
    return pushedOut;
  };
  const append = (leaseId: string | undefined, list: readonly CheckResult[]): number => {
    for (const result of list) {
      items.push({ seq: nextSeq++, result });
      results++;
    }
    if (leaseId !== undefined) items.push({ seq: nextSeq++, leaseId });
    const pushedOut = bound();
    dropped += pushedOut;
    compact();
    return pushedOut;
  };

  return {
    pushLease: (leaseId, list) => append(leaseId, list),
    pushResults: (list) => append(undefined, list),
    peek(maxResults, maxLeases) {
      const batch: OutboxBatch = { results: [], finishedLeaseIds: [], lastSeq: 0 };
      for (let i = head; i < items.length; i++) {
        const entry = items[i];
        if (!entry) break;
        if ("result" in entry) {
          if (batch.results.length >= maxResults) break;
          batch.results.push(entry.result);
        } else {
          if (batch.finishedLeaseIds.length >= maxLeases) break;
          batch.finishedLeaseIds.push(entry.leaseId);
        }
        batch.lastSeq = entry.seq;
      }
      return batch;
    },
    ack(lastSeq) {
      while (head < items.length && (items[head]?.seq ?? Number.POSITIVE_INFINITY) <= lastSeq) {
        shift();
      }
      compact();
    },
    get results() {
      return results;
    },
    get size() {
      return items.length - head;
    },
    get dropped() {
      return dropped;
    },
  };
}
