import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import { type RequestState, useRequest } from "../../lib/use-request";
import type { AlertsDeps } from "./client";
import { type AlertHistory, useAlertHistory } from "./use-alert-history";
import { type ChannelsData, useChannels } from "./use-channels";
import { type RulesData, useRules } from "./use-rules";

/** HISTORY_LIMIT is how many alerts the history shows, and each older page adds. */
export const HISTORY_LIMIT = 100;

/** AlertsPageData is everything the alerts page shows and changes. */
export interface AlertsPageData {
  channels: ChannelsData;
  rules: RulesData;
  /** The hosts a rule can watch. */
  hosts: RequestState<Host[]>;
  /** The alert history, newest first, live, with older pages on request. */
  history: AlertHistory;
}

/**
 * useAlertsPage is the alerts page's data: the channels, the rules, the hosts for the rule form
 * (ListHosts) and the alert history with the "alerts" stream topic on top.
 */
export function useAlertsPage({ client, hosts, onUnauthenticated }: AlertsDeps): AlertsPageData {
  const channels = useChannels(client, onUnauthenticated);
  const rules = useRules(client, onUnauthenticated);
  const hostList = useRequest(
    "hosts",
    async (signal) => (await hosts.listHosts({}, { signal })).hosts,
    { onUnauthenticated },
  );
  const history = useAlertHistory(client, { limit: HISTORY_LIMIT, onUnauthenticated });
  return { channels, rules, hosts: hostList, history };
}
