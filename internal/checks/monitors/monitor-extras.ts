import type { MonitorSpec } from "../../../gen/pulsar/v1/monitor_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import {
  ConditionSyntaxError,
  MAX_CONDITION_LENGTH,
  MAX_CONDITIONS,
  parseCondition,
} from "../conditions/index.js";

/** The certificate expiry thresholds when a spec names none: two weeks, then three days. */
export const DEFAULT_TLS_EXPIRY_ALERT_DAYS = [14, 3];
const MAX_TLS_EXPIRY_THRESHOLDS = 5;

/**
 * resolveConditions parses each condition once, so that a monitor is never saved with one the
 * workers cannot evaluate; a refusal names the condition and where in it the error is.
 */
export function resolveConditions(field: string, conditions: readonly string[]): string[] {
  if (conditions.length > MAX_CONDITIONS)
    throw new InvalidArgumentError(field, `must have at most ${MAX_CONDITIONS} conditions`);
  return conditions.map((raw, i) => {
    const at = `${field}[${i}]`;
    const text = raw.trim();
    if (text.length === 0) throw new InvalidArgumentError(at, "must not be empty");
    if (text.length > MAX_CONDITION_LENGTH)
      throw new InvalidArgumentError(at, `must be at most ${MAX_CONDITION_LENGTH} characters`);
    try {
      parseCondition(text);
    } catch (error) {
      if (error instanceof ConditionSyntaxError)
        throw new InvalidArgumentError(
          at,
          `does not parse: ${error.message} at position ${error.position}`,
        );
      throw error;
    }
    return text;
  });
}

/**
 * resolveTlsExpiryAlertDays reads the thresholds of certificate expiry alerts: none when turned
 * off, 14 and 3 when unset, else 1–5 distinct values of 1–365 days, stored largest first.
 */
export function resolveTlsExpiryAlertDays(spec: MonitorSpec, field: string): number[] {
  const at = `${field}.tlsExpiryAlertDays`;
  if (spec.tlsExpiryAlertsOff) {
    if (spec.tlsExpiryAlertDays.length > 0)
      throw new InvalidArgumentError(at, `cannot be set with ${field}.tlsExpiryAlertsOff`);
    return [];
  }
  if (spec.tlsExpiryAlertDays.length === 0) return [...DEFAULT_TLS_EXPIRY_ALERT_DAYS];
  if (spec.tlsExpiryAlertDays.length > MAX_TLS_EXPIRY_THRESHOLDS)
    throw new InvalidArgumentError(at, `must have at most ${MAX_TLS_EXPIRY_THRESHOLDS} values`);
  spec.tlsExpiryAlertDays.forEach((days, i) => {
    if (!Number.isInteger(days) || days < 1 || days > 365)
      throw new InvalidArgumentError(`${at}[${i}]`, "must be between 1 and 365");
  });
  return [...new Set(spec.tlsExpiryAlertDays)].sort((a, b) => b - a);
}
