import { useCallback, useState } from "react";
import type { Monitor } from "../../../../gen/pulsar/v1/monitor_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import type { MonitorDetailClient } from "./client";

/** MonitorAction names what the person asked of the monitor. */
export type MonitorAction = "pause" | "resume" | "delete";

/** MonitorActions pause, resume and delete a monitor, with what is running and why it failed. */
export interface MonitorActions {
  /** The action in flight, if any: its buttons are disabled meanwhile. */
  busy: MonitorAction | undefined;
  /** The last action's failure, in the server's words, and which action it was. */
  problem: (ApiProblem & { action: MonitorAction }) | undefined;
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  /** remove deletes the monitor; true when it is gone. */
  remove: () => Promise<boolean>;
  /** clearProblem forgets the last failure (when its dialog is dismissed). */
  clearProblem: () => void;
}

/** MonitorActionsDeps are what useMonitorActions calls and whom it tells. */
export interface MonitorActionsDeps {
  client: Pick<MonitorDetailClient, "pauseMonitor" | "resumeMonitor" | "deleteMonitor">;
  onUnauthenticated: () => void;
  /** Receives the monitor as a pause or resume left it. */
  onUpdated: (monitor: Monitor) => void;
}

/** useMonitorActions runs the detail page's buttons against the API, one at a time. */
export function useMonitorActions(
  id: string,
  { client, onUnauthenticated, onUpdated }: MonitorActionsDeps,
): MonitorActions {
  const [busy, setBusy] = useState<MonitorAction | undefined>();
  const [problem, setProblem] = useState<MonitorActions["problem"]>();

  const run = useCallback(
    async (action: MonitorAction, call: () => Promise<Monitor | undefined>): Promise<boolean> => {
      setBusy(action);
      setProblem(undefined);
      try {
        const monitor = await call();
        if (monitor) onUpdated(monitor);
        return true;
      } catch (error) {
        if (isUnauthenticated(error)) onUnauthenticated();
        setProblem({ ...problemOf(error), action });
        return false;
      } finally {
        setBusy(undefined);
      }
    },
    [onUnauthenticated, onUpdated],
  );

  const pause = useCallback(async () => {
    await run("pause", async () => (await client.pauseMonitor({ id })).monitor);
  }, [run, client, id]);
  const resume = useCallback(async () => {
    await run("resume", async () => (await client.resumeMonitor({ id })).monitor);
  }, [run, client, id]);
  const remove = useCallback(
    () =>
      run("delete", async () => {
        await client.deleteMonitor({ id });
        return undefined;
      }),
    [run, client, id],
  );
  const clearProblem = useCallback(() => setProblem(undefined), []);

  return { busy, problem, pause, resume, remove, clearProblem };
}
