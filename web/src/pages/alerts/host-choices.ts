import type { HostRuleSpec } from "../../../../gen/pulsar/v1/alert_pb";
import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import type { Choice } from "../../components/select-field";

/** ALL_HOSTS is the host choice of a rule that watches every host. */
export const ALL_HOSTS: Choice = { value: "", label: "All hosts" };

/**
 * LABELLED_HOSTS is the host choice of a rule that watches the hosts a label selector matches.
 * Its value cannot be a host id: those start with a letter or a digit.
 */
export const LABELLED_HOSTS: Choice = { value: "*labels", label: "Hosts with labels…" };

/**
 * hostChoices are the rule form's host options: "All hosts", "Hosts with labels…", then each
 * host by the name it is shown by (with the start of its id when two share a name, so they can
 * be told apart).
 */
export function hostChoices(hosts: readonly Host[]): Choice[] {
  const shown = (host: Host) => host.name || host.hostname;
  const seen = new Map<string, number>();
  for (const host of hosts) seen.set(shown(host), (seen.get(shown(host)) ?? 0) + 1);
  return [
    ALL_HOSTS,
    LABELLED_HOSTS,
    ...hosts.map((host) => {
      const name = shown(host);
      return {
        value: host.id,
        label:
          !name || (seen.get(name) ?? 0) > 1 ? `${name || "Host"} (${host.id.slice(0, 8)})` : name,
      };
    }),
  ];
}

/**
 * ruleHosts says which hosts a rule watches, for the rule list: a host's name, "hosts with
 * env=prod", or "All hosts".
 */
export function ruleHosts(spec: HostRuleSpec | undefined, choices: readonly Choice[]): string {
  if (spec?.hostSelector) return `hosts with ${spec.hostSelector}`;
  const id = spec?.hostId ?? "";
  return choices.find((c) => c.value === id)?.label ?? "A removed host";
}
