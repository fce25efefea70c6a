import type { Logger } from "../core/logger.js";
import type { OwnedAlertEvent } from "./alert-event.js";
import { type AlertQueue, enqueueDeliveries } from "./delivery/alert-queue.js";
import type { RecordedAlerts } from "./monitor-alerts.js";

/** AlertDispatchDeps say where committed alerts go. */
export interface AlertDispatchDeps {
  /** Without it, deliveries stay pending until a delivery worker's sweeper queues them. */
  queue?: Pick<AlertQueue, "addBulk">;
  /** Publishes the events live; must not throw. */
  onAlertEvents?: (events: OwnedAlertEvent[]) => void;
  log: Logger;
}

/**
 * createAlertDispatcher returns what runs after a batch's transaction commits: queue its
 * deliveries (one job each) and hand its events to the live stream. It never throws: a lost
 * enqueue is repaired by the delivery sweeper, and failing the write would only store the
 * batch again for nothing.
 */
export function createAlertDispatcher(
  deps: AlertDispatchDeps,
): (recorded: RecordedAlerts) => Promise<void> {
  return async ({ events, deliveries }) => {
    if (events.length === 0) return;
    if (deps.queue) {
      await enqueueDeliveries(deps.queue, deliveries).catch((error: unknown) =>
        deps.log.warn("queueing alert deliveries failed; the sweeper will retry", { error }),
      );
    }
    try {
      deps.onAlertEvents?.(events);
    } catch (error) {
      deps.log.warn("publishing alert events failed", { error });
    }
  };
}
