import type { Host } from "../../../../gen/pulsar/v1/host_pb";

/** HostEdit is a change the page made to a host (UpdateHost's answer, or a DeleteHost). */
export interface HostEdit {
  /** When the server answered, in ms since the epoch. */
  atMs: number;
  id: string;
  /** The host as UpdateHost returned it; undefined: deleted. */
  host?: Host;
}

/** FetchedHosts is a ListHosts answer with when it was asked for. */
export interface FetchedHosts {
  hosts: Host[];
  startedMs: number;
}

/**
 * applyEdits lays the page's own changes over a polled host list, so a rename or a delete shows
 * at once. An edit the list was asked for after already holds is left out: the server's list
 * then wins (it may have moved on since, an agent re-creating a deleted host).
 */
export function applyEdits(fetched: FetchedHosts, edits: readonly HostEdit[]): Host[] {
  const newer = edits.filter((e) => e.atMs >= fetched.startedMs);
  if (newer.length === 0) return fetched.hosts;
  const latest = new Map<string, HostEdit>();
  for (const edit of newer) latest.set(edit.id, edit);
  return fetched.hosts.flatMap((host) => {
    const edit = latest.get(host.id);
    if (!edit) return [host];
    return edit.host ? [edit.host] : [];
  });
}
