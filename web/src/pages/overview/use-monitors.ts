import type { Client } from "@connectrpc/connect";
import { useCallback, useEffect, useRef, useState } from "react";
import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import type { Monitor, MonitorService } from "../../../../gen/pulsar/v1/monitor_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import { useStreamStatus, useStreamTopic } from "../../api/use-stream";
import { timestampMs } from "../../lib/format";
import { byName, withResult } from "./monitor-state";

/** MonitorLister is the part of MonitorService the overview's list needs. */
export type MonitorLister = Pick<Client<typeof MonitorService>, "listMonitors">;

/** MonitorsState is every monitor of the organization, or why they could not be loaded. */
export type MonitorsState =
  | { phase: "loading" }
  | { phase: "error"; problem: ApiProblem }
  | { phase: "ready"; monitors: readonly Monitor[]; complete: boolean };

/** The first page is small, so the first rows show at once; the rest come in large pages. */
const FIRST_PAGE_SIZE = 200;
const PAGE_SIZE = 1000;
/** Live results are applied in batches: the stream's replay can be a burst of hundreds. */
const FLUSH_MS = 100;

/**
 * useMonitors loads every monitor of the organization (ListMonitors, page after page, shown
 * as soon as the first page arrives) and keeps them current from the "monitors" topic.
 * Monitors are held in a Map by id; the list handed out is sorted by name.
 */
export function useMonitors(
  client: MonitorLister,
  onUnauthenticated: () => void,
): MonitorsState & { reload: () => void } {
  const [state, setState] = useState<MonitorsState>({ phase: "loading" });
  const [attempt, setAttempt] = useState(0);
  const store = useRef(new Map<string, Monitor>());
  // Results for monitors whose page has not arrived yet (the stream may be first).
  const early = useRef(new Map<string, CheckResult>());
  const loaded = useRef(false);
  const complete = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    if (!loaded.current) return;
    setState({
      phase: "ready",
      monitors: [...store.current.values()].sort(byName),
      complete: complete.current,
    });
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt ("Try again") loads again
  useEffect(() => {
    const abort = new AbortController();
    store.current = new Map();
    loaded.current = false;
    complete.current = false;
    setState({ phase: "loading" });
    (async () => {
      let pageToken = "";
      do {
        const page = await client.listMonitors(
          { pageSize: pageToken === "" ? FIRST_PAGE_SIZE : PAGE_SIZE, pageToken },
          { signal: abort.signal },
        );
        for (const monitor of page.monitors) {
          const result = early.current.get(monitor.id);
          early.current.delete(monitor.id);
          store.current.set(monitor.id, result ? withResult(monitor, result) : monitor);
        }
        pageToken = page.nextPageToken;
        loaded.current = true;
        complete.current = pageToken === "";
        flush();
      } while (pageToken !== "");
      early.current.clear();
    })().catch((error: unknown) => {
      if (abort.signal.aborted) return;
      if (isUnauthenticated(error)) unauthenticated.current();
      setState({ phase: "error", problem: problemOf(error) });
    });
    return () => {
      abort.abort();
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [client, attempt, flush]);

  // Live only: ListMonitors carries every monitor's last result, and replaying 10,000 of them
  // would compete with the pages themselves. After a reconnect the list is loaded again.
  const status = useStreamStatus();
  const wasDown = useRef(false);
  useEffect(() => {
    if (status === "reconnecting") wasDown.current = true;
    else if (status === "live" && wasDown.current) {
      wasDown.current = false;
      setAttempt((n) => n + 1);
    }
  }, [status]);

  useStreamTopic(
    "monitors",
    (event) => {
      if (event.payload.case !== "checkResult") return;
      const result = event.payload.value;
      const monitor = store.current.get(result.monitorId);
      if (monitor) {
        store.current.set(monitor.id, withResult(monitor, result, event.monitorStatus));
        timer.current ??= setTimeout(flush, FLUSH_MS);
      } else if (!complete.current) {
        const had = early.current.get(result.monitorId);
        if (!had || timestampMs(had.checkedAt) <= timestampMs(result.checkedAt)) {
          early.current.set(result.monitorId, result);
        }
      }
      // A result for a monitor the complete list lacks is one created since: the next load
      // shows it; fetching it here would race its own creation.
    },
    { replay: false },
  );

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
