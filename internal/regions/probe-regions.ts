import { listProbeRegions } from "../accounts/accounts.js";
import type { ProbeRegion, ProbeRegionDeps } from "./probe-region.js";
import { startProbeRegion } from "./probe-region.js";

/** ProbeRegionsDeps are ProbeRegionDeps but the region, and how often tokens are re-read. */
export interface ProbeRegionsDeps extends Omit<ProbeRegionDeps, "region"> {
  /** How often the regions holding a live probe token are read again (default 30 s). */
  refreshEveryMs?: number;
}

/** ProbeRegions are the regions this API serves to remote probes. */
export interface ProbeRegions {
  /** PROBE_LEASE_MS. */
  readonly leaseMs: number;
  /** region is the region's leasing, started now if it was not running. */
  region(name: string): Promise<ProbeRegion>;
  /** running lists the regions served now, by name. */
  running(): string[];
  /**
   * refresh serves every region that holds a live probe token and stops the others: ProbeService
   * calls it when a token is created or revoked, and it runs every refreshEveryMs.
   */
  refresh(): Promise<void>;
  /**
   * drain ends every TakeChecks' wait at once and leases no more, so that a server closing on
   * SIGTERM is not held by long polls; extending and completing leases still work until close.
   */
  drain(): void;
  /** close stops every region's leasing and dispatch (SIGTERM). */
  close(): Promise<void>;
}

const DEFAULT_REFRESH_MS = 30_000;

/**
 * startProbeRegions serves the regions of the live probe tokens: for each, its dispatch and the
 * leasing of its check jobs (probe-region.ts). Every API process does so; claims of due checks
 * are atomic and reconciliation takes a lock per region, so any number may. A region with no
 * live token left is stopped at the next refresh (a revoked probe's leases lapse meanwhile).
 */
export function startProbeRegions(deps: ProbeRegionsDeps): ProbeRegions {
  const started = new Map<string, Promise<ProbeRegion>>();
  let closed = false;

  const start = (name: string): Promise<ProbeRegion> => {
    let region = started.get(name);
    if (!region) {
      region = startProbeRegion({ ...deps, region: name });
      started.set(name, region);
      // A start that failed (Redis down) is tried again by the next caller or refresh.
      region.catch(() => {
        if (started.get(name) === region) started.delete(name);
      });
      deps.log.info("serving a region to remote probes", { region: name });
    }
    return region;
  };
  const stop = async (name: string) => {
    const region = started.get(name);
    started.delete(name);
    await (await region?.catch(() => undefined))?.close();
    deps.log.info("stopped serving a region to remote probes", { region: name });
  };

  let refreshing: Promise<void> = Promise.resolve();
  const refresh = () => {
    // After the previous one, whatever its outcome: one failed refresh must not stop the rest.
    refreshing = refreshing
      .catch(() => undefined)
      .then(async () => {
        if (closed) return;
        const wanted = new Set(await listProbeRegions(deps.pool));
        for (const name of wanted) await start(name);
        for (const name of [...started.keys()]) if (!wanted.has(name)) await stop(name);
      });
    return refreshing;
  };
  const timer = setInterval(() => {
    refresh().catch((error: unknown) =>
      deps.log.warn("reading the regions of probe tokens failed; will retry", { error }),
    );
  }, deps.refreshEveryMs ?? DEFAULT_REFRESH_MS);
  timer.unref();
  refresh().catch((error: unknown) =>
    deps.log.warn("reading the regions of probe tokens failed; will retry", { error }),
  );

  return {
    leaseMs: deps.leaseMs,
    region(name) {
      if (closed) return Promise.reject(new Error("the API is shutting down"));
      return start(name);
    },
    running: () => [...started.keys()].sort(),
    drain() {
      for (const region of started.values()) {
        region.then((r) => r.drain()).catch(() => undefined);
      }
    },
    refresh,
    async close() {
      closed = true;
      clearInterval(timer);
      await refreshing.catch(() => undefined);
      await Promise.all([...started.keys()].map(stop));
    },
  };
}
