/** HostStatus is how current the host page's figures are. */
export type HostStatus =
  | { kind: "live" }
  | { kind: "waiting" }
  | { kind: "stale"; lastSampleMs: number; intervalMs: number }
  | { kind: "offline"; lastSeenMs: number };

/** HostStatusInput are the facts HostStatus is judged from. */
export interface HostStatusInput {
  /** The server's verdict at the last ListHosts (undefined while it loads). */
  online: boolean | undefined;
  /** The host's last_seen at the last ListHosts (0 when unknown). */
  lastSeenMs: number;
  /** The newest live sample's time (0 before the first). */
  lastSampleMs: number;
  /** How often samples arrive, when known. */
  intervalMs: number | undefined;
  nowMs: number;
}

/** DEFAULT_INTERVAL_MS is SAMPLE_INTERVAL_MS's default, used until two samples tell. */
export const DEFAULT_INTERVAL_MS = 2000;

/**
 * hostStatus judges whether the figures on screen are current. A sample newer than three
 * intervals is live whatever the (polled, so older) host list says; without one, the list's
 * "offline" wins, else the data is stale (the host or the stream has gone quiet).
 */
export function hostStatus(input: HostStatusInput): HostStatus {
  const intervalMs = input.intervalMs ?? DEFAULT_INTERVAL_MS;
  const lastMs = Math.max(input.lastSampleMs, input.lastSeenMs);
  if (input.lastSampleMs > 0 && input.nowMs - input.lastSampleMs <= 3 * intervalMs) {
    return { kind: "live" };
  }
  if (input.online === false) return { kind: "offline", lastSeenMs: lastMs };
  if (input.lastSampleMs === 0) return { kind: "waiting" };
  return { kind: "stale", lastSampleMs: input.lastSampleMs, intervalMs };
}
