import { useEffect, useRef, useState } from "react";
import type { HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { useStreamTopic } from "../../api/use-stream";
import { mergeSamples } from "./live-window";

// The replay sends up to 100 frames at once: gather them into one render rather than 100.
const FLUSH_MS = 50;

/**
 * useLiveSamples follows a host's "host:<id>" stream topic: the replay of its last samples
 * first, then every new one, as a rolling window of the newest LIVE_WINDOW, oldest first.
 */
export function useLiveSamples(hostId: string | undefined): HostSample[] {
  const [held, setHeld] = useState<{ hostId?: string; samples: HostSample[] }>({ samples: [] });
  // Samples waiting for the next flush, each with its host: the host may change meanwhile.
  const pending = useRef<{ hostId: string | undefined; sample: HostSample }[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const currentHost = useRef(hostId);
  currentHost.current = hostId;

  useEffect(() => () => clearTimeout(timer.current), []);

  useStreamTopic(hostId && `host:${hostId}`, (event) => {
    if (event.payload.case !== "hostSample") return;
    pending.current.push({ hostId, sample: event.payload.value });
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      const host = currentHost.current;
      const batch = pending.current.filter((p) => p.hostId === host).map((p) => p.sample);
      pending.current = [];
      setHeld((h) => ({
        hostId: host,
        samples: mergeSamples(h.hostId === host ? h.samples : [], batch),
      }));
    }, FLUSH_MS);
  });

  return held.hostId === hostId ? held.samples : [];
}
