import type { MonitorSpec } from "../../../gen/pulsar/v1/monitor_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { intInRange } from "../../core/validate.js";

/** resolveTimes reads the interval and the timeout of a checked (not pushed) monitor. */
export function resolveTimes(spec: MonitorSpec, field: string) {
  const intervalSeconds = intInRange(
    `${field}.intervalSeconds`,
    spec.intervalSeconds,
    10,
    86_400,
    60,
  );
  const timeoutMs = intInRange(
    `${field}.timeoutMs`,
    spec.timeoutMs,
    100,
    60_000,
    Math.min(10_000, intervalSeconds * 1000),
  );
  if (timeoutMs > intervalSeconds * 1000) {
    // A check longer than its interval would overlap the next one.
    throw new InvalidArgumentError(
      `${field}.timeoutMs`,
      "must not exceed the interval (intervalSeconds × 1000)",
    );
  }
  return { intervalSeconds, timeoutMs };
}
