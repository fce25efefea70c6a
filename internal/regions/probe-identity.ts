import { type ContextValues, createContextKey } from "@connectrpc/connect";

/** ProbeIdentity is the probe behind a request: its token, and the region the token decides. */
export interface ProbeIdentity {
  tokenId: string;
  /** The token's name, shown as the probe's on the Regions page. */
  name: string;
  region: string;
}

/**
 * probeKey holds the ProbeIdentity of a ProbeCheckService request in its Connect context values;
 * the probe gate (internal/api/probe-auth-gate.ts) sets it.
 */
export const probeKey = createContextKey<ProbeIdentity | undefined>(undefined, {
  description: "the probe token of the request",
});

/**
 * getProbe returns the request's probe. It throws when there is none: a ProbeCheckService
 * handler reached without the probe gate is a wiring bug, never an anonymous probe.
 */
export function getProbe(ctx: { values: ContextValues }): ProbeIdentity {
  const probe = ctx.values.get(probeKey);
  if (!probe) throw new Error("no probe in this request's context");
  return probe;
}
