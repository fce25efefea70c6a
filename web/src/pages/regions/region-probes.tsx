import type { RegionProbe } from "../../../../gen/pulsar/v1/region_pb";
import { StatusDot } from "../../components/status-dot";
import { ago, ms, timestampMs } from "../../lib/format";

/**
 * RegionProbes lists a region's probes, one line each: online or not, name, version, last seen,
 * and what each said of itself with its last call (checks/s, lateness p99, clock offset).
 */
export function RegionProbes({ probes, now }: { probes: readonly RegionProbe[]; now: number }) {
  if (probes.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="space-y-1">
      {probes.map((probe) => {
        const seen = timestampMs(probe.lastSeenAt);
        return (
          <li key={probe.tokenId} className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
            <StatusDot
              status={probe.online ? "up" : "paused"}
              label={probe.online ? "Online" : "Offline"}
            />
            <span className="font-medium">{probe.name}</span>
            <span className="text-xs text-slate-500 dark:text-slate-400">
              {probe.online ? "online" : "offline"}, last seen{" "}
              <time
                dateTime={seen ? new Date(seen).toISOString() : undefined}
                title={seen ? new Date(seen).toLocaleString() : undefined}
              >
                {ago(seen, now)}
              </time>
              {probe.version && <> · v{probe.version}</>}
              {" · "}
              {probe.checksPerSecond.toFixed(probe.checksPerSecond >= 10 ? 0 : 1)} checks/s ·
              lateness p99 {ms(probe.latenessP99Ms)} · clock {signedMs(probe.clockOffsetMs)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** signedMs formats a clock offset with its sign: "+12 ms", "−1.50 s", "0.0 ms". */
export function signedMs(value: number): string {
  if (value === 0) return ms(0);
  return `${value > 0 ? "+" : "−"}${ms(Math.abs(value))}`;
}
