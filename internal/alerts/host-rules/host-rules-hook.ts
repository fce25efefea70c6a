import type pg from "pg";
import type { Logger } from "../../core/logger.js";
import type { OwnedHostSample } from "../../hosts/server/hosts-db.js";
import type { OwnedAlertEvent, StreamPublisher } from "../../stream/publisher.js";
import { type AlertQueue, enqueueDeliveries } from "../delivery/alert-queue.js";
import { createHostRuleEvaluator } from "./host-rules.js";

/** HostRulesHookDeps are what evaluating host rules after each stored batch uses. */
export interface HostRulesHookDeps {
  pool: Pick<pg.Pool, "connect" | "query">;
  log: Logger;
  /** Publishes the events on the `alerts` stream. */
  publisher?: Pick<StreamPublisher, "publishAlertEvents">;
  /** Queues the events' deliveries at once; without it the delivery sweeper queues them. */
  alertQueue?: Pick<AlertQueue, "addBulk">;
  /** PULSAR_SHARED_HOSTS. */
  sharedHosts: boolean;
}

/**
 * hostRulesHook is a host sample store's onStored (createHostSampleStore): it evaluates the host
 * rules over each stored batch, then publishes the events it created and queues their
 * deliveries. Both happen after COMMIT and neither failing loses an alert: the events stay in
 * Postgres, their deliveries pending until the sweeper queues them.
 */
export function hostRulesHook(
  deps: HostRulesHookDeps,
): (samples: OwnedHostSample[]) => Promise<void> {
  const { log } = deps;
  const handOut = async (created: OwnedAlertEvent[]) => {
    const keys = created.flatMap(({ event }) =>
      event.deliveries.map((d) => ({ eventId: event.id, channelId: d.channelId })),
    );
    await Promise.all([
      deps.alertQueue &&
        enqueueDeliveries(deps.alertQueue, keys).catch((error: unknown) =>
          log.warn("queueing host alert deliveries failed; the sweeper will", { error }),
        ),
      deps.publisher
        ?.publishAlertEvents(created)
        .catch((error: unknown) => log.warn("publishing host alert events failed", { error })),
    ]);
  };
  const evaluator = createHostRuleEvaluator({
    pool: deps.pool,
    log,
    sharedHosts: deps.sharedHosts,
    onEvents: handOut,
  });
  return async (samples) => {
    await evaluator.evaluate(samples.map(({ orgId, sample }) => ({ sample, ownerOrgId: orgId })));
  };
}
