import { useEffect, useState } from "react";
import type { GetSystemStatsResponse } from "../../../../gen/pulsar/v1/system_pb";
import { timestampMs } from "../../lib/format";
import { type RequestState, useRequest } from "../../lib/use-request";
import type { SystemDeps } from "./client";

/** POLL_MS is how often the page asks for the figures: as often as the processes publish. */
export const POLL_MS = 5000;
/** WINDOW_SECONDS is the span the page's rates cover. */
export const WINDOW_SECONDS = 60;
/** An hour of points at POLL_MS: the charts cover the time the page has been open, bounded. */
const MAX_POINTS = 720;

/** SystemPoint is one answer's headline figures, for the live charts. */
export interface SystemPoint {
  at: number;
  checksPerSecond: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
}

/** SystemPageData is the System page's data: the latest figures and their history. */
export interface SystemPageData {
  stats: RequestState<GetSystemStatsResponse>;
  /** One point per answer since the page opened, oldest first. */
  points: readonly SystemPoint[];
}

/**
 * useSystemPage asks for the figures every pollMs and keeps each answer's headline ones for the
 * charts (repeats of one observation ignored).
 */
export function useSystemPage({ client, onUnauthenticated, pollMs }: SystemDeps): SystemPageData {
  const stats = useRequest(
    "system",
    (signal) => client.getSystemStats({ windowSeconds: WINDOW_SECONDS }, { signal }),
    { refreshMs: pollMs ?? POLL_MS, onUnauthenticated },
  );
  const [points, setPoints] = useState<SystemPoint[]>([]);
  const data = stats.data;
  useEffect(() => {
    if (!data) return;
    const at = timestampMs(data.observedAt);
    setPoints((held) =>
      held.length > 0 && (held.at(-1)?.at ?? 0) >= at
        ? held
        : [
            ...held,
            {
              at,
              checksPerSecond: data.checksPerSecond,
              latenessP50Ms: data.latenessP50Ms,
              latenessP99Ms: data.latenessP99Ms,
            },
          ].slice(-MAX_POINTS),
    );
  }, [data]);
  return { stats, points };
}
