import { useEffect, useRef, useState } from "react";
import { type AlertEvent, AlertKind, type Incident } from "../../../../gen/pulsar/v1/alert_pb";
import { isUnauthenticated, problemOf } from "../../api/errors";
import type { RequestState } from "../../lib/use-request";
import { useAlertHistory } from "../alerts/use-alert-history";
import type { MonitorAlertsClient } from "./client";

/** RECENT_ALERTS and RECENT_INCIDENTS are how many of each the detail page lists. */
export const RECENT_ALERTS = 20;
export const RECENT_INCIDENTS = 20;

/** MonitorAlertsData are a monitor's incidents and alerts, newest first, kept live. */
export interface MonitorAlertsData {
  incidents: RequestState<Incident[]>;
  alerts: RequestState<AlertEvent[]>;
}

/** Kinds of alert that open or close an incident: the list is read again when one arrives. */
const INCIDENT_EDGES = new Set([AlertKind.MONITOR_DOWN, AlertKind.MONITOR_RECOVERED]);

/**
 * useMonitorAlerts is the detail page's alerting part: the monitor's incidents (ListIncidents)
 * and its alerts (ListAlertEvents), the alerts following the "alerts" stream topic, and the
 * incidents read again, keeping the list on screen meanwhile, when the monitor goes down or
 * recovers.
 */
export function useMonitorAlerts(
  id: string,
  deps: { client: MonitorAlertsClient; onUnauthenticated: () => void },
): MonitorAlertsData {
  const { client, onUnauthenticated } = deps;
  const [version, setVersion] = useState(0);
  const alerts = useAlertHistory(client, {
    monitorId: id,
    limit: RECENT_ALERTS,
    onUnauthenticated,
    onLive: (event) => {
      if (INCIDENT_EDGES.has(event.kind)) setVersion((v) => v + 1);
    },
  });

  const [incidents, setIncidents] = useState<RequestState<Incident[]>>({
    data: undefined,
    problem: undefined,
    loading: true,
  });
  const expired = useRef(onUnauthenticated);
  expired.current = onUnauthenticated;
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the reason to read again.
  useEffect(() => {
    const controller = new AbortController();
    client
      .listIncidents({ monitorId: id, limit: RECENT_INCIDENTS }, { signal: controller.signal })
      .then(
        (res) => setIncidents({ data: res.incidents, problem: undefined, loading: false }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (isUnauthenticated(error)) expired.current();
          setIncidents((held) => ({ ...held, problem: problemOf(error), loading: false }));
        },
      );
    return () => controller.abort();
  }, [client, id, version]);

  return { incidents, alerts };
}
