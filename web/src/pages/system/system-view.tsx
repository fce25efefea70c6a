import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import { timestampMs } from "../../lib/format";
import type { SystemDeps } from "./client";
import { ProcessTable } from "./process-table";
import { RpcTable } from "./rpc-table";
import { Section } from "./section";
import { SystemCards } from "./system-cards";
import { SystemCharts } from "./system-charts";
import { useSystemPage, WINDOW_SECONDS } from "./use-system-page";

/**
 * SystemView is the System page: the backend's own figures (every worker's and API process's
 * series, as /metrics serves them) for system admins, refreshed every few seconds.
 */
export function SystemView(deps: SystemDeps) {
  const { stats, points } = useSystemPage(deps);
  const data = stats.data;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">System</h1>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          How this installation's workers and API are doing, over the last{" "}
          {data && data.windowSeconds > 0 && data.windowSeconds < WINDOW_SECONDS - 1
            ? `${Math.round(data.windowSeconds)} seconds (since its processes started)`
            : `${WINDOW_SECONDS} seconds`}
          .
        </p>
      </div>
      {stats.problem && <FormError>Could not load the figures: {stats.problem.message}</FormError>}
      {!data ? (
        !stats.problem && <Spinner label="Loading the figures…" />
      ) : (
        <>
          <SystemCards stats={data} />
          <SystemCharts points={points} />
          <Section title="RPCs by method">
            <RpcTable rpcs={data.rpcs} />
          </Section>
          <Section title="Processes">
            <ProcessTable processes={data.processes} nowMs={timestampMs(data.observedAt)} />
          </Section>
        </>
      )}
    </div>
  );
}
