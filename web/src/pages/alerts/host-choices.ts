import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import type { Choice } from "../../components/select-field";

/** ALL_HOSTS is the host choice of a rule that watches every host. */
export const ALL_HOSTS: Choice = { value: "", label: "All hosts" };

/**
 * hostChoices are the rule form's host options: "All hosts", then each host by name (with the
 * start of its id when two share a name, so they can be told apart).
 */
export function hostChoices(hosts: readonly Host[]): Choice[] {
  const seen = new Map<string, number>();
  for (const host of hosts) seen.set(host.hostname, (seen.get(host.hostname) ?? 0) + 1);
  return [
    ALL_HOSTS,
    ...hosts.map((host) => ({
      value: host.id,
      label:
        !host.hostname || (seen.get(host.hostname) ?? 0) > 1
          ? `${host.hostname || "Host"} (${host.id.slice(0, 8)})`
          : host.hostname,
    })),
  ];
}
