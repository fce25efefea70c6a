import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import type { MonitorTarget } from "../../shared/monitor-target.js";

// What alerts take from a batch of check results: the status machine (internal/checks/status)
// decides the transitions and hands them here, inside the results' transaction. The vocabulary
// is the alerts' own, so that checks call alerts and never the other way round.

/**
 * MonitorTransition is one alert a walk over results decided: a status change (down,
 * recovered), a reminder, or a certificate close to its expiry (tied to no incident).
 */
export type MonitorTransition =
  | {
      kind: "down";
      /** The check that made it DOWN. */
      result: CheckResult;
      incidentId: string;
      /** The first failing check of the streak: the incident's start and cause. */
      startedUs: bigint;
      cause: string;
      failures: number;
    }
  | {
      kind: "recovered";
      result: CheckResult;
      incidentId: string | null;
      startedUs: bigint | null;
      /** The first successful check of the streak that recovered it. */
      endedUs: bigint;
      cause: string;
    }
  | {
      kind: "reminder";
      result: CheckResult;
      incidentId: string | null;
      startedUs: bigint | null;
    }
  | {
      kind: "tls_expiry";
      /** The newest check that read the certificate: its time, expiry and issuer. */
      result: CheckResult;
      incidentId: null;
      /** The threshold crossed (MonitorSpec.tls_expiry_alert_days), in days. */
      thresholdDays: number;
      /** The certificate's expiry, epoch microseconds. */
      expiresUs: bigint;
    };

/** AlertedMonitor is a monitor whose results decided alerts, with what wording them needs. */
export interface AlertedMonitor extends MonitorTarget {
  id: string;
  orgId: string;
  name: string;
  alertChannelIds: readonly string[];
  /** In the order they happened. */
  transitions: MonitorTransition[];
}
