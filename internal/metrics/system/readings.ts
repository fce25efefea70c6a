import type { Redis } from "ioredis";
import {
  MAX_PROCESSES,
  PUBLISHED_TTL_SECONDS,
  type PublishedRegistry,
  processIndexKey,
  type Sample,
} from "./published.js";

/** An id longer than this is not one of ours ("<hostname>:<pid>"; hostnames stop at 253). */
const MAX_ID_LENGTH = 300;

/**
 * readPublishedRegistries returns the readings of the processes that published within the last
 * PUBLISHED_TTL_SECONDS, the newest MAX_PROCESSES of them: one range over the index and one
 * MGET, whatever else Redis holds. A reading that does not parse is left out.
 */
export async function readPublishedRegistries(
  redis: Pick<Redis, "zrevrangebyscore" | "mget">,
  prefix: string,
  nowMs: number,
): Promise<PublishedRegistry[]> {
  const keys = await redis.zrevrangebyscore(
    processIndexKey(prefix),
    "+inf",
    nowMs - PUBLISHED_TTL_SECONDS * 1000,
    "LIMIT",
    0,
    MAX_PROCESSES,
  );
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  const readings: PublishedRegistry[] = [];
  for (const value of values) {
    const reading = value === null ? undefined : parseReading(value);
    if (reading) readings.push(reading);
  }
  return readings;
}

/** parseReading checks a published reading's shape; undefined when it is not one. */
export function parseReading(json: string): PublishedRegistry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { v, kind, id, at, samples } = value as Record<string, unknown>;
  if (v !== 1 || (kind !== "api" && kind !== "worker")) return undefined;
  if (typeof id !== "string" || id.length > MAX_ID_LENGTH) return undefined;
  if (typeof at !== "number" || !Number.isFinite(at)) return undefined;
  if (typeof samples !== "object" || samples === null || Array.isArray(samples)) return undefined;
  const checked: Record<string, Sample[]> = {};
  for (const [name, list] of Object.entries(samples)) {
    if (!Array.isArray(list)) return undefined;
    checked[name] = list.filter(isSample);
  }
  return { v, kind, id, at, samples: checked };
}

function isSample(value: unknown): value is Sample {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [labels, number] = value as [unknown, unknown];
  return (
    typeof labels === "object" &&
    labels !== null &&
    !Array.isArray(labels) &&
    Object.values(labels).every((label) => typeof label === "string") &&
    typeof number === "number" &&
    Number.isFinite(number)
  );
}
