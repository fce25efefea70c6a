import type { Logger } from "../core/logger.js";
import type { OwnedAlertEvent } from "./alert-event.js";
import { type AlertQueue, enqueueDeliveries } from "./delivery/alert-queue.js";

/** AlertHandOutDeps say where committed alert events go. */
export interface AlertHandOutDeps {
  /** Without it, deliveries stay pending until a delivery worker's sweeper queues them. */
  queue?: Pick<AlertQueue, "addBulk">;
  /** Publishes the events on their organizations' `alerts` topic. */
  publisher?: { publishAlertEvents(events: readonly OwnedAlertEvent[]): Promise<void> };
  log: Logger;
}

/** AlertHandOut takes alert events whose transaction has committed. */
export type AlertHandOut = (events: readonly OwnedAlertEvent[]) => Promise<void>;

/**
 * createAlertHandOut returns the one step every alert takes after its transaction commits,
 * whoever decided it (a monitor's results, a host rule, the silent-host sweep): queue one
 * delivery job per event and channel, and publish the events live. It runs after COMMIT so that
 * nothing is queued or shown for an alert that was rolled back, and it never throws: the events
 * and their pending deliveries are in Postgres, a lost enqueue is repaired by the delivery
 * sweeper and a lost publish by the stream's replay.
 */
export function createAlertHandOut(deps: AlertHandOutDeps): AlertHandOut {
  const { log } = deps;
  return async (events) => {
    if (events.length === 0) return;
    const keys = events.flatMap(({ event }) =>
      event.deliveries.map((delivery) => ({ eventId: event.id, channelId: delivery.channelId })),
    );
    await Promise.all([
      deps.queue &&
        keys.length > 0 &&
        enqueueDeliveries(deps.queue, keys).catch((error: unknown) =>
          log.warn("queueing alert deliveries failed; the sweeper will", { error }),
        ),
      deps.publisher
        ?.publishAlertEvents(events)
        .catch((error: unknown) => log.warn("publishing alert events failed", { error })),
    ]);
  };
}
