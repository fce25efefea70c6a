import { create } from "@bufbuild/protobuf";
import {
  type CheckTarget,
  CheckTargetSchema,
  type DnsSpec,
  type TcpSpec,
} from "../../../gen/pulsar/v1/check_pb.js";
import type { Monitor } from "../../../gen/pulsar/v1/monitor_pb.js";
import type { MonitorSchedule } from "../queue/check-queue.js";

/**
 * CheckSpec is what of a monitor its check needs: a stored pulsar.v1.Monitor is one, and so is
 * a row of ListEnabledSchedulesPage once its JSON columns are read.
 */
export interface CheckSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  expectedStatus: readonly { min: number; max: number }[];
  keyword?: string;
  invertKeyword: boolean;
  followRedirects: boolean;
  ignoreTlsErrors: boolean;
  /** Set for a TCP monitor (url is then ""). */
  tcp?: TcpSpec;
  /** Set for a DNS monitor (url is then ""). */
  dns?: DnsSpec;
  conditions: readonly string[];
}

/**
 * checkTargetOf builds the check a job carries from a monitor's spec: the one place a monitor
 * becomes a pulsar.v1.CheckTarget, whether the API schedules it or the reconciler does.
 */
export function checkTargetOf(spec: CheckSpec): CheckTarget {
  return create(CheckTargetSchema, {
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    timeoutMs: spec.timeoutMs,
    // Only min and max: a StatusRange message would otherwise bring its $typeName along.
    expectedStatus: spec.expectedStatus.map(({ min, max }) => ({ min, max })),
    keyword: spec.keyword,
    invertKeyword: spec.invertKeyword,
    followRedirects: spec.followRedirects,
    ignoreTlsErrors: spec.ignoreTlsErrors,
    tcp: spec.tcp,
    dns: spec.dns,
    conditions: [...spec.conditions],
  });
}

/**
 * scheduleOf builds what the scheduler carries in each job from a stored monitor of the
 * organization orgId.
 */
export function scheduleOf(monitor: Monitor, orgId: string): MonitorSchedule {
  return {
    monitorId: monitor.id,
    orgId,
    intervalSeconds: monitor.intervalSeconds,
    target: checkTargetOf(monitor),
    regions: [...monitor.regions],
  };
}
