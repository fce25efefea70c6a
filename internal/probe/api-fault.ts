import { Code, ConnectError } from "@connectrpc/connect";

/**
 * ApiFault is what the probe does about a failed call:
 * - "refused": the API will never take this token (revoked, unknown, another scope's): stop.
 * - "invalid": the API refuses this request as it is: retrying it would fail forever.
 * - "unavailable": anything else (unreachable, overloaded, failing, a deadline): wait and retry.
 */
export type ApiFault = "refused" | "invalid" | "unavailable";

/** faultOf classifies a failed call's error. */
export function faultOf(error: unknown): { fault: ApiFault; error: ConnectError } {
  const connectError = ConnectError.from(error);
  switch (connectError.code) {
    case Code.Unauthenticated:
    case Code.PermissionDenied:
      return { fault: "refused", error: connectError };
    case Code.InvalidArgument:
      return { fault: "invalid", error: connectError };
    default:
      return { fault: "unavailable", error: connectError };
  }
}

/** refusalLine says, in one line, why the API refuses this probe and what to do about it. */
export function refusalLine(error: ConnectError): string {
  if (error.code === Code.PermissionDenied) {
    return `the API refused PULSAR_PROBE_TOKEN (403 permission_denied: ${error.rawMessage}): it is not a probe token. Create one with ProbeService.CreateProbeToken, set PULSAR_PROBE_TOKEN and start the probe again`;
  }
  return "the probe token was revoked or is unknown (401 unauthenticated): create one with ProbeService.CreateProbeToken, set PULSAR_PROBE_TOKEN and start the probe again";
}
