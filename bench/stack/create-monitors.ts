import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { serviceClient } from "../../test/support/test-api.js";

/** CreateMonitorsOptions say how many monitors to create, on what, and through which API. */
export interface CreateMonitorsOptions {
  baseUrl: string;
  /** An API token of the organization that will own them. */
  token: string;
  count: number;
  intervalSeconds: number;
  /** The target's origin; monitor n checks `${targetOrigin}/m/<n>`. */
  targetOrigin: string;
  /** Requests in flight at once. */
  parallel?: number;
  /** The regions that check each monitor; none: the installation's default region. */
  regions?: readonly string[];
  /** Called every 1,000 monitors, for progress lines. */
  onProgress?: (created: number) => void;
}

/**
 * createMonitors creates `count` HTTP monitors through the API's CreateMonitor, as a user
 * would: each is stored, put on the check schedule and checked once at once, by the API. It
 * returns the monitors' ids, index n being the monitor whose path is /m/<n>.
 */
export async function createMonitors(options: CreateMonitorsOptions): Promise<string[]> {
  const client = serviceClient(MonitorService, options.baseUrl, options.token);
  const ids: string[] = new Array(options.count);
  let next = 0;
  let created = 0;
  const lane = async () => {
    for (let n = next++; n < options.count; n = next++) {
      const { monitor } = await client.createMonitor({
        monitor: {
          name: `bench ${n}`,
          url: `${options.targetOrigin}/m/${n}`,
          intervalSeconds: options.intervalSeconds,
          timeoutMs: 5000,
          regions: [...(options.regions ?? [])],
        },
      });
      ids[n] = monitor?.id ?? "";
      if (++created % 1000 === 0) options.onProgress?.(created);
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 16 }, lane));
  return ids;
}
