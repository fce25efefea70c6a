import type { Monitor } from "../../../../gen/pulsar/v1/monitor_pb";
import { type RequestState, useRequest } from "../../lib/use-request";
import type { MonitorLister } from "./client";

/** MonitorChoice is a monitor as a picker offers it: its id and the words to find it by. */
export interface MonitorChoice {
  id: string;
  name: string;
  url: string;
}

/** PAGE_SIZE is how many monitors each ListMonitors page asks for (the API's most). */
const PAGE_SIZE = 1000;
/**
 * MAX_PAGES bounds the walk: 20,000 monitors is far more than any organization's quota, and a
 * server that kept answering with a next page must not keep the browser busy for ever.
 */
const MAX_PAGES = 20;

/** listMonitorChoices walks ListMonitors' pages and keeps what a picker needs of each monitor. */
export async function listMonitorChoices(
  client: MonitorLister,
  signal: AbortSignal,
): Promise<MonitorChoice[]> {
  const choices: MonitorChoice[] = [];
  let pageToken = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.listMonitors({ pageSize: PAGE_SIZE, pageToken }, { signal });
    choices.push(...answer.monitors.map(choiceOf));
    pageToken = answer.nextPageToken;
    if (pageToken === "") break;
  }
  return choices.sort((a, b) => a.name.localeCompare(b.name));
}

function choiceOf(monitor: Monitor): MonitorChoice {
  return { id: monitor.id, name: monitor.name, url: monitor.url };
}

/** useMonitorChoices lists the organization's monitors, once, for the pickers of a screen. */
export function useMonitorChoices(
  client: MonitorLister,
  onUnauthenticated: () => void,
): RequestState<MonitorChoice[]> {
  return useRequest("monitor-choices", (signal) => listMonitorChoices(client, signal), {
    onUnauthenticated,
  });
}

/** matchesQuery tells whether a monitor's name or URL holds every word of a search. */
export function matchesQuery(choice: MonitorChoice, query: string): boolean {
  const haystack = `${choice.name} ${choice.url}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}
