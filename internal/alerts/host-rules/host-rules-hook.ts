import type pg from "pg";
import type { Logger } from "../../core/logger.js";
import type { OwnedHostSample } from "../../hosts/server/hosts-db.js";
import type { AlertHandOut } from "../hand-out.js";
import { createHostRuleEvaluator } from "./host-rules.js";

/** HostRulesHookDeps are what evaluating host rules after each stored batch uses. */
export interface HostRulesHookDeps {
  pool: Pick<pg.Pool, "connect" | "query">;
  log: Logger;
  /** Takes the events each evaluation committed: queues their deliveries, publishes them. */
  handOut?: AlertHandOut;
  /** PULSAR_SHARED_HOSTS. */
  sharedHosts: boolean;
}

/**
 * hostRulesHook is a host sample store's onStored (createHostSampleStore): it evaluates the host
 * rules over each stored batch and hands the events it created out after COMMIT. Neither the
 * enqueue nor the publish failing loses an alert: the events stay in Postgres, their deliveries
 * pending until the sweeper queues them.
 */
export function hostRulesHook(
  deps: HostRulesHookDeps,
): (samples: OwnedHostSample[]) => Promise<void> {
  const evaluator = createHostRuleEvaluator({
    pool: deps.pool,
    log: deps.log,
    sharedHosts: deps.sharedHosts,
    onEvents: deps.handOut,
  });
  return async (samples) => {
    await evaluator.evaluate(samples.map(({ orgId, sample }) => ({ sample, ownerOrgId: orgId })));
  };
}
