import { useMemo } from "react";
import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import { useNow } from "../overview/use-now";
import type { RegionsDeps } from "./client";
import { ProbeTokensSection } from "./probe-tokens-section";
import { RegionTable } from "./region-table";
import { useRegions } from "./use-regions";

/** RegionsViewProps are where the page's data comes from, and the clipboard. */
export interface RegionsViewProps extends RegionsDeps {
  copy?: (text: string) => Promise<void>;
}

const NO_NAMES: readonly string[] = [];

/**
 * RegionsView is the Regions page: every region known, who serves it now, and how many of the
 * organization's monitors list it, read again every few seconds; for a system admin, the probe
 * tokens below.
 */
export function RegionsView({ copy, systemAdmin, probes, ...deps }: RegionsViewProps) {
  const regions = useRegions(deps);
  const now = useNow(5_000);
  const data = regions.data;
  const names = useMemo(() => data?.regions.map((r) => r.name) ?? NO_NAMES, [data]);

  return (
    <div className="space-y-8">
      <section aria-label="Regions" className="space-y-3">
        <div>
          <h1 className="text-xl font-semibold">Regions</h1>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
            Where checks run from: workers started with REGION on the shared Redis, and remote
            probes. A region is live while one of them was seen within the last 30 s; monitors
            listing a silent region get no checks from it.
          </p>
        </div>
        {data ? (
          <>
            {regions.problem && (
              <FormError>Could not refresh the regions: {regions.problem.message}</FormError>
            )}
            <RegionTable regions={data.regions} defaultRegion={data.defaultRegion} now={now} />
          </>
        ) : regions.problem ? (
          <FormError>Could not load the regions: {regions.problem.message}</FormError>
        ) : (
          <Spinner label="Loading regions…" />
        )}
      </section>
      {systemAdmin && (
        <ProbeTokensSection
          client={probes}
          onUnauthenticated={deps.onUnauthenticated}
          regions={names}
          copy={copy}
        />
      )}
    </div>
  );
}
