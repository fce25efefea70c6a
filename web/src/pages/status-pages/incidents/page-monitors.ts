import type { StatusPage } from "../../../../../gen/pulsar/v1/status_page_pb";
import type { MonitorChoice } from "../monitor-choices";

/**
 * pageMonitors are the monitors on a page, as an incident can name them: by the name the page
 * shows (its display name, else the monitor's own).
 */
export function pageMonitors(page: StatusPage, choices: readonly MonitorChoice[]): MonitorChoice[] {
  const byId = new Map(choices.map((c) => [c.id, c]));
  return (page.spec?.groups ?? []).flatMap((group) =>
    group.monitors.map((m) => {
      const choice = byId.get(m.monitorId);
      return {
        id: m.monitorId,
        name: m.displayName || choice?.name || "A deleted monitor",
        url: choice?.url ?? "",
      };
    }),
  );
}
