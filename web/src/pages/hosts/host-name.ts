import type { Host } from "../../../../gen/pulsar/v1/host_pb";

/** hostName is the name a host is shown by: the one set on the dashboard, else its hostname. */
export function hostName(host: Pick<Host, "name" | "hostname" | "id">): string {
  return host.name || host.hostname || host.id;
}
