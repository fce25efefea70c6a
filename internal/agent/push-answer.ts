import type { PushSamplesResponse } from "../../gen/pulsar/v1/ingest_pb.js";
import type { Logger } from "../core/logger.js";
import type { Sampler } from "../hosts/reading/sampler.js";

/** PushAnswerDeps are what the agent's handling of PushSamples answers uses. */
export interface PushAnswerDeps {
  /** The host this agent samples. */
  hostId: string;
  /** The running sampler, told the settings the dashboard set. */
  sampler: Pick<Sampler, "configure">;
  /** SAMPLE_INTERVAL_MS: the interval when the dashboard sets none. */
  ownIntervalMs: number;
  log: Logger;
}

/** Applied is the settings a sampler runs with, in a form that compares by value. */
interface Applied {
  intervalMs: number;
  disabledReadings: string[];
}

const same = (a: Applied, b: Applied) =>
  a.intervalMs === b.intervalMs && a.disabledReadings.join() === b.disabledReadings.join();

/**
 * createPushAnswerHandler reads each answer to PushSamples. Its agent_settings are applied to
 * the sampler when they differ from what it runs with (one info line saying what changed);
 * settings absent mean the agent's own (SAMPLE_INTERVAL_MS, every reading). created_host_ids
 * naming this host is logged: at info on the first answer (a new host), at warn afterwards (the
 * host had been deleted in the dashboard, and this push registered it again, with no history).
 */
export function createPushAnswerHandler(
  deps: PushAnswerDeps,
): (answer: PushSamplesResponse) => void {
  const { log, hostId } = deps;
  const own: Applied = { intervalMs: deps.ownIntervalMs, disabledReadings: [] };
  let applied = own;
  let answered = false;
  return (answer) => {
    const settings = answer.agentSettings;
    const wanted: Applied = settings
      ? {
          intervalMs: settings.sampleIntervalMs || deps.ownIntervalMs,
          disabledReadings: [...new Set(settings.disabledReadings)].sort(),
        }
      : own;
    if (!same(wanted, applied)) {
      deps.sampler.configure({
        intervalMs: wanted.intervalMs,
        disabledReadings: wanted.disabledReadings,
      });
      log.info(
        settings
          ? "applying the agent settings set in the dashboard"
          : "the dashboard's agent settings were removed: back to this agent's own",
        {
          intervalMs: wanted.intervalMs,
          previousIntervalMs: applied.intervalMs,
          disabledReadings: wanted.disabledReadings,
          previousDisabledReadings: applied.disabledReadings,
        },
      );
      applied = wanted;
    }
    if (answer.createdHostIds.includes(hostId)) {
      if (answered) {
        log.warn(`host ${hostId} was registered again (it had been deleted in the dashboard)`, {
          hostId,
        });
      } else {
        log.info(`host ${hostId} registered`, { hostId });
      }
    }
    answered = true;
  };
}
