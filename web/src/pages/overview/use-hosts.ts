import type { Client } from "@connectrpc/connect";
import { useEffect, useRef, useState } from "react";
import type { Host, HostSample, HostService } from "../../../../gen/pulsar/v1/host_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import { useStreamTopic } from "../../api/use-stream";
import { timestampMs } from "../../lib/format";

/** HostLister is the part of HostService the host strip needs. */
export type HostLister = Pick<Client<typeof HostService>, "listHosts">;

/** HostSummary is what the strip shows of a host: its name, whether it reports, its latest figures. */
export interface HostSummary {
  id: string;
  hostname: string;
  /** Online per ListHosts; once samples arrive, per their age (see isOnline). */
  online: boolean;
  /** When the latest live sample was taken (ms since epoch); 0 before the first. */
  sampledAt: number;
  cpuPercent?: number;
  memoryUsedBytes?: number;
  memoryTotalBytes?: number;
}

/** HostsState is the organization's hosts, or why they could not be listed. */
export type HostsState =
  | { phase: "loading" }
  | { phase: "error"; problem: ApiProblem }
  | { phase: "ready"; hosts: readonly HostSummary[] };

/** A host that sent nothing for this long is offline (the server's own floor). */
const OFFLINE_AFTER_MS = 30_000;

/** isOnline tells whether a host reports: from its latest live sample when there is one. */
export function isOnline(host: HostSummary, nowMs: number): boolean {
  return host.sampledAt > 0 ? nowMs - host.sampledAt < OFFLINE_AFTER_MS : host.online;
}

function fromHost(host: Host): HostSummary {
  return {
    id: host.id,
    hostname: host.hostname,
    online: host.online,
    sampledAt: 0,
    memoryTotalBytes: host.memoryBytes || undefined,
  };
}

function withSample(host: HostSummary | undefined, sample: HostSample): HostSummary {
  return {
    id: sample.hostId,
    hostname: sample.hostname || host?.hostname || sample.hostId,
    online: true,
    sampledAt: timestampMs(sample.sampledAt) || Date.now(),
    cpuPercent: sample.cpu?.totalPercent,
    memoryUsedBytes: sample.memory?.usedBytes,
    memoryTotalBytes: sample.memory?.totalBytes || host?.memoryTotalBytes,
  };
}

/**
 * useHosts lists the organization's hosts (ListHosts) and keeps each one's latest CPU and
 * memory from the "hosts" topic. A host that starts reporting after the list loaded joins it.
 */
export function useHosts(client: HostLister, onUnauthenticated: () => void): HostsState {
  const [listed, setListed] = useState<HostsState>({ phase: "loading" });
  const [samples, setSamples] = useState<ReadonlyMap<string, HostSample>>(new Map());
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;

  useEffect(() => {
    const abort = new AbortController();
    client.listHosts({}, { signal: abort.signal }).then(
      (res) => setListed({ phase: "ready", hosts: res.hosts.map(fromHost) }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        if (isUnauthenticated(error)) unauthenticated.current();
        setListed({ phase: "error", problem: problemOf(error) });
      },
    );
    return () => abort.abort();
  }, [client]);

  useStreamTopic("hosts", (event) => {
    if (event.payload.case !== "hostSample") return;
    const sample = event.payload.value;
    setSamples((previous) => {
      const had = previous.get(sample.hostId);
      if (had && timestampMs(had.sampledAt) > timestampMs(sample.sampledAt)) return previous;
      return new Map(previous).set(sample.hostId, sample);
    });
  });

  if (listed.phase !== "ready") return listed;
  const hosts = listed.hosts.map((host) => {
    const sample = samples.get(host.id);
    return sample ? withSample(host, sample) : host;
  });
  const known = new Set(hosts.map((h) => h.id));
  for (const sample of samples.values()) {
    if (!known.has(sample.hostId)) hosts.push(withSample(undefined, sample));
  }
  return { phase: "ready", hosts };
}
