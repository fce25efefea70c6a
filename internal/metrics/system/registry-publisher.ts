import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import type { Logger } from "../../core/logger.js";
import {
  MAX_PUBLISHED_BYTES,
  type ProcessKind,
  PUBLISH_INTERVAL_MS,
  PUBLISHED_SERIES,
  PUBLISHED_TTL_SECONDS,
  type PublishedRegistry,
  processIndexKey,
  readingKey,
  type Sample,
} from "./published.js";

/** RegistryPublisherDeps are the registry to publish, where, and under which name. */
export interface RegistryPublisherDeps {
  registry: Pick<Registry, "getSingleMetric">;
  /** A command connection; the caller closes it after stop(). */
  redis: Pick<Redis, "multi">;
  /** Key prefix in Redis (QUEUE_PREFIX). */
  prefix: string;
  kind: ProcessKind;
  /** This process: "<hostname>:<pid>". */
  id: string;
  log: Pick<Logger, "warn">;
  /** PUBLISH_INTERVAL_MS when absent. */
  intervalMs?: number;
  now?: () => number;
}

/** RegistryPublisher publishes a process's registry until stopped. */
export interface RegistryPublisher {
  /** publish reads the registry and publishes it now; it never rejects (failures are logged). */
  publish(): Promise<void>;
  /** stop ends the publishing and removes this process's reading: it stops counting at once. */
  stop(): Promise<void>;
}

/**
 * readRegistry reads PUBLISHED_SERIES of a registry. Only those are collected: a series with a
 * collect() (pulsar_queue_depth counts jobs in Redis) costs its work only when published.
 */
export async function readRegistry(
  registry: Pick<Registry, "getSingleMetric">,
  reader: { kind: ProcessKind; id: string; at: number },
): Promise<PublishedRegistry> {
  const samples: Record<string, Sample[]> = {};
  for (const name of PUBLISHED_SERIES) {
    const metric = registry.getSingleMetric(name);
    if (!metric) continue;
    const { values } = await metric.get();
    for (const value of values) {
      const sampleName = (value as { metricName?: string }).metricName ?? name;
      const labels: Record<string, string> = {};
      for (const [label, labelValue] of Object.entries(value.labels)) {
        if (labelValue !== undefined) labels[label] = String(labelValue);
      }
      const list = samples[sampleName] ?? [];
      list.push([labels, value.value]);
      samples[sampleName] = list;
    }
  }
  return { v: 1, ...reader, samples };
}

/**
 * startRegistryPublisher publishes the process's registry to Redis every intervalMs (one SET
 * with a TTL, one ZADD to the index, in one round trip) for the System page
 * (SystemService) to read: the same series /metrics serves, nothing collected anew. A failed
 * publication is logged and the next one tries again; a process that stops publishing drops
 * out after PUBLISHED_TTL_SECONDS.
 */
export function startRegistryPublisher(deps: RegistryPublisherDeps): RegistryPublisher {
  const now = deps.now ?? Date.now;
  const key = readingKey(deps.prefix, deps.kind, deps.id);
  const index = processIndexKey(deps.prefix);
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const publishNow = async () => {
    const at = now();
    const reading = await readRegistry(deps.registry, { kind: deps.kind, id: deps.id, at });
    const json = JSON.stringify(reading);
    if (json.length > MAX_PUBLISHED_BYTES) {
      deps.log.warn("the registry reading is too large to publish; the System page skips it", {
        bytes: json.length,
        limit: MAX_PUBLISHED_BYTES,
      });
      return;
    }
    await deps.redis
      .multi()
      .set(key, json, "EX", PUBLISHED_TTL_SECONDS)
      .zadd(index, at, key)
      // The index outlives its members only by a little when every process has stopped.
      .expire(index, 2 * PUBLISHED_TTL_SECONDS)
      .exec();
  };

  const publish = () => {
    // One at a time: a slow Redis must not pile readings up behind each other.
    inFlight ??= publishNow()
      .catch((error: unknown) =>
        deps.log.warn("publishing the metrics registry failed; retrying next interval", {
          error,
        }),
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const timer = setInterval(() => {
    if (!stopped) void publish();
  }, deps.intervalMs ?? PUBLISH_INTERVAL_MS);
  // Publishing never keeps a process alive on its own.
  timer.unref();
  void publish();

  return {
    publish,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      await deps.redis
        .multi()
        .del(key)
        .zrem(index, key)
        .exec()
        .catch((error: unknown) =>
          deps.log.warn("removing the metrics reading failed; it expires by itself", { error }),
        );
    },
  };
}

/** processId names this process in the System page: "<hostname>:<pid>". */
export function processId(hostname: string, pid: number): string {
  return `${hostname}:${pid}`;
}
