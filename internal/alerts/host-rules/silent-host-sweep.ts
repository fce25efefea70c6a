import type pg from "pg";
import type { Logger } from "../../core/logger.js";
import { withTransaction } from "../../db/transaction.js";
import type { OwnedAlertEvent } from "../alert-event.js";
import type { AlertHandOut } from "../hand-out.js";
import { describeSilence } from "./host-rule-logic.js";
import { lockSilentRuleStates, updateRuleStates } from "./host-rule-state.js";
import { recordHostEvent } from "./record-host-event.js";

/**
 * SILENT_HOST_AFTER_MS is how long a host may send nothing before its rules stop firing: the
 * evaluator's maxSampleAgeMs (10 min). Until then a late batch (an agent's buffer catching up)
 * may still arrive and be evaluated, resolving the rule with a real value; past it the
 * evaluator ignores every sample of the silent stretch, so nothing but the sweep ever would.
 * It is also far above any sample interval (SAMPLE_INTERVAL_MS is at most 60 s), so a host
 * that is only slow is not taken for silent. A bound scaled by the rule's forSeconds (up to a
 * day) would leave a dead host "firing" for days; silence is about the host, not the metric.
 */
export const SILENT_HOST_AFTER_MS = 10 * 60_000;

/** SWEEP_BATCH bounds the states one transaction resolves (and holds locked). */
const SWEEP_BATCH = 100;
/** SWEEP_BATCHES_MAX bounds one pass; the next tick takes the rest. */
const SWEEP_BATCHES_MAX = 20;

/** SilentHostSweepDeps are what the sweep uses. */
export interface SilentHostSweepDeps {
  pool: Pick<pg.Pool, "connect" | "query">;
  log: Logger;
  /** Takes the events a pass committed: queues their deliveries, publishes them. */
  handOut?: AlertHandOut;
  /** How long a host may be silent; SILENT_HOST_AFTER_MS. */
  silentAfterMs?: number;
  now?: () => Date;
}

/**
 * sweepSilentHosts resolves, once, every host rule firing on a host that has sent no sample
 * for silentAfterMs (or whose host is gone), recording a "host stopped reporting" resolved
 * event with a pending delivery to each of the rule's channels, and hands the events out after
 * COMMIT. A rule only holding there (not yet firing) stops holding, silently: the condition is
 * not known to have held through the silence. Several processes may sweep at once: each state
 * changes under its row lock, in the transaction that records its event, and a state someone
 * holds is skipped (see LockSilentRuleStates), so each resolution happens exactly once.
 * Returns the events recorded.
 */
export async function sweepSilentHosts(deps: SilentHostSweepDeps): Promise<OwnedAlertEvent[]> {
  const now = deps.now ?? (() => new Date());
  const silentAfterMs = deps.silentAfterMs ?? SILENT_HOST_AFTER_MS;
  const created: OwnedAlertEvent[] = [];
  for (let batch = 0; batch < SWEEP_BATCHES_MAX; batch++) {
    const at = now();
    const { events, states } = await withTransaction(deps.pool, async (client) => {
      const silent = await lockSilentRuleStates(
        client,
        new Date(at.getTime() - silentAfterMs),
        SWEEP_BATCH,
      );
      const events: OwnedAlertEvent[] = [];
      for (const state of silent.filter((s) => s.firing)) {
        const silentSeconds = state.lastSeen
          ? (at.getTime() - state.lastSeen.getTime()) / 1000
          : undefined;
        const words = describeSilence(state.rule, state.hostname || state.hostId, silentSeconds);
        events.push(
          await recordHostEvent(client, {
            orgId: state.rule.orgId,
            kind: "host_resolved",
            hostId: state.hostId,
            ruleId: state.ruleId,
            title: words.title,
            message: words.message,
            value: null,
            channelIds: state.rule.channelIds,
          }),
        );
      }
      await updateRuleStates(
        client,
        silent.map((s) => ({
          ruleId: s.ruleId,
          hostId: s.hostId,
          holdingSinceMs: undefined,
          firing: false,
        })),
      );
      return { events, states: silent.length };
    });
    created.push(...events);
    // Hand out per batch: a later batch failing must not hold back committed events.
    if (events.length > 0 && deps.handOut) await deps.handOut(events);
    if (states < SWEEP_BATCH) break;
  }
  return created;
}

/** SilentHostSweep is a running sweep. */
export interface SilentHostSweep {
  /** stop ends the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * startSilentHostSweep runs sweepSilentHosts now and every everyMs (default 60 s: a silent
 * host's rule resolves within SILENT_HOST_AFTER_MS plus a minute) until stopped. A failed pass
 * is logged; the next one retries, as nothing is changed unless its transaction commits.
 */
export function startSilentHostSweep(
  deps: SilentHostSweepDeps & { everyMs?: number },
): SilentHostSweep {
  const everyMs = deps.everyMs ?? 60_000;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const pass = () => {
    running = sweepSilentHosts(deps)
      .then((events) => {
        if (events.length > 0)
          deps.log.info("resolved host rules of silent hosts", { count: events.length });
      })
      .catch((error: unknown) => deps.log.warn("sweeping silent hosts failed", { error }))
      .finally(() => {
        running = undefined;
        if (!stopped) schedule();
      });
  };
  // A timeout after each pass, not an interval: passes never overlap in one process.
  const schedule = () => {
    timer = setTimeout(pass, everyMs);
    timer.unref();
  };
  pass();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
