import { InvalidArgumentError } from "../../core/errors.js";
import { requireUuid } from "../../core/validate.js";

/** MAX_ALERT_CHANNELS bounds the channels one monitor or host rule alerts. */
export const MAX_ALERT_CHANNELS = 20;

/**
 * checkChannelIds reads channel ids: UUIDs, lower-cased, duplicates dropped. Whether they name
 * channels of the caller's organization needs the database; the service checks that.
 */
export function checkChannelIds(field: string, ids: readonly string[]): string[] {
  if (ids.length > MAX_ALERT_CHANNELS)
    throw new InvalidArgumentError(field, `must hold at most ${MAX_ALERT_CHANNELS} ids`);
  return [...new Set(ids.map((id, i) => requireUuid(`${field}[${i}]`, id)))];
}
